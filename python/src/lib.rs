//! The native part of the Python module `libvalidate` (`libvalidate._libvalidate`).
//! It translates Python arguments to the shared binding layer (ffi/src/api.rs,
//! compiled here too) and releases the GIL while the core works; the Pythonic
//! classes and typed exceptions are in `libvalidate/__init__.py`.

#![deny(missing_docs)]

#[path = "../../ffi/src/api.rs"]
#[allow(dead_code)]
mod api;
#[path = "../../ffi/src/codesign_api.rs"]
mod codesign_api;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use api::{BindError, BindResult};

create_exception!(
    _libvalidate,
    NativeError,
    PyException,
    "A failed call: args are (status, message, body or None)."
);

fn err(e: BindError) -> PyErr {
    NativeError::new_err((e.status as i32, e.message, e.body))
}

fn done<T>(r: BindResult<T>) -> PyResult<T> {
    r.map_err(err)
}

/// A validation policy (trust anchors, purpose, algorithms, time source).
#[pyclass(frozen, module = "libvalidate._libvalidate")]
struct NativePolicy {
    inner: vcore::policy::ValidationPolicy,
}

#[pymethods]
impl NativePolicy {
    /// From the JSON text of a policy file; file names relative to `base_dir`.
    #[staticmethod]
    #[pyo3(signature = (json, base_dir=None))]
    fn from_json(py: Python<'_>, json: &str, base_dir: Option<PathBuf>) -> PyResult<Self> {
        let inner = done(py.detach(|| api::policy_from_json(json, base_dir.as_deref())))?;
        Ok(NativePolicy { inner })
    }

    /// From a policy file.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = done(py.detach(|| api::policy_from_path(&path)))?;
        Ok(NativePolicy { inner })
    }

    /// The policy's name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// The policy's version.
    #[getter]
    fn version(&self) -> &str {
        &self.inner.version
    }

    /// The number of trust anchors.
    #[getter]
    fn anchor_count(&self) -> usize {
        self.inner.anchors.len()
    }

    /// The validation level (0 to 3).
    #[getter]
    fn level(&self) -> u8 {
        self.inner.level.value()
    }
}

/// A validator for one policy; shareable between threads.
#[pyclass(frozen, module = "libvalidate._libvalidate")]
struct NativeValidator {
    inner: Arc<vcore::validator::Validator>,
}

#[pymethods]
impl NativeValidator {
    #[new]
    fn new(policy: &NativePolicy) -> Self {
        NativeValidator {
            inner: api::validator(policy.inner.clone()),
        }
    }

    /// Validates a request (seed JSON) at `at` (RFC 3339, None: now); the report JSON.
    #[pyo3(signature = (request, at=None))]
    fn validate_json(&self, py: Python<'_>, request: &str, at: Option<&str>) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| api::validate_request(v, request, api::parse_time(at)?)))
    }

