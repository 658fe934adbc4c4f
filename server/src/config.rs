//! The server's configuration file (TOML, `docs/server.md`): where to
//! listen, TLS files, tenants, the archive, API tokens and limits. Every
//! number is checked against the bounds written next to it when the file is
//! loaded, so a running server never holds an unbounded setting.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use validate::Timestamp;
use validate_archive::Role;

/// Why a configuration cannot be used; each names the file and the key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The configuration file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not TOML of the documented shape.
    #[error("{path}: {message}")]
    Syntax {
        /// The configuration file.
        path: PathBuf,
        /// What the TOML parser said (line, column, key).
        message: String,
    },
    /// A value is outside its bounds or inconsistent with another.
    #[error("configuration key {key}: {reason}")]
    Invalid {
        /// The key, as written in the file (`limits.max_body_bytes`).
        key: String,
        /// What is wrong with its value.
        reason: String,
    },
}

fn invalid(key: impl Into<String>, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.into(),
        reason: reason.into(),
    }
}

/// A loaded, checked configuration. Paths in it are already resolved
/// against the configuration file's folder.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// The address to listen on (`listen`, overridden by `--listen`).
    pub listen: SocketAddr,
    /// Certificate chain and private key files (PEM) for HTTPS; plain HTTP
    /// when absent.
    pub tls: Option<TlsFiles>,
    /// The tenant `POST /validate` (without a tenant) validates against.
    pub default_tenant: Option<String>,
    /// The tenants by name, each one policy.
    pub tenants: BTreeMap<String, TenantConfig>,
    /// The archive database, if the archive API is served.
    pub archive: Option<ArchiveConfig>,
    /// API tokens of the archive API.
    pub tokens: Vec<TokenConfig>,
    /// Limits and timeouts.
    pub limits: Limits,
}

/// TLS certificate chain and key files.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TlsFiles {
    /// The server certificate, then its intermediates (PEM).
    pub certificate: PathBuf,
    /// The private key (PEM: PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// One tenant: a policy and how its validator gets time and revocation data.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TenantConfig {
    /// The policy file (JSON, `docs/policy.md`).
    pub policy: PathBuf,
    /// CRL files given to the validator.
    pub crls: Vec<PathBuf>,
    /// Never fetch CRLs or OCSP responses over the network.
    pub offline: bool,
    /// A fixed validation time for every request of this tenant (tests,
    /// reproducible examples); the clock when absent.
    pub validation_time: Option<Timestamp>,
    /// How often the background prober rebuilds the health document.
    pub health_interval: Duration,
}

/// The archive database.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ArchiveConfig {
    /// The SQLite file (created if missing).
    pub path: PathBuf,
    /// Connections kept open: the number of archive requests answered at
    /// the same time.
    pub connections: usize,
}

/// One API token: its digest and the caller it stands for.
#[derive(Clone)]
#[non_exhaustive]
pub struct TokenConfig {
    /// A label for logs and metrics (never the token).
    pub name: String,
    /// SHA-256 of the token's bytes.
    pub sha256: [u8; 32],
    /// The caller's role.
    pub role: Role,
    /// The token's scopes (`Codesign:Manage`, `Codesign:Record`).
    pub scopes: Vec<String>,
    /// Projects a `code-signing-auditor` audits.
    pub auditor_of: Vec<String>,
}

impl std::fmt::Debug for TokenConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The digest is not a secret, but nothing about tokens goes to logs.
        f.debug_struct("TokenConfig")
            .field("name", &self.name)
            .field("role", &self.role)
            .field("scopes", &self.scopes)
            .field("auditor_of", &self.auditor_of)
            .finish_non_exhaustive()
    }
}

