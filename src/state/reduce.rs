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
            Action::Knocking(knock) => match s.lobby.iter_mut().find(|k| k.peer == knock.peer) {
                Some(existing) => *existing = knock,
                None => s.lobby.push(knock),
            },
            Action::KnockEnded(peer) => s.lobby.retain(|k| k.peer != peer),
            Action::LobbySet(on) => s.lobby_on = on,
            Action::PeerHold(id, hold) => {
                if let Some(me) = s.me.as_mut().filter(|m| m.id == id) {
                    me.hold = hold;
                }
                if let Some(p) = s.peers.get_mut(&id) {
                    p.info.hold = hold;
                    p.info.media = p.info.media.clone().held(hold);
                }
            }
            Action::Hands(queue) => s.hands = queue,
            Action::Chat(message) => Rc::make_mut(&mut s.chat).push(message),
            Action::OathAsked(id) => {
                s.oath_asked.insert(id);
            }
            Action::OathTaken(id, form) => {
                s.oath_asked.remove(&id);
                if let Some(me) = s.me.as_mut().filter(|m| m.id == id) {
                    me.oath = Some(form);
                }
                if let Some(p) = s.peers.get_mut(&id) {
                    p.info.oath = Some(form);
                }
            }
            Action::PeerRole(id, role) => {
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
            Action::ConsultInvite(id, from) => {
                s.consult_invites.insert(id, from);
            }
            Action::ConsultAnswered(id) => {
                s.consult_invites.remove(&id);
            }
            Action::ConsultDeclined(id) => {
                if let Some(p) = s.peers.get(&id) {
                    if !s.consult_declined.iter().any(|d| d.id == id) {
                        s.consult_declined.push(p.info.clone());
                    }
                }
            }
            Action::DismissDeclined(id) => s.consult_declined.retain(|d| d.id != id),
            Action::Consultations(list) => s.consultations = list,
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
            Action::PeerJoined(info) => {
                s.peers.insert(info.id, Participant::new(info));
            }
            Action::PeerLeft(id) => {
                s.peers.remove(&id);
                s.slides.stills.remove(&id);
            }
            Action::PeerMedia(id, media) => {
                if let Some(p) = s.peers.get_mut(&id) {
                    if media.screen.is_none() {
                        p.screen = None;
                        s.slides.stills.remove(&id);
                    }
                    p.info.media = media;
                }
            }
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
            Action::RoomLocked(locked) => s.locked = locked,
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
