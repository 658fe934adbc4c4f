//! `validate serve`: the seeds' HTTP(S) APIs (docs/server.md), served by
//! the `validate-server` crate until SIGTERM or SIGINT.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use validate_server::{Config, Server, shutdown_signal};

use crate::exit;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The server configuration (TOML, docs/server.md).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Listen on this address instead of the file's `listen`.
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<std::net::SocketAddr>,
    /// Serve this archive database instead of the file's `[archive] path`.
    #[arg(long, value_name = "DB")]
    archive: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> ExitCode {
    // Logs go to stderr; RUST_LOG-style filtering is not needed for a
    // service whose every line is one request.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let mut config = match Config::from_file(&args.config) {
        Ok(config) => config,
        Err(e) => return bad_input(&e.to_string()),
    };
    config.override_listen(args.listen);
    config.override_archive(args.archive);
    let runtime = match validate_server::runtime() {
        Ok(runtime) => runtime,
        Err(e) => return bad_input(&format!("starting the runtime: {e}")),
    };
    runtime.block_on(async {
        match Server::bind(config).await {
            Ok(server) => {
                // Handlers first: a script may send SIGTERM as soon as it
                // reads the address.
                let shutdown = shutdown_signal();
                // The bound address on stdout, for scripts that listen on :0.
                println!("listening on {}", server.local_addr());
                server.run(shutdown).await;
                ExitCode::SUCCESS
            }
            Err(e) => bad_input(&e.to_string()),
        }
    })
}

fn bad_input(line: &str) -> ExitCode {
    eprintln!("validate serve: {line}");
    ExitCode::from(exit::BAD_INPUT)
}