/// Limits and timeouts; defaults in [`Limits::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest request body; larger ones get 413 before being read whole.
    pub max_body_bytes: usize,
    /// Time a client has to send the request line and headers.
    pub header_read_timeout: Duration,
    /// Time a client has to send the whole body; slower ones get 408.
    pub body_read_timeout: Duration,
    /// Time from the request's start to its response; later ones get 503.
    pub request_timeout: Duration,
    /// Requests to `/validate` and the archive handled at once; more get 503.
    pub max_concurrent_requests: usize,
    /// Validations running at once on the blocking pool; the other admitted
    /// requests wait for a slot.
    pub validation_threads: usize,
    /// On SIGTERM/SIGINT, how long in-flight requests may take to finish.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // A signature with its detached content or a PDF of a few MiB,
            // base64 (4/3) in JSON: 32 MiB holds a 24 MiB document.
            max_body_bytes: 32 << 20,
            // Slowloris defence: a real client sends its headers at once.
            header_read_timeout: Duration::from_secs(10),
            // 32 MiB at 1 MiB/s is 32 s; a slower client is cut off.
            body_read_timeout: Duration::from_secs(60),
            // Body read plus a validation whose fetches may each take the
            // HTTP fetcher's own timeouts.
            request_timeout: Duration::from_secs(120),
            // Validation is CPU-bound on the blocking pool: a few requests
            // per core keep the cores busy; the rest wait in the queue of
            // their TCP connection or are shed with 503.
            max_concurrent_requests: 64,
            // One validation per core: CPU-bound work on more threads than
            // cores only adds context switches and cold caches (measured in
            // docs/benchmarks.md). Tenants whose validations wait on CRL or
            // OCSP fetches may want more.
            validation_threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Bounds of each limit: (smallest, largest) accepted in the file.
mod bounds {
    use std::time::Duration;
    /// 1 KiB holds the smallest request; 1 GiB is beyond any document the
    /// core accepts (its own bundle and PDF limits are far lower).
    pub const BODY_BYTES: (usize, usize) = (1 << 10, 1 << 30);
    /// Any timeout: from 10 ms (tests) to one hour.
    pub const TIMEOUT: (Duration, Duration) =
        (Duration::from_millis(10), Duration::from_secs(3600));
    /// Concurrent requests: at least one, at most the blocking pool's
    /// default thread cap (512), which the validations run on.
    pub const CONCURRENCY: (usize, usize) = (1, 512);
    /// Archive connections: SQLite readers in WAL mode do not block each
    /// other; more than 64 only holds file descriptors and page caches.
    pub const CONNECTIONS: (usize, usize) = (1, 64);
    /// Health probes: not more often than every 5 s (each may fetch every
    /// CRL/OCSP source of the policy), not less often than daily.
    pub const HEALTH_INTERVAL: (Duration, Duration) =
        (Duration::from_secs(5), Duration::from_secs(86_400));
    /// Tokens in one file: the table is scanned whole for every request
    /// (constant-time), so keep it small.
    pub const TOKENS: usize = 1_000;
}

