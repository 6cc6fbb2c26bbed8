//! SQLite storage: one connection behind a mutex, used from `spawn_blocking`.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use sala_protocol::{HostKey, MeetingId, MeetingInfo, MeetingTitle, Role};

use crate::room::RoomEvent;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "sala.sqlite3";

const MIGRATIONS: &[M<'static>] = &[M::up(include_str!("../migrations/0001_init.sql"))];

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("database task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error("stored row is invalid: {0}")]
    Corrupt(String),
}

/// Handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

impl Db {
    /// Opens (creating if needed) `dir/sala.sqlite3` in WAL mode and migrates it.
    pub fn open_in_dir(dir: &Path) -> Result<Self, DbError> {
        let mut conn = Connection::open(dir.join(DB_FILE))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Migrations::from_slice(MIGRATIONS).to_latest(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    async fn with<T, F>(&self, f: F) -> Result<T, DbError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, DbError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || f(&lock(&conn))).await?
    }

    pub async fn create_meeting(
        &self,
        info: MeetingInfo,
        host_key: HostKey,
        at_ms: i64,
    ) -> Result<(), DbError> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO meetings (id, title, host_key, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    info.id.as_str(),
                    info.title.as_str(),
                    host_key.as_str(),
                    at_ms
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The meeting and its host key, if it exists.
    pub async fn meeting(&self, id: MeetingId) -> Result<Option<(MeetingInfo, HostKey)>, DbError> {
        self.with(move |c| {
            let row = c
                .query_row(
                    "SELECT title, host_key FROM meetings WHERE id = ?1",
                    [id.as_str()],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()?;
            let Some((title, key)) = row else {
                return Ok(None);
            };
            let title = MeetingTitle::parse(&title).map_err(|e| DbError::Corrupt(e.to_string()))?;
            let key = HostKey::parse(&key).map_err(|e| DbError::Corrupt(e.to_string()))?;
            Ok(Some((MeetingInfo { id, title }, key)))
        })
        .await
    }

    pub async fn record(
        &self,
        meeting: MeetingId,
        event: RoomEvent,
        at_ms: i64,
    ) -> Result<(), DbError> {
        self.with(move |c| {
            let role = match event.role {
                Role::Host => "host",
                Role::Guest => "guest",
            };
            c.execute(
                "INSERT INTO participation (meeting_id, peer_id, name, role, event, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![meeting.as_str(), event.peer.0 as i64, event.name.as_str(), role, event.kind.as_str(), at_ms],
            )?;
            Ok(())
        })
        .await
    }

    /// Participation events of a meeting as `(peer, event)` in insertion order.
    pub async fn participation(&self, meeting: MeetingId) -> Result<Vec<(u64, String)>, DbError> {
        self.with(move |c| {
            let mut stmt = c.prepare(
                "SELECT peer_id, event FROM participation WHERE meeting_id = ?1 ORDER BY rowid",
            )?;
            let rows = stmt.query_map([meeting.as_str()], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get(1)?))
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .await
    }
}

fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    // A panic while holding the lock cannot leave SQLite half-written (statements
    // are atomic), so a poisoned lock is still usable.
    conn.lock().unwrap_or_else(|p| p.into_inner())
}

/// Unix time in milliseconds, read by the shell (never by room logic).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
