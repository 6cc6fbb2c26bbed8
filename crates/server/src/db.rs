//! SQLite storage: one connection behind a mutex, used from `spawn_blocking`.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use rusqlite_migration::{Migrations, M};
use sala_protocol::{
    Deck, DeckId, HostKey, ImageFormat, ImageId, MeetingId, MeetingInfo, MeetingKind, MeetingTitle,
    PeerId,
};

use sala_record::{Chain, Digest, Entry, Event, Row};

mod invites;
mod restart;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "sala.sqlite3";

const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../migrations/0001_init.sql")),
    M::up(include_str!("../migrations/0002_slides.sql")),
    M::up(include_str!("../migrations/0003_record.sql")),
    M::up(include_str!("../migrations/0004_invites.sql")),
    M::up(include_str!("../migrations/0005_kind.sql")),
    M::up(include_str!("../migrations/0006_barred.sql")),
    M::up(include_str!("../migrations/0007_sessions.sql")),
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

/// A meeting as stored.
#[derive(Clone, Debug)]
pub struct StoredMeeting {
    pub info: MeetingInfo,
    pub host_key: HostKey,
    /// Ended for everyone: nobody joins again.
    pub ended: bool,
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
        // Every commit reaches the disk before it returns: the record's
        // events are acknowledged only once durable (see `Db::append`).
        conn.pragma_update(None, "synchronous", "FULL")?;
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
                "INSERT INTO meetings (id, title, host_key, created_at, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    info.id.as_str(),
                    info.title.as_str(),
                    host_key.as_str(),
                    at_ms,
                    info.kind.as_str()
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The meeting, if it exists.
    pub async fn meeting(&self, id: MeetingId) -> Result<Option<StoredMeeting>, DbError> {
        self.with(move |c| {
            let row = c
                .query_row(
                    "SELECT title, host_key, ended_at IS NOT NULL, kind FROM meetings WHERE id = ?1",
                    [id.as_str()],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, bool>(2)?,
                            r.get::<_, String>(3)?,
                        ))
                    },
                )
                .optional()?;
            let Some((title, key, ended, kind)) = row else {
                return Ok(None);
            };
            let kind = [MeetingKind::Meeting, MeetingKind::Hearing]
                .into_iter()
                .find(|k| k.as_str() == kind)
                .ok_or_else(|| DbError::Corrupt(format!("meeting kind {kind}")))?;
            let title = MeetingTitle::parse(&title).map_err(|e| DbError::Corrupt(e.to_string()))?;
            let host_key = HostKey::parse(&key).map_err(|e| DbError::Corrupt(e.to_string()))?;
            Ok(Some(StoredMeeting {
                info: MeetingInfo { id, title, kind },
                host_key,
                ended,
            }))
        })
        .await
    }

    /// Appends `event` to `meeting`'s record and returns the stored row. It
    /// returns once the row is committed with `synchronous = FULL`: an event
    /// acknowledged to anyone survives a crash of the server or the machine.
    pub async fn append(
        &self,
        meeting: MeetingId,
        event: Event,
        at_ms: i64,
    ) -> Result<Row, DbError> {
        self.append_caused(meeting, event, at_ms, None).await
    }

    /// [`Db::append`], keeping with the row the numbered message of a
    /// participant it came of (`Output::Cause`).
    pub async fn append_caused(
        &self,
        meeting: MeetingId,
        event: Event,
        at_ms: i64,
        cause: Option<(PeerId, u64)>,
    ) -> Result<Row, DbError> {
        self.with(move |c| {
            let tx = c.unchecked_transaction()?;
            let last = last_row(&tx, &meeting)?;
            let row = Chain::after(meeting.clone(), last.as_ref()).next(at_ms, &event);
            // What the event changes beyond the record, in the same transaction.
            match &event {
                Event::Removed {
                    invite: Some(invite),
                    ..
                } => {
                    tx.execute(
                        "UPDATE invites SET removed_at = coalesce(removed_at, ?2) WHERE id = ?1",
                        params![invite.as_str(), at_ms],
                    )?;
                }
                Event::MeetingEnded { .. } => {
                    tx.execute(
                        "UPDATE meetings SET ended_at = coalesce(ended_at, ?2) WHERE id = ?1",
                        params![meeting.as_str(), at_ms],
                    )?;
                }
                _ => {}
            }
            tx.execute(
                "INSERT INTO record (meeting_id, seq, at, event, prev, hash, cause_peer, cause_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    meeting.as_str(),
                    row.entry.seq as i64,
                    row.entry.at_ms,
                    row.entry.event,
                    row.prev.to_string(),
                    row.hash.to_string(),
                    cause.map(|(peer, _)| peer.0 as i64),
                    cause.map(|(_, seq)| seq as i64),
                ],
            )?;
            tx.commit()?;
            Ok(row)
        })
        .await
    }

    /// Every row of `meeting`'s record, in order.
    pub async fn record_rows(&self, meeting: MeetingId) -> Result<Vec<Row>, DbError> {
        self.with(move |c| {
            let mut stmt = c.prepare(
                "SELECT seq, at, event, prev, hash FROM record WHERE meeting_id = ?1 ORDER BY seq",
            )?;
            let rows = stmt.query_map([meeting.as_str()], read_row)?;
            rows.map(|r| r?).collect()
        })
        .await
    }

    /// Participation events of a meeting as `(peer, event)`, in order.
    pub async fn participation(&self, meeting: MeetingId) -> Result<Vec<(u64, String)>, DbError> {
        let rows = self.record_rows(meeting).await?;
        let mut out = Vec::new();
        for row in &rows {
            let event: Event = serde_json::from_str(&row.entry.event)
                .map_err(|e| DbError::Corrupt(format!("record entry {}: {e}", row.entry.seq)))?;
            let (peer, what) = match event {
                Event::Joined { peer, .. } => (peer, "joined"),
                Event::Left { peer, .. } => (peer, "left"),
                Event::Lost { peer, .. } => (peer, "lost"),
                Event::Resumed { peer, .. } => (peer, "resumed"),
                Event::Removed { peer, .. } => (peer, "removed"),
                Event::Knocked { peer, .. } => (peer, "knocked"),
                Event::Admitted { peer, .. } => (peer, "admitted"),
                Event::Denied { peer, .. } => (peer, "denied"),
                Event::Excused { peer, .. } => (peer, "excused"),
                Event::ConsultationEntered { peer, .. } => (peer, "consulting"),
                Event::ConsultationLeft { peer, .. } => (peer, "returned"),
                Event::InviteCreated { .. }
                | Event::InviteRevoked { .. }
                | Event::JoinRefused { .. }
                | Event::RoomLocked { .. }
                | Event::MeetingEnded { .. }
                | Event::LobbySet { .. }
                | Event::Held { .. }
                | Event::MutedAll { .. }
                | Event::HandRaised { .. }
                | Event::HandLowered { .. }
                | Event::Chat { .. }
                | Event::OathAsked { .. }
                | Event::OathTaken { .. }
                | Event::SlideShown { .. }
                | Event::PresentationStopped { .. }
                | Event::ScreenShared { .. }
                | Event::TierChanged { .. }
                | Event::RoleChanged { .. }
                | Event::ConsultationAsked { .. }
                | Event::ConsultationDeclined { .. }
                | Event::RoomRestarted { .. }
                | Event::DoorRefused { .. } => continue,
            };
            out.push((peer.0, what.to_owned()));
        }
        Ok(out)
    }
}

fn last_row(c: &Connection, meeting: &MeetingId) -> Result<Option<Row>, DbError> {
    c.query_row(
        "SELECT seq, at, event, prev, hash FROM record WHERE meeting_id = ?1 ORDER BY seq DESC LIMIT 1",
        [meeting.as_str()],
        read_row,
    )
    .optional()?
    .transpose()
}

/// A stored row; a digest that does not parse is a corrupt database.
fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<Row, DbError>> {
    let seq: i64 = r.get(0)?;
    let digest = |i: usize| -> rusqlite::Result<Result<Digest, DbError>> {
        let text: String = r.get(i)?;
        Ok(text
            .parse()
            .map_err(|e| DbError::Corrupt(format!("record entry {seq}: {e}"))))
    };
    let (prev, hash) = (digest(3)?, digest(4)?);
    let entry = Entry {
        seq: seq as u64,
        at_ms: r.get(1)?,
        event: r.get(2)?,
    };
    Ok(prev.and_then(|prev| hash.map(|hash| Row { entry, prev, hash })))
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
