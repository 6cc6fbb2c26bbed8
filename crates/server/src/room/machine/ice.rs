//! Each participant's ICE configuration ([`IceSettings::for_peer`]), and
//! fresh TURN credentials for everyone before the ones they hold expire.

use std::sync::Arc;
use std::time::Instant;

use sala_protocol::{IceConfig, PeerId, Role, ServerMsg};

use super::Room;
use crate::turn::{IceSettings, WallAnchor};

/// The server's ICE settings, and the Unix time at the `now` the room is made with.
#[derive(Clone, Debug)]
pub struct IceAt {
    pub settings: Arc<IceSettings>,
    pub unix: u64,
}

#[derive(Debug)]
pub(super) struct RoomIce {
    settings: Arc<IceSettings>,
    anchor: WallAnchor,
    /// The time of the input being handled (set by `handle_timeout`, which every input passes).
    now: Instant,
    /// When everyone next gets fresh credentials (`None` without TURN).
    next_refresh: Option<Instant>,
}

impl RoomIce {
    pub(super) fn new(now: Instant, at: IceAt) -> Self {
        Self {
            next_refresh: at.settings.refresh_every().map(|every| now + every),
            anchor: WallAnchor {
                at: now,
                unix: at.unix,
            },
            settings: at.settings,
            now,
        }
    }
}

impl Room {
    /// The configuration `id` gets now, for its `role`.
    pub(super) fn ice_for(&self, id: PeerId, role: Role) -> IceConfig {
        let who = format!("{}.{id}", self.meeting.id);
        let unix = self.ice.anchor.unix_at(self.ice.now);
        self.ice.settings.for_peer(unix, &who, role)
    }

    pub(super) fn ice_refresh_due(&self) -> Option<Instant> {
        self.ice
            .next_refresh
            .filter(|_| !self.roster.peers.is_empty())
    }

    /// Notes the time of the input being handled, and at the refresh time
    /// sends everyone attached fresh credentials (their role's policy too).
    pub(super) fn ice_tick(&mut self, now: Instant) {
        self.ice.now = now;
        let (Some(due), Some(every)) = (self.ice.next_refresh, self.ice.settings.refresh_every())
        else {
            return;
        };
        if now < due {
            return;
        }
        self.ice.next_refresh = Some(now + every);
        let attached: Vec<_> = self.roster.attached().collect();
        for (id, conn) in attached {
            // Attached means listed; were it not, it would get nothing.
            let Some(role) = self.roster.peers.get(&id).map(|p| p.info.role) else {
                continue;
            };
            let ice = self.ice_for(id, role);
            self.out.send(conn, ServerMsg::IceRefresh { ice });
        }
    }
}
