//! The certificates table from signed files: every certificate their
//! signatures reference, verified with this validator's policy, as
//! certificate records (`crate::record::SignatureRecords`).

use std::io::SeekFrom;

use super::Validator;
use super::signatures::context;
use crate::authenticode::{AuthenticodeOptions, verify_pe};
use crate::cms::{SignedDataResult, verify_signed_data};
use crate::error::{Error, Result};
use crate::nuget::verify_package;
use crate::pdf::ReadSeek;
use crate::record::{CertificateRecord, SignatureRecords};
use crate::request::SignatureType;
use crate::time::Timestamp;

/// Largest CMS signature file read whole for its records: 64 MiB, the
/// limit of every input file of the CLI and the bindings
/// ([`crate::cert::MAX_BUNDLE_SIZE`]); a signature file larger than that holds
/// attached content, which a caller should detach. Reading stops one byte
/// past it (a FIFO or `/dev/zero` reports no length).
const MAX_CMS_FILE: u64 = crate::cert::MAX_BUNDLE_SIZE as u64;

impl Validator {
    /// The certificate records of every certificate the signatures in
    /// `file` reference: a NuGet package (author and repository signatures,
    /// their timestamps), a PE file (every Authenticode signature and its
    /// timestamps) or a CMS signature; deduplicated by fingerprint, with
    /// the chain columns and CodeSigning* / Timestamping* status columns of
    /// the end certificates, validated with this policy at `at` (signers
    /// at the time their valid timestamp proves).
    ///
    /// `Err` when the file is none of these or cannot be read.
    ///
    /// ```
    /// use validate::{policy::ValidationPolicy, path::TrustStore, validator::Validator};
    /// let root = validate::read_certificates_strict(&std::fs::read("../examples/chain/root.pem").unwrap()).unwrap();
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::from_certificates(root)));
    /// let mut p7s = std::fs::File::open("../examples/signatures/attached.p7m").unwrap();
    /// let records = validator.signature_records(&mut p7s, "2030-01-01T00:00:00Z".parse().unwrap()).unwrap();
    /// assert_eq!(records[0].code_signing_status, Some(validate::path::EndCertificateStatus::Good));
    /// ```
    pub fn signature_records(
        &self,
        file: &mut dyn ReadSeek,
        at: Timestamp,
    ) -> Result<Vec<CertificateRecord>> {
        Ok(self.signature_record_set(file, at)?.into_records())
    }

    /// [`Self::signature_records`] as a set to merge with other files'
    /// (`validate cert --from-signature` over many files).
    pub fn signature_record_set(
        &self,
        file: &mut dyn ReadSeek,
        at: Timestamp,
    ) -> Result<SignatureRecords> {
        let ctx = context(self, at);
        let mut records = SignatureRecords::new();
        match SignatureType::detect_code_signing(file) {
            Some(SignatureType::NuGet) => {
                if let Some(cms) = verify_package(file, &ctx)?.cms {
                    add(&mut records, &cms);
                }
            }
            Some(_) => {
                for sig in verify_pe(file, &ctx, &AuthenticodeOptions::default())?.signatures {
                    if let Some(cms) = &sig.cms {
                        add(&mut records, cms);
                    }
                }
            }
            None => {
                let len = file
                    .seek(SeekFrom::End(0))
                    .map_err(|e| Error::invalid("signature file", e.to_string()))?;
                if len > MAX_CMS_FILE {
                    return Err(Error::TooLarge {
                        what: "a CMS signature file",
                        size: len as usize,
                        limit: MAX_CMS_FILE as usize,
                    });
                }
                file.seek(SeekFrom::Start(0))
                    .map_err(|e| Error::invalid("signature file", e.to_string()))?;
                // The length a seek reports is not a bound: a device or a
                // FIFO (`/dev/zero`) reports 0 and never ends.
                let limit = usize::try_from(MAX_CMS_FILE).unwrap_or(usize::MAX);
                let bytes = crate::read_limited(&mut *file, limit, "a CMS signature file")?;
                add(&mut records, &verify_signed_data(&bytes, None, &ctx)?);
            }
        }
        Ok(records)
    }
}

fn add(records: &mut SignatureRecords, cms: &SignedDataResult) {
    for signer in &cms.signers {
        records.add_signer(signer);
    }
    for cert in &cms.certificates {
        records.add_certificate(cert);
    }
}
