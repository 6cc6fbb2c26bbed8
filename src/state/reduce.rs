//! How each [`Action`] changes the [`State`]: the one place the meeting
//! page's data changes.

use super::*;

impl Participant {
    fn new(info: PeerInfo) -> Self {
        Self {
            info,
            main: None,
            screen: None,
            link: Link::Connecting,
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::MediaRequesting => s.media = MediaStatus::Requesting,
            Action::MediaReady {
                stream,
                camera_id,
                mic_id,
            } => {
                s.media = MediaStatus::Ready;
                s.local.stream = Some(stream);
                s.local.device_error = None;
                s.local.camera_id = camera_id.or(s.local.camera_id);
                s.local.mic_id = mic_id.or(s.local.mic_id);
            }
            Action::MediaFailed(err) => {
                s.media = MediaStatus::Failed(err);
                s.local.mic = false;
                s.local.camera = false;
            }
            Action::WatchOnly => {
                s.media = MediaStatus::WatchOnly;
                s.local.stream = None;
                s.local.mic = false;
                s.local.camera = false;
            }
            Action::DeviceFailed(err) => s.local.device_error = Some(err),
            Action::Devices(devices) => s.devices = devices,
            Action::LocalToggles { mic, camera } => {
                s.local.mic = mic;
                s.local.camera = camera;
            }
            Action::LocalScreen(screen) => {
                s.local.share_refused = false;
                s.local.screen = screen;
            }
            Action::ShareRefused => s.local.share_refused = true,
            Action::Joining => s.phase = Phase::Joining,
            Action::NotLoaded => s.phase = Phase::PreJoin(Some(JoinFailure::NotLoaded)),
            Action::Welcome(w) => {
                s.phase = Phase::InCall;
                if w.consultation.is_some() {
                    // Out of the room: nothing of it is ours to answer or show.
                    s.consult_invites.clear();
                    s.oath_asked.clear();
                    s.slides = Slides::default();
                }
                s.consultation = w.consultation;
                s.consultations = w.consultations;
                s.hands = w.hands;
                s.chat = Rc::new(w.chat);
                s.me = Some(w.you);
                s.meeting = Some(w.meeting);
                s.lobby = w.lobby;
                s.lobby_on = w.lobby_on;
                // On a resumed session the peers we still have keep their streams.
                let mut old = std::mem::take(&mut s.peers);
                s.peers = w
                    .peers
                    .into_iter()
                    .map(|info| {
                        let p = match old.remove(&info.id) {
                            Some(existing) => Participant { info, ..existing },
                            None => Participant::new(info),
                        };
                        (p.info.id, p)
                    })
                    .collect();
            }
            Action::Waiting {
                me,
                meeting,
                excused,
            } => {
                s.phase = Phase::Waiting {
                    excused,
                    reconnecting: false,
                };
                s.me = Some(me);
                s.meeting = Some(meeting);
                s.peers.clear();
                s.lobby.clear();
                s.hands.clear();
                s.chat = Rc::default();
                s.oath_asked.clear();
                s.consultation = None;
                s.consultations.clear();
                s.consult_invites.clear();
                s.consult_declined.clear();
                s.locked = false;
                s.slides = Slides::default();
                s.local.screen = None;
            }
            Action::ConsultAnswered(id) => {
                s.consult_invites.remove(&id);
            }
            Action::DismissDeclined(id) => s.consult_declined.retain(|d| d.id != id),
            Action::Server(msg) => server(&mut s, msg),
            Action::Reconnecting => match s.phase {
                Phase::Ended(_) => {}
                Phase::Waiting { excused, .. } => {
                    s.phase = Phase::Waiting {
                        excused,
                        reconnecting: true,
                    }
                }
                _ => s.phase = Phase::Reconnecting,
            },
            Action::RemoteMain(id, stream) => {
                if let Some(p) = s.peers.get_mut(&id) {
                    p.main = Some(stream);
                }
            }
            Action::RemoteScreen(id, stream) => {
                if let Some(p) = s.peers.get_mut(&id) {
                    p.screen = Some(stream);
                }
            }
            Action::Link(id, link) => {
                if let Some(p) = s.peers.get_mut(&id) {
                    p.link = link;
                }
            }
            Action::Quality { send, receive } => {
                s.quality.send = send;
                s.quality.receive = receive;
            }
            Action::DataSaver(saver) => s.quality.saver = saver,
            Action::Usage { bytes_last_hour } => s.quality.bytes_last_hour = bytes_last_hour,
            Action::Presentation(p) => {
                if p.is_none() {
                    s.slides.deck = DeckStatus::None;
                }
                s.slides.presentation = p;
            }
            Action::Deck(deck) => s.slides.deck = deck,
            Action::SlideImage(path, url) => {
                s.slides.images.insert(path, url);
            }
            Action::ScreenStill(id, still) => {
                s.slides.stills.insert(id, still);
            }
            Action::Upload(upload) => s.slides.upload = upload,
            Action::Ended(end) => {
                s.phase = Phase::Ended(end);
                s.peers.clear();
                s.local.stream = None;
                s.local.screen = None;
                s.slides = Slides::default();
            }
        }
        Rc::new(s)
    }
}

