//! `cargo run -p validate-tests --example pedump -- FILE [AT]`: the
//! Authenticode verdict on a PE file without trust anchors (for looking at
//! real files by hand).
fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("FILE");
    let at = args.next().unwrap_or_else(|| "2026-01-01T00:00:00Z".into());
    let anchors = match std::env::var("ANCHORS") {
        Ok(p) => validate::path::TrustStore::from_certificates(
            validate::read_certificates_strict(&std::fs::read(p).unwrap()).unwrap(),
        ),
        Err(_) => validate::path::TrustStore::new(),
    };
    let ctx = validate::cms::VerifyContext::new(
        &anchors,
        validate::path::ValidationOptions::at(at.parse().unwrap()),
    );
    let mut f = std::fs::File::open(&path).unwrap();
    match validate::authenticode::verify_pe(&mut f, &ctx, &Default::default()) {
        Err(e) => println!("{path}: error: {e}"),
        Ok(r) => {
            println!(
                "{path}: valid {} pe32+ {} findings {:?}",
                r.valid, r.pe32_plus, r.findings
            );
            for s in &r.signatures {
                println!(
                    "  sig {} alg {:?} digest {} pages {:?}",
                    s.index, s.digest_algorithm, s.image_digest_matches, s.page_hashes_match
                );
                for f in &s.findings {
                    println!("    {:?} {}", f.code, &f.detail[..f.detail.len().min(300)]);
                }
                if let Some(c) = &s.cms {
                    for si in &c.signers {
                        println!(
                            "    signer intact {} ts {:?}",
                            si.signature_intact(),
                            si.timestamps
                                .iter()
                                .map(|t| (t.valid, t.gen_time.map(|g| g.to_string())))
                                .collect::<Vec<_>>()
                        );
                    }
                }
            }
        }
    }
}
