//! `validate-server`: the seeds' HTTP(S) APIs over the `validate` library
//! (`docs/server.md`). A thin layer: requests become the library's request
//! types, its reports and archive answers become responses; no rule lives
//! here.
//!
//! - `POST /validate/{tenant}`, `POST /validate`: the validation service
//!   (JSON, urlencoded or multipart), answered by `Validator::validate_json`.
//! - `GET /healthcheck`, `GET /health/{tenant}`: health documents, the
//!   per-tenant one from a background prober.
//! - `POST /vedsdk/Codesign/RetrieveArchiveEntries` (and
//!   `RecordArchiveEntries`): the archive behind bearer tokens.
//! - `GET /metrics`, `GET /openapi.json`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use validate_server::{Config, Server, shutdown_signal};
//! let config = Config::from_file("examples/server/config.toml".as_ref())?;
//! Server::bind(config).await?.run(shutdown_signal()).await;
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod app;
mod archive;
mod auth;
mod body;
mod config;
mod error;
mod files;
mod health;
mod metrics;
mod pool;
mod serve;
mod tenant;
mod tls;
mod validation;

pub use config::{ArchiveConfig, Config, ConfigError, Limits, TenantConfig, TlsFiles, TokenConfig};
pub use files::{load_policy_file, read_file, revocation_sources};
pub use serve::{Server, ServerError, runtime, shutdown_signal};