    /// Verifies a CMS SignedData; the report JSON.
    #[pyo3(signature = (signature, content=None, at=None))]
    fn verify_cms(
        &self,
        py: Python<'_>,
        signature: &[u8],
        content: Option<&[u8]>,
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| api::verify_cms(v, signature, content, api::parse_time(at)?)))
    }

    /// Verifies many CMS SignedData (pairs of signature and detached
    /// content or None) in one call, on every core, without the GIL; a JSON
    /// array of reports in input order.
    #[pyo3(signature = (inputs, at=None))]
    fn verify_cms_many(
        &self,
        py: Python<'_>,
        inputs: Vec<(Bound<'_, PyBytes>, Option<Bound<'_, PyBytes>>)>,
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        // Borrowed from the (immutable) bytes objects, which the list keeps alive.
        let inputs: Vec<vcore::validator::CmsInput<'_>> = inputs
            .iter()
            .map(|(signature, content)| {
                vcore::validator::CmsInput::new(
                    signature.as_bytes(),
                    content.as_ref().map(|c| c.as_bytes()),
                )
            })
            .collect();
        done(py.detach(|| api::verify_cms_many(v, &inputs, api::parse_time(at)?)))
    }

    /// Validates many requests (seed JSON texts) in one call, on every
    /// core, without the GIL; a JSON array of reports in input order.
    #[pyo3(signature = (requests, at=None))]
    fn validate_json_many(
        &self,
        py: Python<'_>,
        requests: Vec<String>,
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        let texts: Vec<&str> = requests.iter().map(String::as_str).collect();
        done(py.detach(|| api::validate_request_many(v, &texts, api::parse_time(at)?)))
    }

    /// Verifies the XML signatures of a document; the report JSON.
    #[pyo3(signature = (xml, content=None, at=None))]
    fn verify_xml(
        &self,
        py: Python<'_>,
        xml: &[u8],
        content: Option<&[u8]>,
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| api::verify_xml(v, xml, content, api::parse_time(at)?)))
    }

    /// Verifies the signatures of a PDF given as bytes; the report JSON.
    #[pyo3(signature = (pdf, password=None, at=None))]
    fn verify_pdf(
        &self,
        py: Python<'_>,
        pdf: &[u8],
        password: Option<&str>,
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| api::verify_pdf(v, pdf, password, api::parse_time(at)?)))
    }

    /// Verifies the signatures of the PDF file at `path`, read in blocks;
    /// the report JSON.
    #[pyo3(signature = (path, password=None, at=None))]
    fn verify_pdf_file(
        &self,
        py: Python<'_>,
        path: PathBuf,
        password: Option<&str>,
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| api::verify_pdf_file(v, &path, password, api::parse_time(at)?)))
    }

    /// Verifies a signed NuGet package or PE file; the report JSON.
    #[pyo3(signature = (file, at=None))]
    fn verify_code_signing(
        &self,
        py: Python<'_>,
        file: &[u8],
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| codesign_api::verify_code_signing(v, file, api::parse_time(at)?)))
    }

    /// The certificate records of a signed file's signatures; a JSON array.
    #[pyo3(signature = (file, at=None))]
    fn signature_records(&self, py: Python<'_>, file: &[u8], at: Option<&str>) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| codesign_api::signature_records(v, file, api::parse_time(at)?)))
    }

    /// Verifies a raw signature; the report JSON.
    #[pyo3(signature = (data, signature, certificate, algorithm, at=None))]
    fn verify_pkcs1(
        &self,
        py: Python<'_>,
        data: &[u8],
        signature: &[u8],
        certificate: &[u8],
        algorithm: &str,
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| {
            api::verify_raw(
                v,
                data,
                signature,
                certificate,
                algorithm,
                api::parse_time(at)?,
            )
        }))
    }

    /// Validates certificates (P7B / X509); the report JSON.
    #[pyo3(signature = (certificates, at=None))]
    fn validate_certificates(
        &self,
        py: Python<'_>,
        certificates: &[u8],
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| api::validate_certificates(v, certificates, api::parse_time(at)?)))
    }

    /// Verifies an RFC 3161 token over `stamped`; the report JSON.
    #[pyo3(signature = (token, stamped, at=None))]
    fn verify_timestamp(
        &self,
        py: Python<'_>,
        token: &[u8],
        stamped: &[u8],
        at: Option<&str>,
    ) -> PyResult<String> {
        let v = &self.inner;
        done(py.detach(|| api::verify_timestamp(v, token, stamped, api::parse_time(at)?)))
    }

    /// The per-policy health JSON.
    #[pyo3(signature = (at=None))]
    fn policy_health(&self, at: Option<&str>) -> PyResult<String> {
        done(api::policy_health(&self.inner, done(api::parse_time(at))?))
    }

    /// The statistics JSON.
    fn statistics(&self) -> PyResult<String> {
        done(api::statistics(&self.inner))
    }

    /// The policy's name.
    #[getter]
    fn policy_name(&self) -> &str {
        &self.inner.policy().name
    }
}

/// An open archive; calls take turns on an internal lock.
#[pyclass(frozen, module = "libvalidate._libvalidate")]
struct NativeArchive {
    inner: Mutex<validate_archive::Archive>,
}

impl NativeArchive {
    fn lock(&self) -> std::sync::MutexGuard<'_, validate_archive::Archive> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[pymethods]
impl NativeArchive {
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let archive = done(py.detach(|| api::archive_open(&path)))?;
        Ok(NativeArchive {
            inner: Mutex::new(archive),
        })
    }

    /// Records entries (JSON lines); their ids as JSON.
    fn record(&self, py: Python<'_>, jsonl: &str) -> PyResult<String> {
        done(py.detach(|| api::archive_record(&mut self.lock(), jsonl)))
    }

    /// Answers a RetrieveArchiveEntries request; the response JSON.
    #[pyo3(signature = (request, caller=None))]
    fn query(&self, py: Python<'_>, request: &str, caller: Option<&str>) -> PyResult<String> {
        done(py.detach(|| api::archive_query(&self.lock(), request, caller)))
    }
}

/// The certificate records of every certificate in `data`, as JSON.
#[pyfunction]
fn certificate_records(py: Python<'_>, data: &[u8]) -> PyResult<String> {
    done(py.detach(|| api::certificate_records(data)))
}

/// Validates a chain; the chain document JSON.
#[pyfunction]
#[pyo3(signature = (leaf, intermediates, anchors, options=None))]
fn validate_chain(
    py: Python<'_>,
    leaf: &[u8],
    intermediates: &[u8],
    anchors: &[u8],
    options: Option<&str>,
) -> PyResult<String> {
    done(py.detach(|| api::validate_chain(leaf, intermediates, anchors, options)))
}

/// The health JSON.
#[pyfunction]
fn health() -> PyResult<String> {
    done(api::health())
}

/// The native module.
#[pymodule]
fn _libvalidate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("NativeError", m.py().get_type::<NativeError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<NativePolicy>()?;
    m.add_class::<NativeValidator>()?;
    m.add_class::<NativeArchive>()?;
    m.add_function(wrap_pyfunction!(certificate_records, m)?)?;
    m.add_function(wrap_pyfunction!(validate_chain, m)?)?;
    m.add_function(wrap_pyfunction!(health, m)?)?;
    Ok(())
}
