//! The Rust side of the bindings overhead benchmark (benches/bindings/run.sh):
//! the same X509 request as the C and Python programs, through
//! `Validator::validate_json` plus serialising the report (what every binding
//! does), N times; prints microseconds per call.

use std::time::Instant;

use validate::policy::PolicyFile;
use validate::validator::Validator;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(2000);
    let policy =
        PolicyFile::from_json(r#"{"name": "bench", "trustAnchors": ["examples/chain/root.pem"]}"#)
            .and_then(|f| f.into_policy(|name| Ok(std::fs::read(name).expect("policy file"))))
            .expect("policy");
    let validator = Validator::new(policy);
    let request = std::fs::read_to_string(std::env::var("BENCH_REQUEST").expect("BENCH_REQUEST"))
        .expect("request file");
    let at = "2030-01-01T00:00:00Z".parse().unwrap();
    let mut bytes = 0;
    for _ in 0..n / 10 {
        bytes += serde_json::to_string(&validator.validate_json(&request, at))
            .unwrap()
            .len();
    }
    let start = Instant::now();
    for _ in 0..n {
        let report = validator.validate_json(&request, at);
        bytes += serde_json::to_string(&report).unwrap().len();
    }
    let per_call = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    assert!(bytes > 0);
    println!("rust {per_call:.1} us/call ({n} calls)");
    // The floor: the cheapest call (health), 100x as many times.
    let start = Instant::now();
    for _ in 0..n * 100 {
        bytes += serde_json::to_string(&validate::validator::Health::up())
            .unwrap()
            .len();
    }
    let per_call = start.elapsed().as_secs_f64() * 1e6 / (n * 100) as f64;
    assert!(bytes > 0);
    println!("rust-health {per_call:.3} us/call ({} calls)", n * 100);
}
