//! From files to a `Validator`: the policy file with its certificate files,
//! and the CRL files and fetcher of its revocation sources. Shared by the
//! CLI (`validate verify`, `validate request`) and the server's tenants, so
//! a tenant validates exactly as `validate request --policy-file` does.

use std::path::Path;
use std::sync::Arc;

use validate::Error;
use validate::cert::MAX_BUNDLE_SIZE;
use validate::policy::{PolicyFile, ValidationPolicy};
use validate::revocation::{HttpFetcher, RevocationSources, read_crls};

/// Reads a file whole, refusing files over the core's bundle limit
/// (`validate::cert::MAX_BUNDLE_SIZE`) before reading them. `Err` names the file.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    validate::read_limited(file, MAX_BUNDLE_SIZE, "an input file")
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Loads a policy file (JSON, `docs/policy.md`); the certificate files it
/// names are relative to its folder. `Err` is one line naming the file.
///
/// ```
/// let policy = validate_server::load_policy_file("../examples/policy.json".as_ref()).unwrap();
/// assert_eq!(policy.name, "example");
/// ```
pub fn load_policy_file(path: &Path) -> Result<ValidationPolicy, String> {
    let text = String::from_utf8(read_file(path)?)
        .map_err(|e| format!("{}: not UTF-8 text: {e}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    PolicyFile::from_json(&text)
        .and_then(|file| {
            file.into_policy(|name| {
                let full = base.join(name);
                read_file(&full).map_err(|rule| Error::Invalid {
                    what: "policy file",
                    rule,
                })
            })
        })
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Revocation data and retrieval: the CRLs of `crl_files`, and the HTTP
/// fetcher unless `offline`. `Err` names the file.
pub fn revocation_sources(
    crl_files: &[impl AsRef<Path>],
    offline: bool,
) -> Result<RevocationSources, String> {
    let mut sources = RevocationSources::new();
    for path in crl_files {
        let path = path.as_ref();
        let bytes = read_file(path)?;
        let crls = read_crls(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        for crl in crls {
            sources.add_crl(Arc::new(crl));
        }
    }
    if !offline {
        sources = sources.with_fetcher(Arc::new(HttpFetcher::default()));
    }
    Ok(sources)
}