/// The file's shape, before checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    default_tenant: Option<String>,
    tls: Option<RawTls>,
    #[serde(default)]
    tenants: BTreeMap<String, RawTenant>,
    archive: Option<RawArchive>,
    #[serde(default)]
    tokens: Vec<RawToken>,
    #[serde(default)]
    limits: RawLimits,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    certificate: PathBuf,
    key: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTenant {
    policy: PathBuf,
    #[serde(default)]
    crls: Vec<PathBuf>,
    #[serde(default)]
    offline: bool,
    validation_time: Option<String>,
    health_interval_secs: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArchive {
    path: PathBuf,
    connections: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    name: String,
    sha256: String,
    role: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    auditor_of: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    max_body_bytes: Option<usize>,
    header_read_timeout_secs: Option<f64>,
    body_read_timeout_secs: Option<f64>,
    request_timeout_secs: Option<f64>,
    max_concurrent_requests: Option<usize>,
    validation_threads: Option<usize>,
    shutdown_grace_secs: Option<f64>,
}

/// Default address: loopback only, so an unconfigured server is not exposed.
const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default health probe cadence.
const DEFAULT_HEALTH_INTERVAL: Duration = Duration::from_secs(300);
/// Largest configuration file read (1 MiB: a configuration with hundreds
/// of tenants is tens of KiB); reading stops one byte past it.
pub const MAX_CONFIG_SIZE: usize = 1024 * 1024;
/// Default archive connections: one per core of a small machine, twice.
const DEFAULT_ARCHIVE_CONNECTIONS: usize = 4;

impl Config {
    /// Reads and checks a configuration file; relative paths in it are
    /// relative to its folder.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let read = |source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read)?;
        let bytes = validate::read_limited(file, MAX_CONFIG_SIZE, "a server configuration file")
            .map_err(|e| {
                read(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    e.to_string(),
                ))
            })?;
        let text = String::from_utf8(bytes)
            .map_err(|e| read(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Config::from_toml(&text, base).map_err(|e| match e {
            ConfigError::Syntax { message, .. } => ConfigError::Syntax {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })
    }

    /// Parses and checks configuration text; relative paths are resolved
    /// against `base`.
    ///
    /// ```
    /// let config = validate_server::Config::from_toml(
    ///     r#"
    ///     listen = "127.0.0.1:0"
    ///     default_tenant = "acme"
    ///     [tenants.acme]
    ///     policy = "policy.json"
    ///     offline = true
    ///     "#,
    ///     std::path::Path::new("/etc/validate"),
    /// )
    /// .unwrap();
    /// assert_eq!(config.tenants["acme"].policy, std::path::Path::new("/etc/validate/policy.json"));
    /// assert!(config.tls.is_none());
    /// ```
    pub fn from_toml(text: &str, base: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: PathBuf::new(),
            message: e.to_string(),
        })?;
        let resolve = |p: &Path| base.join(p);
        let listen = raw.listen.as_deref().unwrap_or(DEFAULT_LISTEN);
        let listen = listen
            .parse::<SocketAddr>()
            .map_err(|e| invalid("listen", format!("'{listen}' is not ADDR:PORT: {e}")))?;
        let mut tenants = BTreeMap::new();
        for (name, tenant) in raw.tenants {
            check_tenant_name(&name)?;
            let key = |k: &str| format!("tenants.{name}.{k}");
            let validation_time = tenant
                .validation_time
                .as_deref()
                .map(|t| {
                    t.parse::<Timestamp>()
                        .map_err(|e| invalid(key("validation_time"), e.to_string()))
                })
                .transpose()?;
            let health_interval = match tenant.health_interval_secs {
                None => DEFAULT_HEALTH_INTERVAL,
                Some(s) => duration(&key("health_interval_secs"), s, bounds::HEALTH_INTERVAL)?,
            };
            tenants.insert(
                name,
                TenantConfig {
                    policy: resolve(&tenant.policy),
                    crls: tenant.crls.iter().map(|p| resolve(p)).collect(),
                    offline: tenant.offline,
                    validation_time,
                    health_interval,
                },
            );
        }
        if let Some(default) = &raw.default_tenant
            && !tenants.contains_key(default)
        {
            return Err(invalid(
                "default_tenant",
                format!("'{default}' is not one of the [tenants.*] tables"),
            ));
        }
        let archive = raw
            .archive
            .map(|a| {
                let connections = a.connections.unwrap_or(DEFAULT_ARCHIVE_CONNECTIONS);
                within("archive.connections", connections, bounds::CONNECTIONS)?;
                Ok::<_, ConfigError>(ArchiveConfig {
                    path: resolve(&a.path),
                    connections,
                })
            })
            .transpose()?;
        if raw.tokens.len() > bounds::TOKENS {
            return Err(invalid(
                "tokens",
                format!("{} tokens; at most {}", raw.tokens.len(), bounds::TOKENS),
            ));
        }
        let tokens = raw
            .tokens
            .into_iter()
            .enumerate()
            .map(|(i, t)| token(i, t))
            .collect::<Result<Vec<_>, _>>()?;
        for (i, t) in tokens.iter().enumerate() {
            if tokens[..i].iter().any(|u| u.sha256 == t.sha256) {
                return Err(invalid(
                    format!("tokens[{i}].sha256"),
                    "the same digest is given twice: a token must name one caller",
                ));
            }
        }
        Ok(Config {
            listen,
            tls: raw.tls.map(|t| TlsFiles {
                certificate: resolve(&t.certificate),
                key: resolve(&t.key),
            }),
            default_tenant: raw.default_tenant,
            tenants,
            archive,
            tokens,
            limits: limits(raw.limits)?,
        })
    }
}

