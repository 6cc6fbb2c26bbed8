//! A real server on 127.0.0.1:0 with one meeting, for the integration tests
//! that drive it over sockets.

#![allow(dead_code)] // each test binary uses its own share of these

use std::net::SocketAddr;

use sala_protocol::{HostKey, MeetingId, MeetingInfo, MeetingKind, MeetingTitle};
use sala_server::invite::Secret;
use sala_server::serve::{serve, Limits, Transport};
use sala_server::{app, AppState, Config, Db};

pub mod client;

pub struct Server {
    /// The data dir (the database is `sala_server::db::DB_FILE` in it).
    pub dir: tempfile::TempDir,
    pub addr: SocketAddr,
    pub state: AppState,
    pub meeting: MeetingId,
    pub host_key: HostKey,
}

/// Stores a meeting whose id and host key are made from `seed`.
pub async fn add_meeting(db: &Db, seed: u8) -> (MeetingId, HostKey) {
    add_meeting_of_kind(db, seed, MeetingKind::Meeting).await
}

/// Stores a meeting of `kind` whose id and host key are made from `seed`.
pub async fn add_meeting_of_kind(db: &Db, seed: u8, kind: MeetingKind) -> (MeetingId, HostKey) {
    let id = MeetingId::from_random([seed; 16]);
    let key = HostKey::from_random([seed.wrapping_add(100); 16]);
    let info = MeetingInfo {
        id: id.clone(),
        title: MeetingTitle::parse("Hearing").unwrap(),
        kind,
    };
    db.create_meeting(info, key.clone(), 0).await.unwrap();
    (id, key)
}

pub async fn server() -> Server {
    server_with(|_| {}).await
}

/// [`server`] with its configuration changed by `change` (the render worker is already set
/// to the server binary built for these tests).
#[allow(dead_code)] // not every test binary changes the configuration
pub async fn server_with(change: impl FnOnce(&mut Config)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::new(dir.path(), dir.path().join("dist"));
    config.render_worker = Some(env!("CARGO_BIN_EXE_sala-server").into());
    change(&mut config);
    let db = Db::open_in_dir(dir.path()).unwrap();
    let (meeting, host_key) = add_meeting(&db, 1).await;
    let ice = config.ice_settings().unwrap();
    let state = AppState::new(db, Secret::from_bytes([3; 32]), ice, &config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Served as `main` serves it (the accept loop and its limits).
    tokio::spawn(serve(
        listener,
        app(state.clone()),
        Limits::from_config(&config),
        Transport::Plain,
        std::future::pending(),
        std::time::Duration::from_secs(1),
    ));
    Server {
        dir,
        addr,
        state,
        meeting,
        host_key,
    }
}
