//! Our in-process side of the PAdES benchmark (benches/pades/run.py), the
//! counterpart of pyhanko_validate.py: loads the example policy, then
//! times one `Validator::verify_pdf` of the file argv[1] (read through
//! `Read + Seek` from the file, as the CLI does) and the report's JSON,
//! and prints the seconds and whether every signature is valid.

use std::time::Instant;

use validate::policy::PolicyFile;
use validate::validator::Validator;

fn main() {
    let path = std::env::args().nth(1).expect("a PDF path");
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/chain/root.pem");
    let policy = PolicyFile::from_json(&format!(
        r#"{{"name": "bench", "trustAnchors": ["{root}"]}}"#
    ))
    .and_then(|f| f.into_policy(|name| Ok(std::fs::read(name).expect("policy file"))))
    .expect("policy");
    let validator = Validator::new(policy);
    let at = "2030-01-01T00:00:00Z".parse().unwrap();
    let start = Instant::now();
    let mut file = std::fs::File::open(&path).expect("the PDF");
    let report = validator.verify_pdf(&mut file, None, at);
    let json = serde_json::to_string(&report).unwrap();
    let elapsed = start.elapsed().as_secs_f64();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let entries = value["pdfSignatures"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let valid = entries.iter().filter(|e| e["valid"] == true).count();
    println!("{elapsed:.6}");
    println!("{valid} of {} signatures valid", entries.len());
}
