//! What a room started again needs of the one before (see
//! `room/machine/restart.rs`): the browsers barred by a removal, the session
//! tokens handed out, and who the record still counts in.

use std::collections::HashMap;

use rusqlite::params;
use sala_protocol::{MeetingId, PeerId};
use sala_record::{Attendance, Event};

use super::{Db, DbError};
use crate::room::{Holder, Restored, Session};

impl Db {
    /// Keeps `holder`'s browser out of `meeting` for good.
    pub async fn bar(&self, meeting: MeetingId, holder: Holder, at_ms: i64) -> Result<(), DbError> {
        self.with(move |c| {
            c.execute(
                "INSERT OR IGNORE INTO barred (meeting_id, holder, at) VALUES (?1, ?2, ?3)",
                params![meeting.as_str(), holder.as_str(), at_ms],
            )?;
            Ok(())
        })
        .await
    }

    /// The browsers kept out of `meeting`.
    pub async fn barred(&self, meeting: MeetingId) -> Result<Vec<Holder>, DbError> {
        self.with(move |c| {
            let mut stmt = c.prepare("SELECT holder FROM barred WHERE meeting_id = ?1")?;
            let rows = stmt.query_map([meeting.as_str()], |r| r.get::<_, String>(0))?;
            rows.map(|r| Ok(Holder::from_stored(r?))).collect()
        })
        .await
    }

    /// Keeps `session` (a token handed out) as `peer`'s in `meeting`.
    pub async fn keep_session(
        &self,
        meeting: MeetingId,
        peer: PeerId,
        session: Session,
    ) -> Result<(), DbError> {
        self.with(move |c| {
            c.execute(
                "INSERT OR REPLACE INTO sessions (meeting_id, session, peer) VALUES (?1, ?2, ?3)",
                params![meeting.as_str(), session.as_str(), peer.0 as i64],
            )?;
            Ok(())
        })
        .await
    }

    /// What the database keeps of `meeting`'s room, for one started again.
    pub async fn restored(&self, meeting: MeetingId) -> Result<Restored, DbError> {
        let barred = self.barred(meeting.clone()).await?;
        let attendance = self.attendance(meeting.clone()).await?;
        self.with(move |c| {
            let mut stmt = c.prepare("SELECT session, peer FROM sessions WHERE meeting_id = ?1")?;
            let sessions = stmt
                .query_map([meeting.as_str()], |r| {
                    Ok((
                        Session::from_stored(r.get(0)?),
                        PeerId(r.get::<_, i64>(1)? as u64),
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut stmt = c.prepare(
                "SELECT cause_peer, max(cause_seq) FROM record
                 WHERE meeting_id = ?1 AND cause_peer IS NOT NULL GROUP BY cause_peer",
            )?;
            let done = stmt
                .query_map([meeting.as_str()], |r| {
                    Ok((
                        PeerId(r.get::<_, i64>(0)? as u64),
                        r.get::<_, i64>(1)? as u64,
                    ))
                })?
                .collect::<Result<HashMap<_, _>, _>>()?;
            Ok(Restored {
                barred,
                attendance,
                sessions,
                done,
            })
        })
        .await
    }

    /// Who `meeting`'s record says is in it, and the highest participant
    /// number it gave: what a room started again goes on from.
    pub async fn attendance(&self, meeting: MeetingId) -> Result<Attendance, DbError> {
        self.with(move |c| {
            let mut stmt =
                c.prepare("SELECT seq, event FROM record WHERE meeting_id = ?1 ORDER BY seq")?;
            let mut rows = stmt.query([meeting.as_str()])?;
            let mut attendance = Attendance::default();
            while let Some(row) = rows.next()? {
                let seq: i64 = row.get(0)?;
                let text: String = row.get(1)?;
                let event: Event = serde_json::from_str(&text)
                    .map_err(|e| DbError::Corrupt(format!("record entry {seq}: {e}")))?;
                attendance.note(&event);
            }
            Ok(attendance)
        })
        .await
    }
}
