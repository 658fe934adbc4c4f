//! The listener: accepts TCP connections (TLS when configured), serves
//! each with hyper's HTTP/1.1 under the header read timeout, and on
//! shutdown stops accepting and lets in-flight requests finish.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::app::{AppState, router};
use crate::config::{Config, Limits};
use crate::tls;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// A tenant's policy, the archive or the TLS files could not be loaded.
    #[error("{0}")]
    Load(String),
    /// The address cannot be listened on.
    #[error("listen {addr}: {source}")]
    Listen {
        /// The configured address.
        addr: SocketAddr,
        /// The socket error.
        source: std::io::Error,
    },
}

/// A bound server, not yet serving.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = validate_server::Config::from_file("examples/server/config.toml".as_ref())?;
/// let server = validate_server::Server::bind(config).await?;
/// let shutdown = validate_server::shutdown_signal(); // handlers installed now
/// println!("listening on {}", server.local_addr());
/// server.run(shutdown).await;
/// # Ok(()) }
/// ```
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    tls: Option<TlsAcceptor>,
    state: AppState,
    limits: Limits,
}

impl Server {
    /// Loads the tenants (each with its first health probe) and the
    /// archive, reads the TLS files, and binds the listening socket.
    pub async fn bind(config: Config) -> Result<Server, ServerError> {
        let tls = config
            .tls
            .as_ref()
            .map(tls::acceptor)
            .transpose()
            .map_err(ServerError::Load)?;
        let limits = config.limits;
        let addr = config.listen;
        let state = tokio::task::spawn_blocking(move || AppState::load(&config))
            .await
            .map_err(|e| ServerError::Load(format!("loading the configuration: {e}")))?
            .map_err(ServerError::Load)?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServerError::Listen { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| ServerError::Listen { addr, source })?;
        Ok(Server {
            listener,
            local_addr,
            tls,
            state,
            limits,
        })
    }

    /// The address actually bound (the port chosen for `:0`).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until `shutdown` completes, then stops accepting, waits up to
    /// `limits.shutdown_grace` for in-flight requests, and returns.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let mut probers = JoinSet::new();
        for tenant in self.state.tenant_list() {
            probers.spawn(std::sync::Arc::clone(tenant).probe_forever());
        }
        let app = router(self.state);
        let graceful = GracefulShutdown::new();
        let mut shutdown = std::pin::pin!(shutdown);
        tracing::info!(addr = %self.local_addr, tls = self.tls.is_some(), "listening");
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((tcp, peer)) => {
                        let connection = serve_connection(
                            tcp, self.tls.clone(), app.clone(), self.limits, graceful.watcher(),
                        );
                        tokio::spawn(async move {
                            if let Err(e) = connection.await {
                                tracing::debug!(%peer, error = %e, "connection ended with an error");
                            }
                        });
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: wait a
                        // little instead of spinning on the error.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                },
                () = &mut shutdown => break,
            }
        }
        drop(self.listener);
        probers.abort_all();
        tracing::info!(connections = graceful.count(), "shutting down");
        tokio::select! {
            () = graceful.shutdown() => tracing::info!("every connection closed"),
            () = tokio::time::sleep(self.limits.shutdown_grace) => {
                tracing::warn!("shutdown grace period over; closing the remaining connections");
            }
        }
    }
}

async fn serve_connection(
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    app: Router,
    limits: Limits,
    watcher: hyper_util::server::graceful::Watcher,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    // Without Nagle, a small response leaves at once (latency on loopback).
    tcp.set_nodelay(true)?;
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let service = TowerToHyperService::new(app);
    match tls {
        None => {
            let conn = builder.serve_connection(TokioIo::new(tcp), service);
            watcher.watch(conn).await?;
        }
        Some(acceptor) => {
            // The handshake is bounded like the headers that follow it.
            let stream = tokio::time::timeout(limits.header_read_timeout, acceptor.accept(tcp))
                .await
                .map_err(|_| "TLS handshake timed out")??;
            let conn = builder.serve_connection(TokioIo::new(stream), service);
            watcher.watch(conn).await?;
        }
    }
    Ok(())
}

/// Completes on SIGTERM or SIGINT (Ctrl-C). The handlers are installed
/// when this is called, not when the future is first polled: a signal that
/// arrives between the caller's "listening on" line and the first poll is
/// still a clean shutdown (exit 0), never the default action's kill.
/// Call it inside the runtime.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            let interrupt = async {
                match interrupt {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot listen for SIGINT");
                        std::future::pending::<()>().await;
                    }
                }
            };
            let terminate = async {
                match terminate {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "cannot listen for SIGTERM");
                        std::future::pending::<()>().await;
                    }
                }
            };
            tokio::select! {
                () = interrupt => tracing::info!("SIGINT"),
                () = terminate => tracing::info!("SIGTERM"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("Ctrl-C");
    }
}

/// The tokio runtime for a server: validations run on their own threads
/// (`limits.validation_threads`) and archive calls on the blocking pool, so
/// the async side only parses HTTP and moves bytes: one worker thread per
/// four cores, at least one (on 2 cores one worker did better than two in
/// every comparison of docs/benchmarks.md, "HTTP service").
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads((cores / 4).max(1))
        .enable_all()
        .build()
}
