//! `sala-server`: parse the configuration, open the database, serve.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sala_server::config::{Command, ExportFormat, RecordCommand};
use sala_server::invite::Secret;
use sala_server::record::Report;
use sala_server::serve::{serve, Limits, Transport};
use sala_server::turn::coturn::{self, CoturnOptions};
use sala_server::turn::TurnSecret;
use sala_server::{app, AppState, Config, Db};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

/// How long open WebSockets get to receive their closing frame on shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// jemalloc; in a render worker, a failed allocation exits with a status the server reads
/// as "out of memory".
#[global_allocator]
static ALLOCATOR: sala_server::render::worker::Allocator = sala_server::render::worker::Allocator;

/// Most threads for blocking work (database calls). The database is one
/// connection behind a lock, so more threads would only wait on it; tokio's
/// default of 512 left 515 threads behind after 20,000 participants left at
/// once.
const BLOCKING_THREADS: usize = 16;

fn main() -> ExitCode {
    let config = Config::parse();
    // A render worker is one synchronous render: no runtime, no threads, no logging setup.
    if let Some(Command::RenderWorker { kind }) = config.command {
        return sala_server::render::worker::main(kind);
    }
    if let Some(Command::CoturnConfig(options)) = &config.command {
        return coturn_config(&config, options);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .build();
    match runtime {
        Ok(runtime) => runtime.block_on(serve_main(config)),
        Err(e) => {
            eprintln!("sala-server: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Prints coturn's configuration for the TURN secret (made if missing).
fn coturn_config(config: &Config, options: &CoturnOptions) -> ExitCode {
    let path = config.turn_secret_path();
    let secret = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| TurnSecret::load_or_create(&path, rand::random));
    match secret {
        Ok(secret) => {
            print!("{}", coturn::config(&secret, options));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "sala-server: cannot read or make the TURN secret {}: {e}",
                path.display()
            );
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
        Some(Command::RenderWorker { .. } | Command::CoturnConfig(_)) | None => {}
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
    let ice = config.ice_settings().map_err(|e| {
        format!(
            "cannot read or make the TURN secret {}: {e}",
            config.turn_secret_path().display()
        )
    })?;
    match &ice.turn {
        None if !ice.relay_roles.is_empty() => tracing::warn!(
            roles = ?ice.relay_roles,
            "no --turn-url: these roles connect directly, and others may learn their address"
        ),
        None => tracing::warn!(
            "no --turn-url: participants behind strict NATs or firewalls cannot connect"
        ),
        Some(turn) => {
            tracing::info!(urls = ?turn.urls, ttl = ?turn.ttl, relay_only = ?ice.relay_roles, "TURN")
        }
    }
    let state = AppState::new(db, secret, ice, &config);
    return_freed_memory();
    match sala_server::serve::raise_open_files_limit() {
        Ok(n) => tracing::info!(open_files = n, "open-file limit"),
        Err(e) => tracing::warn!(error = %e, "could not raise the open-file limit"),
    }
    let listener = TcpListener::bind(config.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let addr = listener.local_addr()?;
    let (transport, scheme) = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => (tls::transport(cert, key)?, "https"),
        _ => (Transport::Plain, "http"),
    };
    ready(&format!("{scheme}://{addr}"));
    serve(
        listener,
        app(state.clone()),
        Limits::from_config(&config),
        transport,
        stop(state.clone()),
        SHUTDOWN_GRACE,
    )
    .await;
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

/// How often freed heap memory is handed back to the system.
const TRIM_EVERY: Duration = Duration::from_secs(30);

/// Freed memory is handed back to the system every [`TRIM_EVERY`], also
/// when nothing else happens (as after everyone left): jemalloc purges what
/// its arenas keep only as it is used, and glibc, which sqlite's own
/// allocations go to, keeps memory freed in the middle of its heaps.
///
/// A thread of its own: a purge takes milliseconds, too long for a runtime
/// worker, and a blocking task every 30 s started a thread that ended 10 s
/// later, each time.
fn return_freed_memory() {
    let trimmer = std::thread::Builder::new()
        .name("sala-trim".into())
        .spawn(|| loop {
            std::thread::sleep(TRIM_EVERY);
            trim();
        });
    if let Err(e) = trimmer {
        tracing::warn!(error = %e, "no thread to hand freed memory back");
    }
}

fn trim() {
    // `arena.<MALLCTL_ARENAS_ALL>.purge`: every arena's unused pages.
    let purge = c"arena.4096.purge";
    // SAFETY: a valid mallctl name that reads and writes nothing.
    let purged = unsafe {
        tikv_jemalloc_sys::mallctl(
            purge.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            0,
        )
    };
    if purged != 0 {
        tracing::debug!(error = purged, "jemalloc refused to purge");
    }
    // SAFETY: malloc_trim has no preconditions.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
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
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    use std::path::Path;
    use std::sync::Arc;

    /// TLS from a PEM certificate chain and key, offering HTTP/1.1 only
    /// (see `sala_server::serve`).
    pub fn transport(cert: &Path, key: &Path) -> Result<Transport, BoxError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let chain = CertificateDer::pem_file_iter(cert)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("cannot read the TLS certificate {}: {e}", cert.display()))?;
        let key = PrivateKeyDer::from_pem_file(key)
            .map_err(|e| format!("cannot read the TLS key {}: {e}", key.display()))?;
        let mut config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("cannot use the TLS certificate and key: {e}"))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Transport::Tls(tokio_rustls::TlsAcceptor::from(Arc::new(
            config,
        ))))
    }
}

#[cfg(not(feature = "tls"))]
mod tls {
    use super::*;

    pub fn transport(_: &std::path::Path, _: &std::path::Path) -> Result<Transport, BoxError> {
        Err("this sala-server was built without the `tls` feature".into())
    }
}
