//! The invitations table (see `crate::invite`): what a signed token cannot
//! say about itself — withdrawn, used and by which browser, its holder removed.

use rusqlite::{params, OptionalExtension};
use sala_protocol::{HolderKey, InviteId, InviteInfo, InviteRefusal, MeetingId, Role};

use super::{Db, DbError};
use crate::invite::Claims;
use crate::room::Holder;

impl Db {
    /// Stores a new invitation of `claims.meeting`.
    pub async fn create_invite(&self, claims: Claims, at_ms: i64) -> Result<(), DbError> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO invites (id, meeting_id, role, not_before, expires_at, single_use, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    claims.invite.as_str(),
                    claims.meeting.as_str(),
                    claims.role.as_str(),
                    claims.not_before_ms,
                    claims.expires_ms,
                    claims.single_use,
                    at_ms
                ],
            )?;
            Ok(())
        })
        .await
    }

    /// The invitations of `meeting`, oldest first.
    pub async fn invites(&self, meeting: MeetingId) -> Result<Vec<InviteInfo>, DbError> {
        self.with(move |c| {
            let mut stmt = c.prepare(
                "SELECT id, role, not_before, expires_at, single_use, used_at IS NOT NULL, revoked_at IS NOT NULL
                 FROM invites WHERE meeting_id = ?1 ORDER BY created_at, rowid",
            )?;
            let rows = stmt.query_map([meeting.as_str()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?;
            rows.map(|row| {
                let (id, role, not_before_ms, expires_ms, single_use, used, revoked) = row?;
                Ok(InviteInfo {
                    id: InviteId::parse(&id).map_err(|e| DbError::Corrupt(e.to_string()))?,
                    role: role_from(&role)?,
                    not_before_ms,
                    expires_ms,
                    single_use,
                    used,
                    revoked,
                })
            })
            .collect()
        })
        .await
    }

    /// Withdraws an invitation of `meeting`; `false` if it has none by that id.
    pub async fn revoke_invite(
        &self,
        meeting: MeetingId,
        id: InviteId,
        at_ms: i64,
    ) -> Result<bool, DbError> {
        self.with(move |c| {
            let changed = c.execute(
                "UPDATE invites SET revoked_at = coalesce(revoked_at, ?3) WHERE id = ?1 AND meeting_id = ?2",
                params![id.as_str(), meeting.as_str(), at_ms],
            )?;
            Ok(changed == 1)
        })
        .await
    }

    /// Lets the holder of a checked invitation in, if nothing the database
    /// knows stands against it. The first use of a single-use invitation
    /// binds it to its holder's key: that browser comes back in with it
    /// (after a reload, or an outage longer than the resume grace), no
    /// other does.
    pub async fn admit_invite(
        &self,
        claims: Claims,
        holder: Option<HolderKey>,
        at_ms: i64,
    ) -> Result<Result<(), InviteRefusal>, DbError> {
        let holder = holder.map(|h| Holder::of(&h).as_str().to_owned());
        self.with(move |c| {
            let tx = c.unchecked_transaction()?;
            type Row = (Option<i64>, Option<String>, Option<i64>, Option<i64>, Option<i64>);
            let row: Option<Row> = tx
                .query_row(
                    "SELECT i.used_at, i.holder, i.revoked_at, i.removed_at, m.ended_at FROM invites i
                     JOIN meetings m ON m.id = i.meeting_id WHERE i.id = ?1 AND i.meeting_id = ?2",
                    [claims.invite.as_str(), claims.meeting.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let verdict = match row {
                // Signed by us but not stored: a database restored from an
                // older backup. Nothing vouches for it any more.
                None => Err(InviteRefusal::Revoked),
                Some((.., Some(_))) => Err(InviteRefusal::MeetingEnded),
                Some((_, _, Some(_), _, _)) => Err(InviteRefusal::Revoked),
                Some((_, _, _, Some(_), _)) => Err(InviteRefusal::Removed),
                Some((Some(_), bound, ..)) if claims.single_use => {
                    if bound.is_some() && bound == holder {
                        Ok(())
                    } else {
                        Err(InviteRefusal::AlreadyUsed)
                    }
                }
                Some((used, ..)) => {
                    if used.is_none() {
                        tx.execute(
                            "UPDATE invites SET used_at = ?2, holder = ?3 WHERE id = ?1",
                            params![claims.invite.as_str(), at_ms, holder],
                        )?;
                    }
                    Ok(())
                }
            };
            tx.commit()?;
            Ok(verdict)
        })
        .await
    }
}

fn role_from(s: &str) -> Result<Role, DbError> {
    Role::ALL
        .into_iter()
        .find(|r| r.as_str() == s)
        .ok_or_else(|| DbError::Corrupt(format!("role {s}")))
}
