//! A socket's first `Join`: protocol version, host key, invitation, then
//! the room (started if need be). Refusals are recorded and close the
//! socket.

use sala_protocol::{
    ClientMsg, DisplayName, ErrorCode, HolderKey, HostKey, InviteToken, MeetingId, PROTOCOL_VERSION,
};
use sala_record::Event;
use tracing::{debug, error};

use super::receive::{Receiver, RecvEnd};
use crate::db::{now_ms, DbError};
use crate::http::door;
use crate::invite;
use crate::room::actor::JoinRequest;
use crate::room::registry::JoinError;
use crate::room::{Holder, Invited};

impl Receiver {
    /// A message before the socket joined: a `Join`, or refused. `Some`
    /// ends the socket.
    pub(super) async fn join(&mut self, msg: ClientMsg) -> Option<RecvEnd> {
        let ClientMsg::Join(join) = msg else {
            self.reply(ErrorCode::NotJoined).await;
            return None;
        };
        if join.protocol != PROTOCOL_VERSION {
            let unsupported = ErrorCode::UnsupportedProtocol {
                client: join.protocol,
                server: PROTOCOL_VERSION,
            };
            return Some(self.fail(unsupported).await);
        }
        let browser = join.holder.as_ref().map(Holder::of);
        if let Some(key) = &join.host_key {
            if let Err(end) = self.check_host_key(&join.meeting, &join.name, key).await {
                return Some(end);
            }
        }
        let invited = match join.invite {
            None => None,
            Some(token) => match self
                .admit(&join.meeting, &join.name, &token, join.holder)
                .await
            {
                Ok(invited) => Some(invited),
                Err(end) => return Some(end),
            },
        };
        let Some(tx) = self.tx.clone() else {
            return Some(RecvEnd::Gone);
        };
        let req = JoinRequest {
            conn: self.conn,
            tx,
            name: join.name,
            media: join.media,
            host_key: join.host_key,
            resume: join.resume,
            invited,
            holder: browser,
        };
        let meeting = join.meeting;
        match self.state.rooms().join(meeting.clone(), req).await {
            Ok(room) => {
                debug!(meeting = %meeting, "join handed to room");
                self.tx = None;
                self.room = Some((meeting.clone(), room));
            }
            Err(JoinError::UnknownMeeting) => {
                return Some(self.fail(ErrorCode::UnknownMeeting).await)
            }
            Err(JoinError::Db(e)) => {
                error!(meeting = %meeting, error = %e, "could not look up meeting");
                return Some(RecvEnd::Gone);
            }
        }
        None
    }

    /// Checks an invitation: its signature and times, then what the
    /// database knows. A refusal is recorded in the meeting's record, then
    /// sent. An unknown meeting gets the same answer as without an
    /// invitation.
    async fn admit(
        &self,
        meeting: &MeetingId,
        name: &DisplayName,
        token: &InviteToken,
        holder: Option<HolderKey>,
    ) -> Result<Invited, RecvEnd> {
        let db = self.state.db();
        let now = now_ms();
        let failed = |e: DbError| {
            error!(meeting = %meeting, error = %e, "could not check an invitation");
            RecvEnd::Gone
        };
        if db.meeting(meeting.clone()).await.map_err(failed)?.is_none() {
            return Err(self.fail(ErrorCode::UnknownMeeting).await);
        }
        let checked = invite::check(self.state.secret(), token, meeting, now);
        let invite = match &checked {
            Ok(claims) => Some(claims.invite.clone()),
            Err(_) => None,
        };
        let verdict = match checked {
            Ok(claims) => {
                let role = claims.role;
                let id = claims.invite.clone();
                db.admit_invite(claims, holder, now)
                    .await
                    .map_err(failed)?
                    .map(|()| Invited { invite: id, role })
            }
            Err(reason) => Err(reason),
        };
        match verdict {
            Ok(invited) => Ok(invited),
            Err(reason) => {
                let refused = Event::JoinRefused {
                    name: name.clone(),
                    invite,
                    reason,
                };
                self.state
                    .record_refusal(meeting, refused)
                    .await
                    .map_err(failed)?;
                tracing::info!(meeting = %meeting, reason = reason.as_str(), "invitation refused");
                Err(self.fail(ErrorCode::InviteRefused { reason }).await)
            }
        }
    }

    /// A host key that is not the meeting's, or an unknown meeting: refused
    /// and closed (the wrong key recorded, [`door::check_host_key`]).
    async fn check_host_key(
        &self,
        meeting: &MeetingId,
        name: &DisplayName,
        key: &HostKey,
    ) -> Result<(), RecvEnd> {
        match door::check_host_key(&self.state, meeting, name, key).await {
            Ok(None) => Ok(()),
            Ok(Some(refusal)) => Err(self.fail(refusal).await),
            Err(e) => {
                error!(meeting = %meeting, error = %e, "could not check a host key");
                Err(RecvEnd::Gone)
            }
        }
    }

    /// A `Join` that does not parse: recorded ([`door::record_malformed_join`]),
    /// then closed.
    pub(super) async fn malformed_join(&self, join: serde_json::Value) -> RecvEnd {
        door::record_malformed_join(&self.state, &join).await;
        self.fail(ErrorCode::Malformed).await
    }
}
