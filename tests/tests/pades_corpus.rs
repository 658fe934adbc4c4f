//! The labelled public corpus (tests/pades/corpus.tsv): pyHanko's own
//! signed test PDFs with the verdicts its tests assert, and the real-world
//! signed PDFs of shared/realworld with pdfsig's and pyHanko's verdicts.
//! A disagreement not listed in the table (with its reason) fails.

use validate::cms::VerifyContext;
use validate::path::{TrustStore, ValidationOptions};
use validate::pdf::{Coverage, ModificationLevel, PdfOptions, verify_pdf};

fn path_of(name: &str) -> std::path::PathBuf {
    let root = validate_tests::repo_root();
    match name.strip_prefix("realworld/") {
        Some(rest) => root
            .join("../shared/realworld/files/pades/endesive")
            .join(rest),
        None => root.join("tests/pades").join(name),
    }
}

fn level_name(l: ModificationLevel) -> &'static str {
    match l {
        ModificationLevel::None => "NONE",
        ModificationLevel::LtaUpdates => "LTA_UPDATES",
        ModificationLevel::FormFilling => "FORM_FILLING",
        ModificationLevel::Annotations => "ANNOTATIONS",
        ModificationLevel::Other => "OTHER",
    }
}

fn coverage_name(c: Coverage) -> &'static str {
    match c {
        Coverage::Unclear => "UNCLEAR",
        Coverage::ContiguousBlockFromStart => "CONTIGUOUS_BLOCK_FROM_START",
        Coverage::EntireRevision => "ENTIRE_REVISION",
        Coverage::EntireFile => "ENTIRE_FILE",
    }
}

#[test]
fn corpus_verdicts() {
    let table = std::fs::read_to_string(validate_tests::repo_root().join("tests/pades/corpus.tsv"))
        .unwrap();
    let anchors = TrustStore::new();
    // Untrusted roots, as the sources' own checks ran ("intact" is the
    // signature over the ByteRange; trust is not asked).
    let ctx = VerifyContext::new(
        &anchors,
        ValidationOptions::at("2021-01-05T00:00:00Z".parse().unwrap()),
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for line in table
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, index, expected, note) = (
            cols[0],
            cols[1].parse::<usize>().unwrap(),
            cols[2],
            cols.get(4).copied().unwrap_or(""),
        );
        let mut f = std::io::BufReader::new(
            std::fs::File::open(path_of(file)).unwrap_or_else(|e| panic!("{file}: {e}")),
        );
        let v = verify_pdf(&mut f, &ctx, &PdfOptions::default())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut sigs: Vec<_> = v.signatures.iter().collect();
        sigs.sort_by_key(|s| s.revision.unwrap_or(0));
        let s = sigs[index];
        let intact = s.cms.as_ref().is_some_and(|c| {
            !c.signers.is_empty() && c.signers.iter().all(|x| x.signature_intact())
        }) || s.raw.as_ref().is_some_and(|r| r.signature.is_valid());
        let mut got = vec![if intact && !s.findings.iter().any(|f| f.is_error()) {
            "intact"
        } else {
            "invalid"
        }];
        let want: Vec<&str> = expected.split(' ').collect();
        for w in &want[1..] {
            if w.starts_with("ENTIRE") || *w == "UNCLEAR" || w.starts_with("CONTIGUOUS") {
                got.push(coverage_name(s.coverage));
            } else {
                got.push(level_name(s.modification_level));
            }
        }
        let agrees = got == want;
        let listed = note.starts_with("DISAGREE");
        if agrees == listed {
            problems.push(format!(
                "{file}: expected {expected}, got {} ({})",
                got.join(" "),
                if listed {
                    "listed as a disagreement but agrees"
                } else {
                    "unlisted disagreement"
                }
            ));
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} corpus files");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