impl Config {
    /// `--listen`: replaces the file's `listen` when given.
    pub fn override_listen(&mut self, listen: Option<SocketAddr>) {
        if let Some(listen) = listen {
            self.listen = listen;
        }
    }

    /// `--archive`: replaces the file's archive path when given (with the
    /// file's connection count, or the default one).
    pub fn override_archive(&mut self, path: Option<PathBuf>) {
        if let Some(path) = path {
            let connections = self
                .archive
                .as_ref()
                .map_or(DEFAULT_ARCHIVE_CONNECTIONS, |a| a.connections);
            self.archive = Some(ArchiveConfig { path, connections });
        }
    }
}

/// Tenant names appear in URLs and metric labels: letters, digits, `-`, `_`.
fn check_tenant_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            format!("tenants.{name}"),
            "a tenant name is 1 to 64 ASCII letters, digits, '-' or '_'",
        ))
    }
}

fn token(index: usize, raw: RawToken) -> Result<TokenConfig, ConfigError> {
    let key = |k: &str| format!("tokens[{index}].{k}");
    let hex = raw.sha256.trim();
    let mut sha256 = [0u8; 32];
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid(
            key("sha256"),
            "not 64 hex digits (the SHA-256 of the token, e.g. `printf %s TOKEN | sha256sum`)",
        ));
    }
    for (i, byte) in sha256.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)
            .map_err(|e| invalid(key("sha256"), e.to_string()))?;
    }
    let role = raw
        .role
        .parse::<Role>()
        .map_err(|e| invalid(key("role"), e.to_string()))?;
    if role != Role::CodeSigningAuditor && !raw.auditor_of.is_empty() {
        return Err(invalid(
            key("auditor_of"),
            format!("applies only to role code-signing-auditor, not {role}"),
        ));
    }
    Ok(TokenConfig {
        name: raw.name,
        sha256,
        role,
        scopes: raw.scopes,
        auditor_of: raw.auditor_of,
    })
}

fn limits(raw: RawLimits) -> Result<Limits, ConfigError> {
    let d = Limits::default();
    let secs = |key: &str, v: Option<f64>, default: Duration| match v {
        None => Ok(default),
        Some(s) => duration(&format!("limits.{key}"), s, bounds::TIMEOUT),
    };
    let limits = Limits {
        max_body_bytes: raw.max_body_bytes.unwrap_or(d.max_body_bytes),
        header_read_timeout: secs(
            "header_read_timeout_secs",
            raw.header_read_timeout_secs,
            d.header_read_timeout,
        )?,
        body_read_timeout: secs(
            "body_read_timeout_secs",
            raw.body_read_timeout_secs,
            d.body_read_timeout,
        )?,
        request_timeout: secs(
            "request_timeout_secs",
            raw.request_timeout_secs,
            d.request_timeout,
        )?,
        max_concurrent_requests: raw
            .max_concurrent_requests
            .unwrap_or(d.max_concurrent_requests),
        validation_threads: raw.validation_threads.unwrap_or(d.validation_threads),
        shutdown_grace: secs(
            "shutdown_grace_secs",
            raw.shutdown_grace_secs,
            d.shutdown_grace,
        )?,
    };
    within(
        "limits.max_body_bytes",
        limits.max_body_bytes,
        bounds::BODY_BYTES,
    )?;
    within(
        "limits.max_concurrent_requests",
        limits.max_concurrent_requests,
        bounds::CONCURRENCY,
    )?;
    within(
        "limits.validation_threads",
        limits.validation_threads,
        bounds::CONCURRENCY,
    )?;
    if limits.request_timeout <= limits.body_read_timeout {
        return Err(invalid(
            "limits.request_timeout_secs",
            "must be longer than limits.body_read_timeout_secs (the body is read within the request)",
        ));
    }
    Ok(limits)
}

