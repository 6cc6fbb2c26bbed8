use super::*;
use sala_protocol::{
    DisplayName, LeaveReason, MediaState, MeetingId, MeetingTitle, QualityTier, ResumeToken, Role,
    ServerMsg, StreamId, Welcome,
};

fn peer(id: u64, name: &str) -> PeerInfo {
    PeerInfo {
        id: PeerId(id),
        name: DisplayName::parse(name).unwrap(),
        role: Role::Participant,
        media: MediaState {
            mic: true,
            camera: true,
            screen: None,
            tier: QualityTier::VideoHigh,
            receive: QualityTier::VideoHigh,
            stills_for: Vec::new(),
        },
        hold: sala_protocol::Hold::default(),
        oath: None,
    }
}

fn meeting() -> MeetingInfo {
    MeetingInfo {
        id: MeetingId::from_random([1; 16]),
        title: MeetingTitle::parse("Cabinet").unwrap(),
        kind: sala_protocol::MeetingKind::Meeting,
    }
}

/// A welcome into a room where nothing else is going on.
fn welcome(me: PeerInfo, peers: Vec<PeerInfo>) -> Welcome {
    let resume = ResumeToken::from_random([2; 16]);
    Welcome {
        peers,
        ..Welcome::new(me, meeting(), resume, Default::default())
    }
}

fn run(actions: Vec<Action>) -> Rc<State> {
    actions
        .into_iter()
        .fold(Rc::new(State::default()), |s, a| s.reduce(a))
}

#[test]
fn welcome_then_joins_and_leaves_track_the_roster() {
    let s = run(vec![
        Action::Joining,
        Action::Welcome(welcome(peer(3, "Me"), vec![peer(1, "A"), peer(2, "B")])),
        Action::Server(ServerMsg::PeerJoined { peer: peer(4, "C") }),
        Action::Server(ServerMsg::PeerLeft {
            peer: PeerId(1),
            reason: LeaveReason::Left,
        }),
    ]);
    assert_eq!(s.phase, Phase::InCall);
    assert_eq!(
        s.peers.keys().copied().collect::<Vec<_>>(),
        vec![PeerId(2), PeerId(4)]
    );
    assert!(s.peers.values().all(|p| p.link == Link::Connecting));
}

#[test]
fn resumed_welcome_keeps_link_state_of_known_peers_and_drops_gone_ones() {
    let s = run(vec![
        Action::Welcome(welcome(peer(3, "Me"), vec![peer(1, "A"), peer(2, "B")])),
        Action::Link(PeerId(1), Link::Connected),
        Action::Reconnecting,
        Action::Welcome(welcome(peer(3, "Me"), vec![peer(1, "A renamed")])),
    ]);
    assert_eq!(s.phase, Phase::InCall);
    assert_eq!(s.peers.len(), 1);
    let a = &s.peers[&PeerId(1)];
    assert_eq!(a.link, Link::Connected);
    assert_eq!(a.info.name.as_str(), "A renamed");
}

#[test]
fn media_update_without_screen_clears_the_screen_and_updates_flags() {
    let mut muted = peer(1, "A").media;
    muted.mic = false;
    muted.screen = None;
    let mut sharing = muted.clone();
    sharing.screen = Some(StreamId::try_from("s1".to_owned()).unwrap());
    let s = run(vec![
        Action::Welcome(welcome(peer(2, "Me"), vec![peer(1, "A")])),
        Action::Server(ServerMsg::PeerMedia {
            peer: PeerId(1),
            media: sharing,
        }),
        Action::Server(ServerMsg::PeerMedia {
            peer: PeerId(1),
            media: muted,
        }),
    ]);
    let a = &s.peers[&PeerId(1)];
    assert!(!a.info.media.mic);
    assert!(a.screen.is_none());
    assert!(s.presenter().is_none());
}

#[test]
fn events_for_unknown_peers_are_ignored() {
    let s = run(vec![
        Action::Server(ServerMsg::PeerMedia {
            peer: PeerId(9),
            media: MediaState::default(),
        }),
        Action::Link(PeerId(9), Link::Retrying),
    ]);
    assert!(s.peers.is_empty());
}

#[test]
fn ending_is_final_and_clears_media() {
    let s = run(vec![
        Action::Welcome(welcome(peer(2, "Me"), vec![peer(1, "A")])),
        Action::Ended(CallEnd::Left),
        Action::Reconnecting,
    ]);
    assert_eq!(s.phase, Phase::Ended(CallEnd::Left));
    assert!(s.peers.is_empty());
}

#[test]
fn failed_capture_turns_both_toggles_off() {
    let s = run(vec![Action::MediaFailed(MediaError::PermissionDenied)]);
    assert_eq!(s.media, MediaStatus::Failed(MediaError::PermissionDenied));
    assert!(!s.local.mic && !s.local.camera);
}

fn knock(id: u64, link: sala_protocol::LinkQuality) -> Knock {
    Knock {
        peer: PeerId(id),
        name: DisplayName::parse("Witness").unwrap(),
        role: Role::Witness,
        link,
        excused: false,
    }
}

#[test]
fn the_lobby_list_follows_knocks_their_updates_and_their_end() {
    use sala_protocol::LinkQuality::{Fair, Unknown};
    let s = run(vec![
        Action::Welcome(Welcome {
            lobby: vec![knock(2, Unknown)],
            lobby_on: true,
            ..welcome(peer(1, "Judge"), vec![])
        }),
        Action::Server(ServerMsg::Knocking {
            knock: knock(3, Unknown),
        }),
        Action::Server(ServerMsg::Knocking {
            knock: knock(2, Fair),
        }),
        Action::Server(ServerMsg::KnockEnded { peer: PeerId(3) }),
    ]);
    assert!(s.lobby_on);
    assert_eq!(s.lobby, vec![knock(2, Fair)]);
}

#[test]
fn sent_back_to_the_lobby_nothing_of_the_room_stays() {
    let s = run(vec![
        Action::Welcome(Welcome {
            lobby_on: true,
            ..welcome(peer(3, "Witness"), vec![peer(1, "Judge")])
        }),
        Action::Server(ServerMsg::RoomLocked { locked: true }),
        Action::Waiting {
            me: peer(3, "Witness"),
            meeting: meeting(),
            excused: true,
        },
    ]);
    assert_eq!(
        s.phase,
        Phase::Waiting {
            excused: true,
            reconnecting: false
        }
    );
    assert!(s.peers.is_empty());
    assert!(!s.locked);
    // A dropped socket keeps us on the waiting screen, not the room.
    let s = s.reduce(Action::Reconnecting);
    assert_eq!(
        s.phase,
        Phase::Waiting {
            excused: true,
            reconnecting: true
        }
    );
}
