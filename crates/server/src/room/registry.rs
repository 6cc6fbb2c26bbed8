//! Live rooms by meeting id. A room's actor is spawned on the first join
//! (after checking the meeting exists) and retires itself once empty.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use sala_protocol::{MeetingId, PeerId, ResumeToken};
use tokio::sync::oneshot;

use super::actor::{inbox, Actor, Command, InboxRx, InboxTx, JoinRequest, RoomHandle};
use super::machine::{IceAt, Restored, Room};
use crate::db::{Db, DbError, StoredMeeting};
use crate::turn::IceSettings;

#[derive(Debug, thiserror::Error)]
pub enum JoinError {
    #[error("unknown meeting")]
    UnknownMeeting,
    #[error(transparent)]
    Db(#[from] DbError),
}

enum Enqueue {
    Sent(RoomHandle),
    /// No live room: load the meeting, then try again.
    NotLive(Command),
    Full(InboxTx, Command),
    Retry(Command),
}

struct Slot {
    tx: InboxTx,
    generation: u64,
}

struct Inner {
    rooms: Mutex<HashMap<MeetingId, Slot>>,
    next_generation: std::sync::atomic::AtomicU64,
    db: Db,
    ice: Arc<IceSettings>,
}

/// Cheap to clone.
#[derive(Clone)]
pub struct Registry(Arc<Inner>);

impl Registry {
    pub fn new(db: Db, ice: IceSettings) -> Self {
        Self(Arc::new(Inner {
            rooms: Mutex::new(HashMap::new()),
            next_generation: 0.into(),
            db,
            ice: Arc::new(ice),
        }))
    }

    fn rooms(&self) -> MutexGuard<'_, HashMap<MeetingId, Slot>> {
        self.0.rooms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Number of rooms with a live actor.
    pub fn live_rooms(&self) -> usize {
        self.rooms().len()
    }

    /// Hands a `Join` to the meeting's room, starting the room if needed.
    /// The room answers on `req.tx` (`Welcome`, or an error and a close).
    pub async fn join(
        &self,
        meeting: MeetingId,
        req: JoinRequest,
    ) -> Result<RoomHandle, JoinError> {
        let mut cmd = Command::Join(Box::new(req));
        let mut loaded: Option<(StoredMeeting, Restored)> = None;
        loop {
            cmd = match self.try_enqueue(&meeting, cmd, &mut loaded) {
                Enqueue::Sent(handle) => return Ok(handle),
                Enqueue::Retry(cmd) => cmd,
                Enqueue::NotLive(cmd) => {
                    let found = self.0.db.meeting(meeting.clone()).await?;
                    let found = found.ok_or(JoinError::UnknownMeeting)?;
                    loaded = Some((found, self.0.db.restored(meeting.clone()).await?));
                    cmd
                }
                // A full inbox is not empty, so the room cannot retire while we wait.
                Enqueue::Full(tx, cmd) => match tx.send_async(cmd).await {
                    Ok(()) => return Ok(RoomHandle { tx }),
                    Err(e) => e.into_inner(),
                },
            };
        }
    }

    /// Enqueues under the lock, so a room cannot retire between our lookup and
    /// our send (it retires only with an empty inbox, under this lock).
    fn try_enqueue(
        &self,
        meeting: &MeetingId,
        cmd: Command,
        loaded: &mut Option<(StoredMeeting, Restored)>,
    ) -> Enqueue {
        let mut rooms = self.rooms();
        let tx = match rooms.get(meeting) {
            Some(slot) if !slot.tx.is_disconnected() => slot.tx.clone(),
            _ => {
                let Some((stored, restored)) = loaded.take() else {
                    return Enqueue::NotLive(cmd);
                };
                let slot = self.spawn(stored, restored);
                let tx = slot.tx.clone();
                rooms.insert(meeting.clone(), slot);
                tx
            }
        };
        match tx.try_send(cmd) {
            Ok(()) => Enqueue::Sent(RoomHandle { tx }),
            Err(flume::TrySendError::Full(cmd)) => Enqueue::Full(tx, cmd),
            Err(flume::TrySendError::Disconnected(cmd)) => {
                rooms.remove(meeting);
                Enqueue::Retry(cmd)
            }
        }
    }

    fn spawn(&self, stored: StoredMeeting, restored: Restored) -> Slot {
        let StoredMeeting {
            info,
            host_key,
            ended,
        } = stored;
        let generation = self
            .0
            .next_generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (tx, rx) = inbox();
        let meeting = info.id.clone();
        let unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let ice = IceAt {
            settings: self.0.ice.clone(),
            unix,
        };
        let mut room = Room::new(Instant::now(), info, host_key, ice);
        if ended {
            room.mark_ended();
        }
        room.restore(restored);
        let actor = Actor {
            meeting,
            generation,
            room,
            rx,
            conns: HashMap::new(),
            db: self.0.db.clone(),
            registry: self.clone(),
            idle: false,
        };
        tokio::spawn(actor.run());
        Slot { tx, generation }
    }

    /// Who holds session `token` in `meeting`'s live room, if it may present
    /// there now; nobody if the room is not live.
    pub async fn presenter(&self, meeting: &MeetingId, token: ResumeToken) -> Option<PeerId> {
        let tx = self.rooms().get(meeting).map(|slot| slot.tx.clone())?;
        let (reply, answer) = oneshot::channel();
        tx.send_async(Command::Presenter { token, reply })
            .await
            .ok()?;
        answer.await.ok().flatten()
    }

    /// Called by an idle room: forgets it unless commands are waiting for it.
    pub(crate) fn retire(&self, meeting: &MeetingId, generation: u64, inbox: &InboxRx) -> bool {
        let mut rooms = self.rooms();
        if !inbox.is_empty() {
            return false;
        }
        if rooms
            .get(meeting)
            .is_some_and(|s| s.generation == generation)
        {
            rooms.remove(meeting);
        }
        true
    }
}
