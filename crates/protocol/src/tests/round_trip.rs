//! Every message survives serde both ways, and the client's decoder reads
//! what the server writes.

use super::*;

fn round_trip_client(msg: ClientMsg) {
    let text = serde_json::to_string(&msg).unwrap();
    assert_eq!(
        serde_json::from_str::<ClientMsg>(&text).unwrap(),
        msg,
        "{text}"
    );
}

fn round_trip_server(msg: ServerMsg) {
    let text = serde_json::to_string(&msg).unwrap();
    // `tag()` names the `type` the derive writes (and the decoder matches on).
    let value = serde_json::to_value(&msg).unwrap();
    assert_eq!(serde_json::to_value(msg.tag()).unwrap(), value["type"]);
    match &msg {
        ServerMsg::Signal { signal, .. } => {
            assert_eq!(
                serde_json::to_value(signal.tag()).unwrap(),
                value["signal"]["kind"]
            );
        }
        ServerMsg::Error { error } => {
            assert_eq!(
                serde_json::to_value(error.tag()).unwrap(),
                value["error"]["code"]
            );
        }
        _ => {}
    }
    assert_eq!(
        serde_json::from_str::<ServerMsg>(&text).unwrap(),
        msg,
        "{text}"
    );
    // The client's one-pass decoder reads the same text to the same message.
    assert_eq!(
        serde_json::from_str::<TagFirst<ServerMsg>>(&text).unwrap(),
        TagFirst(msg),
        "{text}"
    );
}

/// A `Join` with every field set (pinned in `wire.rs`).
pub(super) fn join() -> Join {
    let media = MediaState {
        mic: true,
        camera: false,
        screen: None,
        tier: QualityTier::VideoLow,
        receive: QualityTier::VideoHigh,
        stills_for: Vec::new(),
    };
    Join {
        protocol: PROTOCOL_VERSION,
        meeting: meeting(),
        name: name("Sokha ចាន់"),
        media,
        host_key: Some(HostKey::from_random([1; 16])),
        resume: Some(ResumeToken::from_random([2; 16])),
        invite: Some(InviteToken::parse("v1.eyJtIjoxfQ.c2ln-_").unwrap()),
        holder: Some(HolderKey::from_random([3; 16])),
    }
}

fn peer() -> PeerInfo {
    PeerInfo {
        id: PeerId(1),
        name: name("Dara"),
        role: Role::Host,
        media: MediaState {
            mic: true,
            camera: true,
            screen: Some(StreamId::try_from("{abc-123}".to_owned()).unwrap()),
            tier: QualityTier::VideoHigh,
            receive: QualityTier::VideoHigh,
            stills_for: Vec::new(),
        },
        hold: Hold {
            mic: true,
            camera: false,
        },
        oath: Some(OathForm::Oath),
    }
}

/// A `Welcome` with every field set (pinned in `wire.rs`).
pub(super) fn welcome() -> Welcome {
    Welcome {
        protocol: PROTOCOL_VERSION,
        you: peer(),
        meeting: MeetingInfo {
            id: meeting(),
            title: MeetingTitle::parse("Cabinet").unwrap(),
            kind: MeetingKind::Hearing,
        },
        peers: vec![peer()],
        resume: ResumeToken::from_random([3; 16]),
        resumed: false,
        transport: Transport::Mesh,
        ice: Box::new(IceConfig {
            servers: vec![IceServer {
                urls: vec!["turn:example.org:3478?transport=udp".into()],
                username: Some("1700003600:abc.7".into()),
                credential: Some("wXp/Re6fBjGULHT1tk0ldSXmKOk=".into()),
            }],
            policy: IcePolicy::Relay,
        }),
        presentation: Some(presentation()),
        lobby: vec![Knock {
            peer: PeerId(9),
            name: DisplayName::parse("Witness").unwrap(),
            role: Role::Witness,
            link: LinkQuality::Fair,
            excused: true,
        }],
        lobby_on: true,
        hands: vec![PeerId(4), PeerId(2)],
        chat: vec![ChatMessage {
            from: PeerId(2),
            name: DisplayName::parse("Clerk").unwrap(),
            text: ChatText::parse("Please state your name\nfor the record.").unwrap(),
        }],
        consultation: Some(ConsultationId(2)),
        consultations: vec![Consultation {
            id: ConsultationId(1),
            members: vec![peer()],
        }],
        acked: 41,
    }
}

