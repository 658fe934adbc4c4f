//! Our in-process side of the XAdES benchmark (benches/xades/run.py), the
//! counterpart of signxml_verify.py: loads the example policy, reads the
//! files, then times one `Validator::verify_xml` of argv[1] (the detached
//! content argv[2] when given) and the report's JSON, and prints the
//! seconds and whether the report is acceptable.

use std::time::Instant;

use validate::policy::PolicyFile;
use validate::request::SignatureType;
use validate::validator::Validator;

fn main() {
    let mut args = std::env::args().skip(1);
    let xml = std::fs::read(args.next().expect("an XML path")).expect("the XML file");
    let detached = args
        .next()
        .map(|p| std::fs::read(p).expect("the detached content"));
    let policy_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/policy.json");
    let base = std::path::Path::new(policy_path)
        .parent()
        .expect("examples/")
        .to_path_buf();
    let policy = PolicyFile::from_json(&std::fs::read_to_string(policy_path).expect("policy"))
        .and_then(|f| {
            f.into_policy(|name| Ok(std::fs::read(base.join(name)).expect("policy file")))
        })
        .expect("policy");
    let validator = Validator::new(policy);
    let kind = if detached.is_some() {
        SignatureType::XadesDetached
    } else {
        SignatureType::XadesEnveloped
    };
    let at = validate::Timestamp::now();
    let start = Instant::now();
    let report = validator.verify_xml(&xml, detached.as_deref(), kind, at);
    let json = serde_json::to_string(&report).expect("report JSON");
    let elapsed = start.elapsed().as_secs_f64();
    println!("{elapsed:.6}");
    println!(
        "{} ({} bytes of report)",
        if report.is_acceptable() {
            "valid"
        } else {
            "INVALID"
        },
        json.len()
    );
}
