use super::*;
use serde_json::json;

fn name(s: &str) -> DisplayName {
    DisplayName::parse(s).unwrap()
}

fn meeting() -> MeetingId {
    MeetingId::from_random([7; 16])
}

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

#[test]
fn every_client_message_round_trips() {
    let media = MediaState {
        mic: true,
        camera: false,
        screen: None,
        tier: QualityTier::VideoLow,
        receive: QualityTier::VideoHigh,
        stills_for: Vec::new(),
    };
    for msg in [
        ClientMsg::Join {
            protocol: PROTOCOL_VERSION,
            meeting: meeting(),
            name: name("Sokha ចាន់"),
            media: media.clone(),
            host_key: Some(HostKey::from_random([1; 16])),
            resume: Some(ResumeToken::from_random([2; 16])),
            invite: Some(InviteToken::parse("v1.eyJtIjoxfQ.c2ln-_").unwrap()),
            holder: Some(HolderKey::from_random([3; 16])),
        },
        ClientMsg::Signal {
            to: PeerId(3),
            signal: Signal::Description {
                sdp_type: SdpType::Offer,
                sdp: "v=0\r\n".into(),
            },
        },
        ClientMsg::Signal {
            to: PeerId(4),
            signal: Signal::Candidate {
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
    let peer = PeerInfo {
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
    };
    for msg in [
        ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            you: peer.clone(),
            meeting: MeetingInfo {
                id: meeting(),
                title: MeetingTitle::parse("Cabinet").unwrap(),
                kind: MeetingKind::Hearing,
            },
            peers: vec![peer.clone()],
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
                members: vec![peer.clone()],
            }],
            acked: 41,
        },
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
        ServerMsg::Waiting {
            protocol: PROTOCOL_VERSION,
            you: peer.clone(),
            meeting: MeetingInfo {
                id: meeting(),
                title: MeetingTitle::parse("Case").unwrap(),
                kind: MeetingKind::Meeting,
            },
            resume: ResumeToken::from_random([4; 16]),
            resumed: true,
            acked: 0,
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
                sdp_type: SdpType::Answer,
                sdp: "v=0".into(),
            },
        },
        ServerMsg::Signal {
            from: PeerId(3),
            signal: Signal::Candidate {
                candidate: "candidate:1 1 udp 1 10.0.0.1 5000 typ host".into(),
                sdp_mid: Some("0".into()),
                sdp_m_line_index: Some(0),
            },
        },
        ServerMsg::Signal {
            from: PeerId(3),
            signal: Signal::Candidate {
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

/// Decodes with the client's decoder. Raw text, since `json!` sorts keys.
fn tag_first(text: &str) -> Result<ServerMsg, String> {
    serde_json::from_str::<TagFirst<ServerMsg>>(text)
        .map(|m| m.0)
        .map_err(|e| e.to_string())
}

#[test]
fn tag_first_reads_fields_like_the_derive() {
    // Unknown fields are skipped, at any depth and of any shape.
    assert_eq!(
        tag_first(r#"{"type": "pong", "extra": [1, {"a": null}], "nonce": 4, "more": 1.5}"#),
        Ok(ServerMsg::Pong { nonce: 4 })
    );
    // Missing `Option` fields are `None`; the nested tag comes first too.
    assert_eq!(
        tag_first(
            r#"{"type": "signal", "from": 2, "signal": {"kind": "candidate", "candidate": "c"}}"#
        ),
        Ok(ServerMsg::Signal {
            from: PeerId(2),
            signal: Signal::Candidate {
                candidate: "c".into(),
                sdp_mid: None,
                sdp_m_line_index: None
            }
        })
    );
    assert_eq!(
        tag_first(
            r#"{"type": "error", "error": {"code": "unsupported_protocol", "server": 1, "client": 2}}"#
        ),
        Ok(ServerMsg::Error {
            error: ErrorCode::UnsupportedProtocol {
                client: 2,
                server: 1
            }
        })
    );
    // Field types keep their own rules (here `tier` defaults).
    assert_eq!(
        tag_first(
            r#"{"type": "peer_media", "media": {"mic": true, "camera": false, "screen": null}, "peer": 1}"#
        ),
        Ok(ServerMsg::PeerMedia {
            peer: PeerId(1),
            media: MediaState {
                mic: true,
                camera: false,
                screen: None,
                tier: QualityTier::VideoHigh,
                receive: QualityTier::VideoHigh,
                stills_for: Vec::new(),
            }
        })
    );
}

#[test]
fn tag_first_refuses_what_the_derive_refuses() {
    for (case, why) in [
        (r#"{"type": "pong"}"#, "missing field `nonce`"),
        (
            r#"{"type": "pong", "nonce": 1, "nonce": 2}"#,
            "duplicate field `nonce`",
        ),
        (r#"{"type": "shout"}"#, "unknown variant `shout`"),
        (
            r#"{"type": "signal", "from": 1, "signal": {"kind": "whisper"}}"#,
            "unknown variant `whisper`",
        ),
        (
            r#"{"type": "error", "error": {"code": "nope"}}"#,
            "unknown variant `nope`",
        ),
        (
            r#"{"type": "peer_left", "peer": -1, "reason": "left"}"#,
            "invalid value",
        ),
        (
            r#"{"type": "peer_joined", "peer": {"id": 1, "name": " ", "role": "host", "media": {"mic": true, "camera": true, "screen": null}}}"#,
            "empty",
        ),
        (r#"{"type": 5}"#, "invalid type"),
        (r#"{"type": "pong", "nonce": 1"#, "EOF"),
    ] {
        assert!(
            serde_json::from_str::<ServerMsg>(case).is_err(),
            "the derive accepts {case}"
        );
        let err = tag_first(case).unwrap_err();
        assert!(err.contains(why), "{case}: {err}");
    }
}

#[test]
fn tag_first_needs_the_tag_first_as_serde_writes_it() {
    // serde_json keeps the written order; the derive writes the tag first.
    let text = serde_json::to_string(&ServerMsg::Pong { nonce: 1 }).unwrap();
    assert!(text.starts_with(r#"{"type":"#), "{text}");
    let late = r#"{"nonce":1,"type":"pong"}"#;
    assert_eq!(
        serde_json::from_str::<ServerMsg>(late).unwrap(),
        ServerMsg::Pong { nonce: 1 }
    );
    let err = serde_json::from_str::<TagFirst<ServerMsg>>(late)
        .unwrap_err()
        .to_string();
    assert!(err.contains("`type` must be the first field"), "{err}");
    // Nor does it take the sequence form the derive also reads (and JSON writers never write).
    assert!(serde_json::from_str::<ServerMsg>(r#"["pong", 1]"#).is_ok());
    assert!(tag_first(r#"["pong", 1]"#)
        .unwrap_err()
        .contains("invalid type"));
}

/// The JSON shape is the contract with other implementations: pin it.
#[test]
fn wire_shape_is_tagged_snake_case() {
    let msg = ClientMsg::Signal {
        to: PeerId(5),
        signal: Signal::Candidate {
            candidate: "c".into(),
            sdp_mid: None,
            sdp_m_line_index: Some(1),
        },
    };
    assert_eq!(
        serde_json::to_value(&msg).unwrap(),
        json!({"type": "signal", "to": 5, "signal": {"kind": "candidate", "candidate": "c", "sdp_mid": null, "sdp_m_line_index": 1}})
    );
    assert_eq!(
        serde_json::to_value(ServerMsg::Error {
            error: ErrorCode::UnknownMeeting
        })
        .unwrap(),
        json!({"type": "error", "error": {"code": "unknown_meeting"}})
    );
    assert_eq!(
        serde_json::to_value(ClientMsg::Leave).unwrap(),
        json!({"type": "leave"})
    );
}

#[test]
fn invalid_fields_are_refused_at_deserialize() {
    let id = meeting();
    let cases = [
        json!({"type": "join", "protocol": 1, "meeting": "short", "name": "A", "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "join", "protocol": 1, "meeting": id, "name": "   ", "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "join", "protocol": 1, "meeting": id, "name": "a\u{0007}b", "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "join", "protocol": 1, "meeting": id, "name": "x".repeat(65), "media": {"mic": true, "camera": true, "screen": null}}),
        json!({"type": "media", "media": {"mic": true, "camera": true, "screen": "has space"}}),
        json!({"type": "signal", "to": -1, "signal": {"kind": "candidate", "candidate": "c"}}),
        json!({"type": "shout"}),
    ];
    for case in cases {
        assert!(
            serde_json::from_value::<ClientMsg>(case.clone()).is_err(),
            "accepted {case}"
        );
    }
}

#[test]
fn missing_tier_defaults_to_high_for_older_clients() {
    let media: MediaState =
        serde_json::from_value(json!({"mic": false, "camera": true, "screen": null})).unwrap();
    assert_eq!(media.tier, QualityTier::VideoHigh);
}

#[test]
fn ids_encode_128_bits_and_parse_back() {
    let a = MeetingId::from_random([0xff; 16]);
    let b = MeetingId::from_random([0; 16]);
    assert_eq!(a.as_str().len(), 26);
    assert_eq!(a.as_str(), "h".to_owned() + &"7".repeat(25));
    assert_eq!(b.as_str(), "a".repeat(26));
    assert_ne!(
        MeetingId::from_random([1; 16]),
        MeetingId::from_random([2; 16])
    );
    assert_eq!(MeetingId::parse(a.as_str()).unwrap(), a);
    assert_eq!(
        MeetingId::parse("A".repeat(26).as_str()),
        Err(IdError::Alphabet)
    );
    assert_eq!(
        MeetingId::parse(&"z".repeat(26)),
        Err(IdError::Alphabet),
        "top bits overflow 128"
    );
    assert_eq!(
        MeetingId::parse("abc"),
        Err(IdError::Length { expected: 26 })
    );
}

#[test]
fn secrets_do_not_leak_through_debug() {
    let key = HostKey::from_random([9; 16]);
    assert!(!format!("{key:?}").contains(key.as_str()));
    assert!(!format!("{:?}", ResumeToken::from_random([9; 16])).contains("bbbb"));
}

#[test]
fn text_is_trimmed_and_bounded_in_characters() {
    assert_eq!(name("  Vanna  ").as_str(), "Vanna");
    // 64 Khmer characters are 192 bytes but still fit.
    assert!(DisplayName::parse(&"ក".repeat(64)).is_ok());
    assert_eq!(
        DisplayName::parse(&"ក".repeat(65)),
        Err(TextError::TooLong { max: 64 })
    );
    assert_eq!(MeetingTitle::parse(""), Err(TextError::Empty));
}

#[test]
fn polite_role_is_antisymmetric() {
    let (a, b) = (PeerId(1), PeerId(2));
    assert!(b.is_polite_towards(a));
    assert!(!a.is_polite_towards(b));
}

#[test]
fn fatal_errors_map_to_close_codes_and_back() {
    for code in [
        ErrorCode::UnknownMeeting,
        ErrorCode::MeetingFull,
        ErrorCode::BadHostKey,
        ErrorCode::RateLimited,
        ErrorCode::SessionReplaced,
        ErrorCode::Removed,
        ErrorCode::MeetingEnded,
        ErrorCode::RoomLocked,
        ErrorCode::Denied,
        ErrorCode::RecordUnavailable,
    ]
    .into_iter()
    .chain(InviteRefusal::ALL.map(|reason| ErrorCode::InviteRefused { reason }))
    {
        let close = code.close_code().unwrap();
        assert_eq!(ErrorCode::from_close_code(close), Some(code));
    }
    let codes: std::collections::HashSet<u16> =
        InviteRefusal::ALL.iter().map(|r| r.close_code()).collect();
    assert_eq!(
        codes.len(),
        InviteRefusal::ALL.len(),
        "one close code per refusal"
    );
    assert_eq!(ErrorCode::Malformed.close_code(), None);
    assert_eq!(ErrorCode::from_close_code(1000), None);
}

fn image_id(fill: char) -> ImageId {
    ImageId::try_from(fill.to_string().repeat(64)).unwrap()
}

fn still() -> SlidePage {
    SlidePage::try_from(vec![
        Rendition {
            id: image_id('a'),
            format: ImageFormat::Png,
            width: 480,
            height: 270,
            bytes: 6_000,
        },
        Rendition {
            id: image_id('b'),
            format: ImageFormat::Webp,
            width: 960,
            height: 540,
            bytes: 15_000,
        },
    ])
    .unwrap()
}

fn presentation() -> Presentation {
    Presentation {
        presenter: PeerId(2),
        deck: DeckId::from_random([6; 16]),
        pages: 12,
        page: 3,
    }
}

#[test]
fn slide_pages_check_themselves() {
    let page = still();
    assert_eq!(page.within_bytes(10_000).width, 480);
    assert_eq!(page.within_bytes(20_000).width, 960);
    assert_eq!(
        page.within_bytes(100).width,
        480,
        "the smallest when none fits"
    );
    assert_eq!(page.for_width(500).width, 960);
    assert_eq!(page.for_width(4000).width, 960);
    assert_eq!(
        page.renditions()[0].path(),
        format!("/api/slides/{}.png", "a".repeat(64))
    );
    let mut wrong = Vec::from(page);
    wrong.reverse();
    assert_eq!(SlidePage::try_from(wrong), Err(SlidePageError::Order));
    assert_eq!(SlidePage::try_from(vec![]), Err(SlidePageError::Count));
    assert!(serde_json::from_str::<ImageId>(&format!("\"{}\"", "A".repeat(64))).is_err());
    assert!(serde_json::from_str::<ImageId>("\"abc\"").is_err());
    assert!(serde_json::from_str::<SlidePage>("[]").is_err());
}

#[test]
fn roles_and_refusals_have_pinned_names() {
    for role in Role::ALL {
        assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
    }
    // Records written before roles call a meeting's guest "guest".
    assert_eq!(
        serde_json::from_str::<Role>("\"guest\"").unwrap(),
        Role::Participant
    );
    assert_eq!(
        serde_json::to_string(&ServerMsg::Error {
            error: ErrorCode::InviteRefused {
                reason: InviteRefusal::AlreadyUsed
            }
        })
        .unwrap(),
        r#"{"type":"error","error":{"code":"invite_refused","reason":"already_used"}}"#
    );
    for reason in InviteRefusal::ALL {
        assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
    }
}

#[test]
fn invite_tokens_are_url_safe_and_bounded() {
    assert!(InviteToken::parse("v1.abc-_DEF.xyz").is_ok());
    for bad in ["", "v1.a b", "v1.a+b", "v1.a/b", "v1.a=b"] {
        assert!(InviteToken::parse(bad).is_err(), "{bad:?}");
    }
    assert!(InviteToken::parse(&"a".repeat(InviteToken::MAX_LEN)).is_ok());
    assert_eq!(
        InviteToken::parse(&"a".repeat(InviteToken::MAX_LEN + 1)),
        Err(IdError::Span {
            max: InviteToken::MAX_LEN
        })
    );
    assert_eq!(
        format!("{:?}", InviteToken::parse("v1.secret").unwrap()),
        "InviteToken(..)"
    );
    assert_eq!(
        format!("{:?}", HolderKey::from_random([1; 16])),
        "HolderKey(..)"
    );
}
