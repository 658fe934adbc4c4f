//! Many requests in one call, on every core (rayon's global pool): the
//! reports come back in input order, each exactly what the one-by-one call
//! gives (statistics included), since a `Validator` is shared read-only
//! apart from its atomic counters and its caches.

use rayon::prelude::*;

use super::Validator;
use crate::report::ValidationReport;
use crate::request::ValidationRequest;
use crate::time::Timestamp;

/// One CMS / CAdES signature for [`Validator::verify_many`]: the SignedData
/// (DER, BER, PEM or base64) and its detached content, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CmsInput<'a> {
    /// The SignedData.
    pub signature: &'a [u8],
    /// The detached content; `None` for an attached signature.
    pub content: Option<&'a [u8]>,
}

impl<'a> CmsInput<'a> {
    /// A signature with its detached content (`None`: attached).
    pub fn new(signature: &'a [u8], content: Option<&'a [u8]>) -> Self {
        Self { signature, content }
    }
}

impl Validator {
    /// [`validate`](Self::validate) for each request, in parallel; the
    /// reports are in the order of `requests`.
    ///
    /// ```
    /// use base64ct::{Base64, Encoding};
    /// use validate::{Timestamp, policy::ValidationPolicy, path::TrustStore, read_certificates_strict};
    /// use validate::{request::ValidationRequest, validator::Validator};
    ///
    /// let root = read_certificates_strict(&std::fs::read("../examples/chain/root.pem").unwrap()).unwrap();
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::from_certificates(root)));
    /// let chain = std::fs::read("../examples/chain/chain.pem").unwrap();
    /// let good = ValidationRequest {
    ///     signature_type: "X509".into(),
    ///     certificate: Some(Base64::encode_string(&chain)),
    ///     ..Default::default()
    /// };
    /// let bad = ValidationRequest { signature_type: "nonsense".into(), ..Default::default() };
    /// let at: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let reports = validator.validate_many(&[good, bad], at);
    /// assert!(reports[0].is_acceptable() && !reports[1].is_acceptable());
    /// ```
    pub fn validate_many(
        &self,
        requests: &[ValidationRequest],
        at: Timestamp,
    ) -> Vec<ValidationReport> {
        requests
            .par_iter()
            .map(|request| self.validate(request, at))
            .collect()
    }

    /// [`validate_json`](Self::validate_json) for each request text, in
    /// parallel; reports in input order.
    pub fn validate_json_many<S: AsRef<str> + Sync>(
        &self,
        requests: &[S],
        at: Timestamp,
    ) -> Vec<ValidationReport> {
        requests
            .par_iter()
            .map(|request| self.validate_json(request.as_ref(), at))
            .collect()
    }

    /// [`verify_cms`](Self::verify_cms) for each signature, in parallel;
    /// reports in the order of `inputs`.
    ///
    /// ```
    /// use validate::{Timestamp, policy::ValidationPolicy, path::TrustStore, read_certificates_strict};
    /// use validate::validator::{CmsInput, Validator};
    /// let root = read_certificates_strict(&std::fs::read("../examples/chain/root.pem").unwrap()).unwrap();
    /// let validator = Validator::new(ValidationPolicy::new("acme", TrustStore::from_certificates(root)));
    /// let p7s = std::fs::read("../examples/signatures/detached.p7s").unwrap();
    /// let content = std::fs::read("../examples/signatures/content.txt").unwrap();
    /// let at: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
    /// let reports = validator.verify_many(
    ///     &[CmsInput::new(&p7s, Some(&content)), CmsInput::new(&p7s, Some(b"other"))],
    ///     at,
    /// );
    /// assert!(reports[0].is_acceptable() && !reports[1].is_acceptable());
    /// ```
    pub fn verify_many(&self, inputs: &[CmsInput<'_>], at: Timestamp) -> Vec<ValidationReport> {
        inputs
            .par_iter()
            .map(|input| self.verify_one(input, at))
            .collect()
    }

    /// [`verify_many`](Self::verify_many) on the calling thread only: the
    /// one-core reference the parallel call is measured against.
    pub fn verify_many_sequential(
        &self,
        inputs: &[CmsInput<'_>],
        at: Timestamp,
    ) -> Vec<ValidationReport> {
        inputs
            .iter()
            .map(|input| self.verify_one(input, at))
            .collect()
    }

    fn verify_one(&self, input: &CmsInput<'_>, at: Timestamp) -> ValidationReport {
        match input.content {
            Some(content) => {
                let mut content = content;
                self.verify_cms(input.signature, Some(&mut content), at)
            }
            None => self.verify_cms(input.signature, None, at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cert::read_certificates_strict;
    use crate::path::TrustStore;
    use crate::policy::ValidationPolicy;

    fn example(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/../examples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn validator() -> Validator {
        let root = read_certificates_strict(&example("chain/root.pem")).unwrap();
        Validator::new(ValidationPolicy::new(
            "acme",
            TrustStore::from_certificates(root),
        ))
    }

    /// 64 inputs (valid, wrong content, attached, garbage, in a mix): the
    /// parallel reports equal the one-by-one reports of a fresh validator,
    /// in order, and the statistics count every input.
    #[test]
    fn batch_equals_one_by_one_in_order() {
        let detached = example("signatures/detached.p7s");
        let content = example("signatures/content.txt");
        let attached = example("signatures/attached.p7m");
        let attached_ec = example("signatures/attached-ec.pem");
        let garbage = b"not a signature".to_vec();
        let kinds: [(&[u8], Option<&[u8]>); 5] = [
            (&detached, Some(&content)),
            (&detached, Some(b"tampered")),
            (&attached, None),
            (&attached_ec, None),
            (&garbage, None),
        ];
        let inputs: Vec<CmsInput<'_>> = (0..64)
            .map(|i| {
                let (signature, content) = kinds[(i * 7) % kinds.len()];
                CmsInput::new(signature, content)
            })
            .collect();
        let at: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();

        let batch = validator();
        let reports = batch.verify_many(&inputs, at);
        let single = validator();
        let expected: Vec<ValidationReport> = inputs
            .iter()
            .map(|input| single.verify_one(input, at))
            .collect();
        let json = |r: &[ValidationReport]| serde_json::to_string(r).unwrap();
        assert_eq!(json(&reports), json(&expected));
        assert_eq!(
            json(&batch.verify_many_sequential(&inputs, at)),
            json(&expected)
        );
        assert!(reports.iter().any(ValidationReport::is_acceptable));
        assert!(!reports.iter().all(ValidationReport::is_acceptable));
        let (b, s) = (batch.statistics(), single.statistics());
        assert_eq!((b.success, b.failure), (2 * s.success, 2 * s.failure));
        assert_eq!(s.success + s.failure, 64);

        let requests: Vec<String> = (0..32)
            .map(|i| match i % 3 {
                0 => r#"{"signatureType":"nonsense"}"#.to_string(),
                1 => "{not json".to_string(),
                _ => serde_json::json!({
                    "signatureType": "CAdES",
                    "signature": <base64ct::Base64 as base64ct::Encoding>::encode_string(&attached),
                })
                .to_string(),
            })
            .collect();
        let reports = batch.validate_json_many(&requests, at);
        let expected: Vec<ValidationReport> = requests
            .iter()
            .map(|r| single.validate_json(r, at))
            .collect();
        assert_eq!(json(&reports), json(&expected));
    }
}
