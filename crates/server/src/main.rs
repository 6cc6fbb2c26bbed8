//! `sala-server`: parse the configuration, open the database, serve.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sala_server::config::{Command, ExportFormat, RecordCommand};
use sala_server::invite::Secret;
use sala_server::record::Report;
use sala_server::{app, AppState, Config, Db};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// How long open WebSockets get to receive their closing frame on shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The system allocator; in a render worker, a failed allocation exits with a status the
/// server reads as "out of memory".
#[global_allocator]
static ALLOCATOR: sala_server::render::worker::Allocator = sala_server::render::worker::Allocator;

fn main() -> ExitCode {
    let config = Config::parse();
    // A render worker is one synchronous render: no runtime, no threads, no logging setup.
    if let Some(Command::RenderWorker { kind }) = config.command {
        return sala_server::render::worker::main(kind);
    }
    match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(serve_main(config)),
        Err(e) => {
            eprintln!("sala-server: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve_main(config: Config) -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "sala-server failed");
            eprintln!("sala-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), BoxError> {
    match &config.command {
        Some(Command::Record(command)) => return record(&config, command.clone()).await,
        Some(Command::RenderWorker { .. }) | None => {}
    }
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create data dir {}: {e}", config.data_dir.display()))?;
    let db = Db::open_in_dir(&config.data_dir)?;
    let secret = Secret::load_or_create(&config.data_dir, rand::random).map_err(|e| {
        format!(
            "cannot read or make the invitation key in {}: {e}",
            config.data_dir.display()
        )
    })?;
    let state = AppState::new(db, secret, &config);
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let addr = listener.local_addr()?;
    match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => tls::serve(listener, addr, cert, key, state.clone()).await?,
        _ => {
            ready(&format!("http://{addr}"));
            axum::serve(listener, app(state.clone()))
                .with_graceful_shutdown(stop(state.clone()))
                .await?;
        }
    }
    // Upgraded sockets are not tracked by the HTTP server: give them their close frame.
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, state.sockets_closed()).await;
    tracing::info!("stopped");
    Ok(())
}

/// `sala-server record …`: reads the database, never creates one.
async fn record(config: &Config, command: RecordCommand) -> Result<(), BoxError> {
    if !config.data_dir.join(sala_server::db::DB_FILE).is_file() {
        return Err(format!("no Sala database in {}", config.data_dir.display()).into());
    }
    let db = Db::open_in_dir(&config.data_dir)?;
    let (meeting, head) = match &command {
        RecordCommand::Verify { meeting, head } => (meeting.clone(), *head),
        RecordCommand::Export { meeting, .. } => (meeting.clone(), None),
    };
    let report = Report::load(&db, meeting, head).await?;
    match command {
        RecordCommand::Verify { .. } => println!("{}", report.verdict_line()),
        RecordCommand::Export {
            format: ExportFormat::Text,
            ..
        } => print!("{}", report.text()),
        RecordCommand::Export {
            format: ExportFormat::Json,
            ..
        } => {
            println!("{:#}", report.json());
        }
    }
    match report.verdict {
        Ok(_) => Ok(()),
        Err(b) => Err(format!(
            "the record of meeting {} is broken at {b}",
            report.meeting.id
        )
        .into()),
    }
}

/// The one line on stdout, for scripts waiting for the server.
fn ready(url: &str) {
    println!("Sala is listening on {url}");
    let _ = std::io::stdout().flush();
}

/// Resolves on SIGTERM or ctrl-c, after telling open sockets.
async fn stop(state: AppState) {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
    state.shutdown();
}

#[cfg(feature = "tls")]
mod tls {
    use super::*;
    use axum_server::tls_rustls::RustlsConfig;
    use std::path::Path;

    pub async fn serve(
        listener: TcpListener,
        addr: SocketAddr,
        cert: &Path,
        key: &Path,
        state: AppState,
    ) -> Result<(), BoxError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = RustlsConfig::from_pem_file(cert, key)
            .await
            .map_err(|e| format!("cannot load TLS certificate/key: {e}"))?;
        let handle = axum_server::Handle::new();
        let stopper = handle.clone();
        let router = app(state.clone());
        tokio::spawn(async move {
            stop(state).await;
            stopper.graceful_shutdown(Some(SHUTDOWN_GRACE));
        });
        ready(&format!("https://{addr}"));
        let listener = listener.into_std()?;
        axum_server::from_tcp_rustls(listener, tls)
            .handle(handle)
            .serve(router.into_make_service())
            .await?;
        Ok(())
    }
}

#[cfg(not(feature = "tls"))]
mod tls {
    use super::*;

    pub async fn serve(
        _: TcpListener,
        _: SocketAddr,
        _: &std::path::Path,
        _: &std::path::Path,
        _: AppState,
    ) -> Result<(), BoxError> {
        Err("this sala-server was built without the `tls` feature".into())
    }
}
