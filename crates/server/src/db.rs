//! SQLite storage: one connection behind a mutex, used from `spawn_blocking`.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use sala_protocol::{
    Deck, DeckId, HostKey, ImageFormat, ImageId, MeetingId, MeetingInfo, MeetingTitle, Role,
};

use crate::room::RoomEvent;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "sala.sqlite3";

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../migrations/0001_init.sql")),
    M::up(include_str!("../migrations/0002_slides.sql")),
];

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

/// A rendered image to store under its content id.
#[derive(Debug)]
pub struct StoredImage {
    pub id: ImageId,
    pub format: ImageFormat,
    pub data: Vec<u8>,
}

impl Db {
    /// Stores a deck of `meeting` and the images of its pages (an image
    /// already stored under the same content id is kept as it is).
    pub async fn save_deck(
        &self,
        meeting: MeetingId,
        deck: Deck,
        images: Vec<StoredImage>,
        at_ms: i64,
    ) -> Result<(), DbError> {
        let manifest = serde_json::to_string(&deck).expect("a deck always serializes");
        self.with(move |c| {
            let tx = c.unchecked_transaction()?;
            insert_images(&tx, &images)?;
            tx.execute(
                "INSERT INTO decks (id, meeting_id, pages, manifest, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![deck.id.as_str(), meeting.as_str(), deck.pages.len() as i64, manifest, at_ms],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// Stores the images of a screen-share still.
    pub async fn save_images(&self, images: Vec<StoredImage>) -> Result<(), DbError> {
        self.with(move |c| {
            let tx = c.unchecked_transaction()?;
            insert_images(&tx, &images)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    /// A deck by id, if it exists.
    pub async fn deck(&self, id: DeckId) -> Result<Option<Deck>, DbError> {
        self.with(move |c| {
            let manifest: Option<String> = c
                .query_row(
                    "SELECT manifest FROM decks WHERE id = ?1",
                    [id.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            manifest
                .map(|m| serde_json::from_str(&m).map_err(|e| DbError::Corrupt(e.to_string())))
                .transpose()
        })
        .await
    }

    /// The page count of a deck of `meeting`; `None` if the deck does not
    /// exist or belongs to another meeting.
    pub async fn deck_pages(&self, meeting: MeetingId, id: DeckId) -> Result<Option<u32>, DbError> {
        self.with(move |c| {
            let pages: Option<i64> = c
                .query_row(
                    "SELECT pages FROM decks WHERE id = ?1 AND meeting_id = ?2",
                    [id.as_str(), meeting.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(pages.map(|p| p as u32))
        })
        .await
    }

    /// An image's format and bytes, if stored.
    pub async fn image(&self, id: ImageId) -> Result<Option<(ImageFormat, Vec<u8>)>, DbError> {
        self.with(move |c| {
            let row: Option<(String, Vec<u8>)> = c
                .query_row(
                    "SELECT format, data FROM images WHERE id = ?1",
                    [id.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            row.map(|(format, data)| {
                ImageFormat::from_extension(&format)
                    .map(|f| (f, data))
                    .ok_or_else(|| DbError::Corrupt(format!("image format {format}")))
            })
            .transpose()
        })
        .await
    }
}

fn insert_images(c: &Connection, images: &[StoredImage]) -> Result<(), DbError> {
    let mut stmt =
        c.prepare_cached("INSERT OR IGNORE INTO images (id, format, data) VALUES (?1, ?2, ?3)")?;
    for image in images {
        stmt.execute(params![
            image.id.as_str(),
            image.format.extension(),
            image.data
        ])?;
    }
    Ok(())
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
