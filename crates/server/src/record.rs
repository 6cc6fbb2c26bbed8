//! `sala-server record verify|export`: a meeting's record checked and written
//! out for a court, from the database file (the server need not run).

use std::fmt::Write as _;
use std::time::{Duration, UNIX_EPOCH};

use sala_protocol::{MeetingId, MeetingInfo};
use sala_record::{verify, Break, Digest, Event, Row, Verified};
use serde_json::{json, Value};

use crate::db::{Db, DbError};

/// A meeting's record as read from the database, with the chain's verdict.
#[derive(Debug)]
pub struct Report {
    pub meeting: MeetingInfo,
    pub rows: Vec<Row>,
    pub verdict: Result<Verified, Break>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("no meeting {0} in this database")]
    UnknownMeeting(MeetingId),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl Report {
    /// Reads and verifies `meeting`'s record; `head`, a digest from an earlier
    /// export, must still be in the chain.
    pub async fn load(
        db: &Db,
        meeting: MeetingId,
        head: Option<Digest>,
    ) -> Result<Self, ReportError> {
        let info = db
            .meeting(meeting.clone())
            .await?
            .ok_or(ReportError::UnknownMeeting(meeting.clone()))?
            .info;
        let rows = db.record_rows(meeting).await?;
        let verdict = verify(&info.id, rows.iter().cloned(), head);
        Ok(Self {
            meeting: info,
            rows,
            verdict,
        })
    }

    /// One line: whole (entries and head) or where it breaks.
    pub fn verdict_line(&self) -> String {
        match &self.verdict {
            Ok(v) => format!(
                "whole: {} {}, head {}",
                v.entries,
                if v.entries == 1 { "entry" } else { "entries" },
                v.head
            ),
            Err(b) => format!("BROKEN at {b}"),
        }
    }

    /// The record for a person: the verdict, then one line per entry.
    pub fn text(&self) -> String {
        let mut out = format!(
            "Record of \"{}\" (meeting {})\nChain {}\n\n",
            self.meeting.title,
            self.meeting.id,
            self.verdict_line()
        );
        for row in &self.rows {
            let what = serde_json::from_str::<Event>(&row.entry.event).map_or_else(
                |_| format!("(unreadable) {}", row.entry.event),
                |e| e.describe(),
            );
            let _ = writeln!(
                out,
                "{:>5}  {}  {what}",
                row.entry.seq,
                time(row.entry.at_ms)
            );
        }
        out
    }

    /// The record for tools: every entry with its links, and the verdict.
    pub fn json(&self) -> Value {
        let entries: Vec<Value> = self
            .rows
            .iter()
            .map(|row| {
                json!({
                    "seq": row.entry.seq,
                    "at_ms": row.entry.at_ms,
                    "at": time(row.entry.at_ms),
                    "event": serde_json::from_str::<Value>(&row.entry.event)
                        .unwrap_or_else(|_| Value::String(row.entry.event.clone())),
                    "event_text": row.entry.event,
                    "prev": row.prev.to_string(),
                    "hash": row.hash.to_string(),
                })
            })
            .collect();
        let chain = match &self.verdict {
            Ok(v) => json!({ "whole": true, "entries": v.entries, "head": v.head.to_string() }),
            Err(b) => {
                json!({ "whole": false, "broken_at": b.seq, "problem": b.problem.to_string() })
            }
        };
        json!({
            "meeting": self.meeting.id.as_str(),
            "title": self.meeting.title.as_str(),
            "chain": chain,
            "entries": entries,
        })
    }
}

/// RFC 3339 in UTC with milliseconds.
fn time(at_ms: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_millis(at_ms.max(0) as u64);
    humantime::format_rfc3339_millis(t).to_string()
}
