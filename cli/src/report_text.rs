//! The short human summary of a validation report (`--format text`): the
//! verdict, the policy, each part's status and results, each signer or
//! certificate with its status. The JSON report is the contract; this is
//! only for people.

use std::io::Write;

use validate::report::{ResultStatus, StatusBlock, ValidationReport, WebCertificate};

fn status_word(status: ResultStatus) -> &'static str {
    match status {
        ResultStatus::Success => "SUCCESS",
        ResultStatus::Warning => "WARNING",
        ResultStatus::Error => "ERROR",
    }
}

fn results(out: &mut impl Write, block: &StatusBlock) -> std::io::Result<()> {
    for item in &block.result_list {
        match &item.detail {
            Some(detail) => writeln!(out, "    [{}] {detail}", item.code)?,
            None => writeln!(out, "    [{}]", item.code)?,
        }
    }
    Ok(())
}

fn certificate(out: &mut impl Write, label: &str, cert: &WebCertificate) -> std::io::Result<()> {
    writeln!(
        out,
        "{label}: {} (serial {}, valid {} to {})",
        cert.subject.dn,
        cert.serial_number_h,
        cert.not_before_s.as_deref().unwrap_or("?"),
        cert.not_after_s.as_deref().unwrap_or("?"),
    )?;
    writeln!(
        out,
        "  status {} ({}), trust level {}, revocation checked by {}",
        cert.status.value(),
        cert.status,
        cert.trust_level.value(),
        match cert.validation_mode.value() {
            1 => "CRL",
            2 => "OCSP",
            _ => "nothing",
        }
    )
}

/// Writes the summary of `report`.
pub fn write(out: &mut impl Write, report: &ValidationReport) -> std::io::Result<()> {
    let verdict = if !report.is_acceptable() {
        if report.policy.is_none() {
            "not processed"
        } else {
            "INVALID"
        }
    } else if report.op_result.result_status == ResultStatus::Warning
        || report
            .policy
            .as_ref()
            .is_some_and(|p| p.result_status == ResultStatus::Warning)
    {
        "valid, with warnings"
    } else {
        "valid"
    };
    writeln!(out, "verdict: {verdict}")?;
    if report.op_result.result_status != ResultStatus::Success {
        writeln!(
            out,
            "request: {}",
            status_word(report.op_result.result_status)
        )?;
        results(out, &report.op_result)?;
    }
    if let Some(policy) = &report.policy {
        writeln!(
            out,
            "policy: {} {} ({})",
            policy.name,
            policy.version,
            status_word(policy.result_status)
        )?;
        if let Some(signature) = &policy.signature {
            writeln!(
                out,
                "  signature ({}): {}",
                signature.signature_type,
                status_word(signature.status.result_status)
            )?;
            results(out, &signature.status)?;
        }
        if let Some(part) = &policy.certificate {
            writeln!(
                out,
                "  certificates (level {}): {}",
                part.level,
                status_word(part.status.result_status)
            )?;
            results(out, &part.status)?;
        }
    }
    for (i, signer) in report.signers.iter().flatten().enumerate() {
        certificate(out, &format!("signer {i}"), signer)?;
    }
    for (i, cert) in report.certificates.iter().flatten().enumerate() {
        certificate(out, &format!("certificate {i}"), cert)?;
    }
    Ok(())
}
