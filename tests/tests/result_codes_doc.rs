//! docs/result-codes.md lists every result code with its name and flag.

use validate::path::ResultCode;

#[test]
fn every_result_code_is_documented() {
    let doc =
        std::fs::read_to_string(validate_tests::repo_root().join("docs/result-codes.md")).unwrap();
    for code in ResultCode::ALL {
        let row = format!("| {} | {:?} | {} |", code.code(), code, code.flag());
        assert!(
            doc.contains(&row),
            "docs/result-codes.md lacks the row starting {row}"
        );
    }
}

#[test]
fn every_cms_code_is_documented() {
    use validate::cms::CmsCode;
    let doc = std::fs::read_to_string(validate_tests::repo_root().join("docs/cms.md")).unwrap();
    for code in CmsCode::ALL {
        let row = format!(
            "| {} | {:?} | {:?} | {} |",
            code.code(),
            code,
            code.default_severity(),
            code.description()
        );
        assert!(doc.contains(&row), "docs/cms.md lacks the row {row}");
    }
}

#[test]
fn every_summary_code_is_documented() {
    let doc =
        std::fs::read_to_string(validate_tests::repo_root().join("docs/result-codes.md")).unwrap();
    for code in validate::report::SeedCode::ALL {
        assert!(
            doc.contains(&format!("| {} |", code.code())),
            "docs/result-codes.md lacks {}",
            code.code()
        );
    }
}

#[test]
fn every_xml_signature_code_is_documented() {
    use validate::xades::XmlCode;
    let doc =
        std::fs::read_to_string(validate_tests::repo_root().join("docs/result-codes.md")).unwrap();
    for code in XmlCode::ALL {
        let row = format!(
            "| {} | {:?} | {:?} | {} |",
            code.code(),
            code,
            code.default_severity(),
            code.description()
        );
        assert!(
            doc.contains(&row),
            "docs/result-codes.md lacks the row {row}"
        );
    }
}

#[test]
fn every_pdf_code_is_documented() {
    use validate::pdf::PdfCode;
    let doc =
        std::fs::read_to_string(validate_tests::repo_root().join("docs/result-codes.md")).unwrap();
    for code in PdfCode::ALL {
        let row = format!(
            "| {} | {:?} | {:?} | {} |",
            code.code(),
            code,
            code.default_severity(),
            code.description()
        );
        assert!(
            doc.contains(&row),
            "docs/result-codes.md lacks the row {row}"
        );
    }
}

#[test]
fn every_nuget_code_is_documented() {
    use validate::nuget::NuGetCode;
    let doc =
        std::fs::read_to_string(validate_tests::repo_root().join("docs/result-codes.md")).unwrap();
    for code in NuGetCode::ALL {
        let row = format!(
            "| {} | {:?} | {} | {:?} | {} |",
            code.code(),
            code,
            code.nuget_code(),
            code.default_severity(),
            code.description()
        );
        assert!(
            doc.contains(&row),
            "docs/result-codes.md lacks the row {row}"
        );
    }
}

#[test]
fn every_authenticode_code_is_documented() {
    use validate::authenticode::AuthenticodeCode;
    let doc =
        std::fs::read_to_string(validate_tests::repo_root().join("docs/result-codes.md")).unwrap();
    for code in AuthenticodeCode::ALL {
        let row = format!(
            "| {} | {:?} | {:?} | {} |",
            code.code(),
            code,
            code.default_severity(),
            code.description()
        );
        assert!(
            doc.contains(&row),
            "docs/result-codes.md lacks the row {row}"
        );
    }
}