/// What the server said that the page shows. The engine forwards only these
/// (the others are its own business, or come as actions of their own): the
/// list is exhaustive so that a new message is placed here or there.
fn server(s: &mut State, msg: ServerMsg) {
    match msg {
        ServerMsg::Knocking { knock } => match s.lobby.iter_mut().find(|k| k.peer == knock.peer) {
            Some(existing) => *existing = knock,
            None => s.lobby.push(knock),
        },
        ServerMsg::KnockEnded { peer } => s.lobby.retain(|k| k.peer != peer),
        ServerMsg::LobbySet { on } => s.lobby_on = on,
        ServerMsg::PeerHold { peer: id, hold } => {
            if let Some(me) = s.me.as_mut().filter(|m| m.id == id) {
                me.hold = hold;
            }
            if let Some(p) = s.peers.get_mut(&id) {
                p.info.hold = hold;
                p.info.media = p.info.media.clone().held(hold);
            }
        }
        ServerMsg::Hands { queue } => s.hands = queue,
        ServerMsg::Chat { message } => Rc::make_mut(&mut s.chat).push(message),
        ServerMsg::OathAsked { peer: id } => {
            s.oath_asked.insert(id);
        }
        ServerMsg::OathTaken { peer: id, form } => {
            s.oath_asked.remove(&id);
            if let Some(me) = s.me.as_mut().filter(|m| m.id == id) {
                me.oath = Some(form);
            }
            if let Some(p) = s.peers.get_mut(&id) {
                p.info.oath = Some(form);
            }
        }
        ServerMsg::PeerRole { peer: id, role } => {
            if let Some(me) = s.me.as_mut().filter(|m| m.id == id) {
                me.role = role;
                if !role.moderates() {
                    s.lobby.clear();
                }
            }
            if let Some(p) = s.peers.get_mut(&id) {
                p.info.role = role;
            }
        }
        ServerMsg::ConsultInvite {
            consultation: id,
            from,
        } => {
            s.consult_invites.insert(id, from);
        }
        ServerMsg::ConsultDeclined { peer: id, .. } => {
            if let Some(p) = s.peers.get(&id) {
                if !s.consult_declined.iter().any(|d| d.id == id) {
                    s.consult_declined.push(p.info.clone());
                }
            }
        }
        ServerMsg::Consultations { list } => s.consultations = list,
        ServerMsg::PeerJoined { peer: info } => {
            s.peers.insert(info.id, Participant::new(info));
        }
        ServerMsg::PeerLeft { peer: id, .. } => {
            s.peers.remove(&id);
            s.slides.stills.remove(&id);
        }
        ServerMsg::PeerMedia { peer: id, media } => {
            if let Some(p) = s.peers.get_mut(&id) {
                if media.screen.is_none() {
                    p.screen = None;
                    s.slides.stills.remove(&id);
                }
                p.info.media = media;
            }
        }
        ServerMsg::RoomLocked { locked } => s.locked = locked,
        ServerMsg::Welcome(_)
        | ServerMsg::Waiting(_)
        | ServerMsg::Ack { .. }
        | ServerMsg::PeerResumed { .. }
        | ServerMsg::IceRefresh { .. }
        | ServerMsg::Signal { .. }
        | ServerMsg::Pong { .. }
        | ServerMsg::Presentation { .. }
        | ServerMsg::ScreenStill { .. }
        | ServerMsg::Error { .. } => {}
    }
}
