//! Prints the PDF verdict of each file given (development aid).
use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::pdf::{PdfOptions, verify_pdf};

fn main() {
    let anchors = TrustStore::new();
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2030-01-01T00:00:00Z".parse().unwrap()),
    );
    for path in std::env::args().skip(1) {
        let mut f = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
        match verify_pdf(&mut f, &ctx, &PdfOptions::default()) {
            Err(e) => println!("{path}: ERR {:?} {}", e.code, e.detail),
            Ok(v) => {
                println!(
                    "{path}: revisions {} findings {:?}",
                    v.revisions,
                    v.findings
                        .iter()
                        .map(|f| (f.code, &f.detail))
                        .collect::<Vec<_>>()
                );
                for s in &v.signatures {
                    println!(
                        "  {} {:?} {} rev {:?} {:?} {:?} ts {:?} level {:?} intact {:?}",
                        s.field_name,
                        s.kind,
                        s.sub_filter,
                        s.revision,
                        s.coverage,
                        s.modification_level,
                        s.timestamp,
                        s.pades_level,
                        s.cms.as_ref().map(|c| c
                            .signers
                            .iter()
                            .map(|x| x.signature_intact())
                            .collect::<Vec<_>>())
                    );
                    for f in &s.findings {
                        println!(
                            "    {:?} {:?} {}",
                            f.code,
                            f.severity,
                            &f.detail[..f.detail.len().min(300)]
                        );
                    }
                }
            }
        }
    }
}