/// A `Waiting` (pinned in `wire.rs`).
pub(super) fn waiting() -> Waiting {
    Waiting {
        protocol: PROTOCOL_VERSION,
        you: peer(),
        meeting: MeetingInfo {
            id: meeting(),
            title: MeetingTitle::parse("Case").unwrap(),
            kind: MeetingKind::Meeting,
        },
        resume: ResumeToken::from_random([4; 16]),
        resumed: true,
        acked: 0,
    }
}

#[test]
fn every_client_message_round_trips() {
    let media = join().media;
    for msg in [
        ClientMsg::Join(join()),
        ClientMsg::Signal {
            to: PeerId(3),
            signal: Signal::Description {
                generation: Generation(0),
                sdp_type: SdpType::Offer,
                sdp: "v=0\r\n".into(),
            },
        },
        ClientMsg::Signal {
            to: PeerId(4),
            signal: Signal::Candidate {
                generation: Generation(0),
                candidate: "candidate:1 1 udp 1 10.0.0.1 5000 typ host".into(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
            },
        },
        ClientMsg::Media { media },
        ClientMsg::Ping {
            nonce: 9,
            rtt_ms: None,
        },
        ClientMsg::Leave,
        ClientMsg::Remove { peer: PeerId(4) },
        ClientMsg::Lock { locked: true },
        ClientMsg::EndMeeting,
        ClientMsg::Ping {
            nonce: 10,
            rtt_ms: Some(340),
        },
        ClientMsg::Admit { peer: PeerId(5) },
        ClientMsg::AdmitAll,
        ClientMsg::Deny { peer: PeerId(6) },
        ClientMsg::Excuse { peer: PeerId(7) },
        ClientMsg::SetLobby { on: true },
        ClientMsg::Hold {
            peer: PeerId(3),
            hold: Hold {
                mic: true,
                camera: false,
            },
        },
        ClientMsg::MuteAll,
        ClientMsg::AskOath { peer: PeerId(3) },
        ClientMsg::Reliable {
            seq: 7,
            msg: Box::new(ClientMsg::Lock { locked: false }),
        },
        ClientMsg::TakeOath {
            form: OathForm::Affirmation,
            lang: Language::Km,
        },
        ClientMsg::Chat {
            text: ChatText::parse("Two\nlines").unwrap(),
        },
        ClientMsg::RaiseHand { up: true },
        ClientMsg::LowerHand { peer: PeerId(3) },
        ClientMsg::Present {
            deck: DeckId::from_random([5; 16]),
            page: 2,
        },
        ClientMsg::TurnPage { page: 3 },
        ClientMsg::StopPresenting,
        ClientMsg::ScreenStill { still: still() },
    ] {
        round_trip_client(msg);
    }
}

#[test]
fn every_server_message_round_trips() {
    let peer = peer();
    for msg in [
        ServerMsg::Welcome(welcome()),
        ServerMsg::Waiting(waiting()),
        ServerMsg::Ack { seq: 42 },
        ServerMsg::PeerRole {
            peer: PeerId(4),
            role: Role::CoHost,
        },
        ServerMsg::ConsultInvite {
            consultation: ConsultationId(1),
            from: PeerId(4),
        },
        ServerMsg::ConsultDeclined {
            consultation: ConsultationId(1),
            peer: PeerId(5),
        },
        ServerMsg::Consultations { list: vec![] },
        ServerMsg::Chat {
            message: ChatMessage {
                from: PeerId(4),
                name: DisplayName::parse("Counsel").unwrap(),
                text: ChatText::parse("<script>alert(1)</script>").unwrap(),
            },
        },
        ServerMsg::PeerHold {
            peer: PeerId(4),
            hold: Hold {
                mic: true,
                camera: true,
            },
        },
        ServerMsg::Hands {
            queue: vec![PeerId(2)],
        },
        ServerMsg::OathAsked { peer: PeerId(3) },
        ServerMsg::OathTaken {
            peer: PeerId(3),
            form: OathForm::Oath,
        },
        ServerMsg::Knocking {
            knock: Knock {
                peer: PeerId(3),
                name: DisplayName::parse("Counsel").unwrap(),
                role: Role::Participant,
                link: LinkQuality::Unknown,
                excused: false,
            },
        },
        ServerMsg::KnockEnded { peer: PeerId(3) },
        ServerMsg::LobbySet { on: false },
        ServerMsg::Presentation {
            presentation: Some(presentation()),
        },
        ServerMsg::Presentation { presentation: None },
        ServerMsg::ScreenStill {
            peer: PeerId(4),
            still: still(),
        },
        ServerMsg::PeerJoined { peer: peer.clone() },
        ServerMsg::PeerLeft {
            peer: PeerId(1),
            reason: LeaveReason::Lost,
        },
        ServerMsg::PeerLeft {
            peer: PeerId(2),
            reason: LeaveReason::Removed,
        },
        ServerMsg::PeerMedia {
            peer: PeerId(1),
            media: MediaState::default(),
        },
        ServerMsg::PeerResumed { peer: PeerId(1) },
        ServerMsg::IceRefresh {
            ice: IceConfig::default(),
        },
        ServerMsg::Signal {
            from: PeerId(2),
            signal: Signal::Description {
                generation: Generation(0),
                sdp_type: SdpType::Answer,
                sdp: "v=0".into(),
            },
        },
        ServerMsg::Signal {
            from: PeerId(3),
            signal: Signal::Candidate {
                generation: Generation(0),
                candidate: "candidate:1 1 udp 1 10.0.0.1 5000 typ host".into(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
            },
        },
        ServerMsg::Signal {
            from: PeerId(3),
            signal: Signal::Candidate {
                generation: Generation(0),
                candidate: String::new(),
                sdp_mid: None,
                sdp_m_line_index: None,
            },
        },
        ServerMsg::Pong { nonce: 1 },
        ServerMsg::Error {
            error: ErrorCode::UnsupportedProtocol {
                client: 9,
                server: 1,
            },
        },
        ServerMsg::Error {
            error: ErrorCode::TooLarge {
                limit: MAX_FRAME_BYTES,
            },
        },
    ] {
        round_trip_server(msg);
    }
    for error in [
        ErrorCode::UnknownMeeting,
        ErrorCode::Malformed,
        ErrorCode::NotJoined,
        ErrorCode::AlreadyJoined,
        ErrorCode::UnknownPeer,
        ErrorCode::MeetingFull,
        ErrorCode::ResumeExpired,
        ErrorCode::BadHostKey,
        ErrorCode::RateLimited,
        ErrorCode::ShuttingDown,
        ErrorCode::SessionReplaced,
        ErrorCode::UnknownDeck,
        ErrorCode::NoSuchPage,
        ErrorCode::NotPresenter,
        ErrorCode::NotSharing,
        ErrorCode::NotAllowed,
        ErrorCode::NoSuchConsultation,
        ErrorCode::InConsultation,
        ErrorCode::Removed,
        ErrorCode::MeetingEnded,
        ErrorCode::RoomLocked,
        ErrorCode::Denied,
        ErrorCode::RoomFull,
        ErrorCode::NotWaiting,
        ErrorCode::HearingLobby,
        ErrorCode::OutOfSequence { expected: 4 },
        ErrorCode::RecordUnavailable,
        ErrorCode::SlowDown,
    ]
    .into_iter()
    .chain(InviteRefusal::ALL.map(|reason| ErrorCode::InviteRefused { reason }))
    {
        round_trip_server(ServerMsg::Error { error });
    }
    round_trip_server(ServerMsg::RoomLocked { locked: true });
}