fn within(key: &str, value: usize, (low, high): (usize, usize)) -> Result<(), ConfigError> {
    if (low..=high).contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            key,
            format!("{value} is not within {low}..={high}"),
        ))
    }
}

fn duration(
    key: &str,
    secs: f64,
    (low, high): (Duration, Duration),
) -> Result<Duration, ConfigError> {
    let d =
        Duration::try_from_secs_f64(secs).map_err(|e| invalid(key, format!("{secs} s: {e}")))?;
    if d < low || d > high {
        return Err(invalid(
            key,
            format!(
                "{secs} s is not within {}..={} s",
                low.as_secs_f64(),
                high.as_secs_f64()
            ),
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::from_toml(text, Path::new("/cfg"))
    }

    const TENANT: &str = "[tenants.a]\npolicy = \"p.json\"\n";

    #[test]
    fn defaults_and_resolution() {
        let c = parse(TENANT).unwrap();
        assert_eq!(c.listen, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(c.limits, Limits::default());
        assert_eq!(c.tenants["a"].policy, Path::new("/cfg/p.json"));
        assert_eq!(c.tenants["a"].health_interval, DEFAULT_HEALTH_INTERVAL);
        assert!(c.archive.is_none() && c.tokens.is_empty() && c.default_tenant.is_none());
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused() {
        let cases = [
            ("listen = \"nowhere\"", "listen"),
            (
                "default_tenant = \"b\"\n[tenants.a]\npolicy = \"p\"",
                "default_tenant",
            ),
            ("[tenants.\"a b\"]\npolicy = \"p\"", "tenants.a b"),
            ("[limits]\nmax_body_bytes = 10", "limits.max_body_bytes"),
            (
                "[limits]\nmax_concurrent_requests = 0",
                "limits.max_concurrent_requests",
            ),
            (
                "[limits]\nvalidation_threads = 0",
                "limits.validation_threads",
            ),
            (
                "[limits]\nbody_read_timeout_secs = 0.0",
                "limits.body_read_timeout_secs",
            ),
            (
                "[limits]\nrequest_timeout_secs = 1.0\nbody_read_timeout_secs = 2.0",
                "limits.request_timeout_secs",
            ),
            (
                "[archive]\npath = \"a\"\nconnections = 0",
                "archive.connections",
            ),
            (
                "[tenants.a]\npolicy = \"p\"\nhealth_interval_secs = 1.0",
                "tenants.a.health_interval_secs",
            ),
            (
                "[tenants.a]\npolicy = \"p\"\nvalidation_time = \"yesterday\"",
                "tenants.a.validation_time",
            ),
            (
                "[[tokens]]\nname = \"t\"\nsha256 = \"00\"\nrole = \"code-signing-administrator\"",
                "tokens[0].sha256",
            ),
            (
                &format!(
                    "[[tokens]]\nname = \"t\"\nsha256 = \"{}\"\nrole = \"boss\"",
                    "0".repeat(64)
                ),
                "tokens[0].role",
            ),
            (
                &format!(
                    "[[tokens]]\nname = \"t\"\nsha256 = \"{}\"\nrole = \"tpp-auditor\"\nauditor_of = [\"x\"]",
                    "0".repeat(64)
                ),
                "tokens[0].auditor_of",
            ),
        ];
        for (text, key) in cases {
            match parse(text) {
                Err(ConfigError::Invalid { key: k, .. }) => assert_eq!(k, key, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!(
            parse("lisen = \"x\""),
            Err(ConfigError::Syntax { .. })
        ));
    }

    #[test]
    fn duplicate_token_digests_are_refused() {
        let t = format!(
            "[[tokens]]\nname = \"a\"\nsha256 = \"{0}\"\nrole = \"tpp-auditor\"\n[[tokens]]\nname = \"b\"\nsha256 = \"{0}\"\nrole = \"tpp-master-admin\"\n",
            "ab".repeat(32)
        );
        match parse(&t) {
            Err(ConfigError::Invalid { key, .. }) => assert_eq!(key, "tokens[1].sha256"),
            other => panic!("{other:?}"),
        }
    }
}
