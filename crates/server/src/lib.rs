//! Sala signaling and rooms server.
//!
//! [`app`] builds the whole HTTP surface (JSON API, WebSocket, static client);
//! rooms run as one actor per live meeting around the sans-IO [`room::Room`].

pub mod bucket;
pub mod config;
pub mod db;
pub mod http;
pub mod invite;
pub mod record;
pub mod render;
pub mod room;
pub mod serve;
pub mod turn;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{delete, get, post};
use axum::Router;
use tokio::sync::watch;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use db::Db;
use room::{ConnId, Registry};
use sala_protocol::{MAX_DECK_BYTES, MAX_STILL_BYTES};

/// Largest accepted JSON API request body.
pub const MAX_API_BODY: usize = 16 * 1024;

/// Shared state of the server; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    db: Db,
    /// Signs and checks invitations.
    secret: invite::Secret,
    rooms: Registry,
    dist: PathBuf,
    allowed_origins: Vec<String>,
    tls: bool,
    next_conn: AtomicU64,
    shutdown: watch::Sender<bool>,
    open_sockets: watch::Sender<usize>,
    /// Slide renders: worker processes behind a short queue.
    renderer: render::Renderer,
    /// How many refusals at each meeting's door go into its record.
    refusals: std::sync::Mutex<http::rate::Refusals>,
}

impl AppState {
    /// `ice` is [`Config::ice_settings`], read by the caller (it may touch the disk).
    pub fn new(db: Db, secret: invite::Secret, ice: turn::IceSettings, config: &Config) -> Self {
        Self(Arc::new(Inner {
            rooms: Registry::new(db.clone(), ice),
            db,
            secret,
            dist: config.dist.clone(),
            allowed_origins: config
                .allow_origins
                .iter()
                .map(|o| o.trim().trim_end_matches('/').to_owned())
                .collect(),
            tls: config.tls(),
            next_conn: AtomicU64::new(1),
            shutdown: watch::Sender::new(false),
            open_sockets: watch::Sender::new(0),
            renderer: render::Renderer::new(config.render_worker(), config.render_budget()),
            refusals: Default::default(),
        }))
    }

    pub fn db(&self) -> &Db {
        &self.0.db
    }

    pub fn secret(&self) -> &invite::Secret {
        &self.0.secret
    }

    pub fn rooms(&self) -> &Registry {
        &self.0.rooms
    }

    /// Tells every open WebSocket to close with `ShuttingDown` (1001).
    pub fn shutdown(&self) {
        self.0.shutdown.send_replace(true);
    }

    /// Waits until no WebSocket is open.
    pub async fn sockets_closed(&self) {
        let mut rx = self.0.open_sockets.subscribe();
        let _ = rx.wait_for(|n| *n == 0).await;
    }

    /// Slide renders (for the upload handlers, and for tests that watch the workers).
    pub fn renderer(&self) -> &render::Renderer {
        &self.0.renderer
    }

    /// Records a refusal at `meeting`'s door, within its allowance
    /// ([`http::rate::Refusals`]); beyond it, only logs it.
    pub(crate) async fn record_refusal(
        &self,
        meeting: &sala_protocol::MeetingId,
        event: sala_record::Event,
    ) -> Result<(), db::DbError> {
        let allowed = self
            .0
            .refusals
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .record(meeting, std::time::Instant::now());
        if !allowed {
            tracing::warn!(meeting = %meeting, ?event, "refusal not recorded: the door's allowance is spent");
            return Ok(());
        }
        self.0
            .db
            .append(meeting.clone(), event, db::now_ms())
            .await
            .map(drop)
    }

    pub(crate) fn next_conn(&self) -> ConnId {
        ConnId(self.0.next_conn.fetch_add(1, Ordering::Relaxed))
    }

    pub(crate) fn tls(&self) -> bool {
        self.0.tls
    }

    pub(crate) fn allowed_origins(&self) -> &[String] {
        &self.0.allowed_origins
    }

    pub(crate) fn shutdown_signal(&self) -> watch::Receiver<bool> {
        self.0.shutdown.subscribe()
    }

    pub(crate) fn socket_opened(&self) -> SocketGuard {
        self.0.open_sockets.send_modify(|n| *n += 1);
        SocketGuard(self.clone())
    }
}

/// Counts an open WebSocket until dropped.
pub(crate) struct SocketGuard(AppState);

impl Drop for SocketGuard {
    fn drop(&mut self) {
        self.0 .0.open_sockets.send_modify(|n| *n -= 1);
    }
}

/// The whole HTTP surface of the server.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/meetings", post(http::meetings::create))
        .route("/meetings/{id}", get(http::meetings::get))
        .route(
            "/meetings/{id}/invites",
            post(http::invites::create).get(http::invites::list),
        )
        .route(
            "/meetings/{id}/invites/{invite}",
            delete(http::invites::revoke),
        )
        .route("/meetings/{id}/record", get(http::record::export))
        .route("/decks/{id}", get(http::slides::deck))
        .route("/slides/{file}", get(http::slides::image))
        .fallback(|| async { http::AppError::NotFound })
        .layer(DefaultBodyLimit::max(MAX_API_BODY));
    // Uploads have their own, larger body limits.
    let uploads = Router::new()
        .route(
            "/meetings/{id}/decks",
            post(http::slides::upload_deck)
                .layer(DefaultBodyLimit::max(MAX_DECK_BYTES))
                .layer(from_fn_with_state(
                    http::admission::Gate::new(&state, MAX_DECK_BYTES),
                    http::admission::admit,
                )),
        )
        .route(
            "/meetings/{id}/stills",
            post(http::slides::upload_still)
                .layer(DefaultBodyLimit::max(MAX_STILL_BYTES))
                .layer(from_fn_with_state(
                    http::admission::Gate::new(&state, MAX_STILL_BYTES),
                    http::admission::admit,
                )),
        );
    let api = uploads.merge(api);
    Router::new()
        .nest("/api", api)
        .route("/ws", get(http::ws::upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .fallback_service(http::static_files::router(&state.0.dist))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
