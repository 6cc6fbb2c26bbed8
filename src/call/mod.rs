//! The call engine: one async loop per meeting page that owns the signaling
//! socket, the peer connections and the local capture. Browser callbacks, UI
//! commands and socket frames all become [`Event`]s on one channel and are handled
//! one at a time, so negotiation never interleaves. The UI sees only
//! [`crate::state::Action`]s (up) and sends only [`Command`]s (down).

mod js;
mod local;
mod media;
mod peer;
mod signaling;

use crate::error::{CallEnd, MediaError};
use crate::state::{Action, Link};
use futures::channel::mpsc::{self, UnboundedSender};
use futures::StreamExt;
use local::LocalMedia;
use media::Kind;
use peer::{Peer, PeerEvent, Received};
use sala_protocol::{
    ClientMsg, DisplayName, ErrorCode, HostKey, IceServer, MeetingId, PeerId, PeerInfo, ResumeToken, ServerMsg,
    HEARTBEAT_INTERVAL_SECS, HEARTBEAT_TIMEOUT_SECS, PROTOCOL_VERSION,
};
use signaling::{Socket, SocketEvent};
use std::collections::HashMap;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::RtcPeerConnectionState;
use yew::Callback;

pub use signaling::backoff;

/// What the UI asks of the call.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    SetMic(bool),
    SetCamera(bool),
    SelectMic(String),
    SelectCamera(String),
    RetryMedia,
    Join(DisplayName),
    ShareScreen,
    StopShare,
    Leave,
}

enum Event {
    Command(Command),
    Socket(u32, SocketEvent),
    Peer(PeerId, PeerEvent),
    ReconnectDue(u32),
    Heartbeat,
    ScreenEnded,
    DevicesChanged,
    Shutdown,
}

/// Starts the engine for `meeting`. Dropping the handle ends the call and
/// releases camera, microphone and screen.
pub struct CallHandle {
    tx: UnboundedSender<Event>,
}

impl CallHandle {
    pub fn start(meeting: MeetingId, host_key: Option<HostKey>, dispatch: Callback<Action>) -> Self {
        let (tx, mut rx) = mpsc::unbounded();
        let mut engine = Engine::new(meeting, host_key, dispatch, tx.clone());
        wasm_bindgen_futures::spawn_local(async move {
            engine.capture().await;
            while let Some(event) = rx.next().await {
                if !engine.handle(event).await {
                    break;
                }
            }
        });
        Self { tx }
    }

    pub fn callback(&self) -> Callback<Command> {
        let tx = self.tx.clone();
        Callback::from(move |c| drop(tx.unbounded_send(Event::Command(c))))
    }
}

impl Drop for CallHandle {
    fn drop(&mut self) {
        // The engine may already have ended; then there is nobody to tell.
        drop(self.tx.unbounded_send(Event::Shutdown));
    }
}

struct Engine {
    meeting: MeetingId,
    host_key: Option<HostKey>,
    dispatch: Callback<Action>,
    events: UnboundedSender<Event>,
    local: LocalMedia,
    name: Option<DisplayName>,
    me: Option<PeerId>,
    resume: Option<ResumeToken>,
    ice_servers: Vec<IceServer>,
    socket: Option<Socket>,
    generation: u32,
    /// A welcome arrived on the current socket; until then signals are queued.
    ready: bool,
    queued: Vec<ClientMsg>,
    attempt: u32,
    fatal: Option<CallEnd>,
    last_heard_ms: f64,
    heartbeat: Option<gloo_timers::callback::Interval>,
    /// Pending reconnect; dropping it cancels the attempt.
    reconnect: Option<gloo_timers::callback::Timeout>,
    peers: HashMap<PeerId, Peer>,
    screen_ended: Option<Closure<dyn FnMut()>>,
    device_change: Option<Closure<dyn FnMut()>>,
}

const MAX_QUEUED: usize = 512;

impl Engine {
    fn new(meeting: MeetingId, host_key: Option<HostKey>, dispatch: Callback<Action>, events: UnboundedSender<Event>) -> Self {
        Self {
            meeting,
            host_key,
            dispatch,
            events,
            local: LocalMedia::empty(),
            name: None,
            me: None,
            resume: None,
            ice_servers: Vec::new(),
            socket: None,
            generation: 0,
            ready: false,
            queued: Vec::new(),
            attempt: 0,
            fatal: None,
            last_heard_ms: 0.0,
            heartbeat: None,
            reconnect: None,
            peers: HashMap::new(),
            screen_ended: None,
            device_change: None,
        }
    }

    fn emit(&self, action: Action) {
        self.dispatch.emit(action);
    }

    fn sender(&self) -> impl Fn(Event) + Clone + 'static {
        let tx = self.events.clone();
        move |e| drop(tx.unbounded_send(e))
    }

    /// Returns false when the engine is done.
    async fn handle(&mut self, event: Event) -> bool {
        match event {
            Event::Command(cmd) => self.command(cmd).await,
            Event::Socket(generation, ev) if generation == self.generation => self.socket_event(ev).await,
            Event::Socket(..) => {}
            Event::Peer(id, ev) => self.peer_event(id, ev).await,
            Event::ReconnectDue(generation) if generation == self.generation => self.connect(),
            Event::ReconnectDue(_) => {}
            Event::Heartbeat => self.heartbeat(),
            Event::ScreenEnded => self.set_screen(false).await,
            Event::DevicesChanged => self.refresh_devices().await,
            Event::Shutdown => {
                self.end(None);
                return false;
            }
        }
        true
    }

    // ---- local media -------------------------------------------------------

    async fn capture(&mut self) {
        self.emit(Action::MediaRequesting);
        let (mic, camera) = (self.local.mic_id.clone(), self.local.camera_id.clone());
        match media::capture_main(mic.as_deref(), camera.as_deref(), true).await {
            Ok(stream) => {
                self.local.set_track(true, media::first_track(&stream, Kind::Audio));
                self.local.set_track(false, media::first_track(&stream, Kind::Video));
                self.emit(Action::MediaReady {
                    stream: self.local.preview(),
                    camera_id: self.local.camera_id.clone(),
                    mic_id: self.local.mic_id.clone(),
                });
                self.emit_toggles();
                self.watch_devices();
                self.refresh_devices().await;
            }
            Err(err) => self.emit(Action::MediaFailed(err)),
        }
    }

    fn watch_devices(&mut self) {
        let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else { return };
        let send = self.sender();
        let closure = Closure::<dyn FnMut()>::new(move || send(Event::DevicesChanged));
        devices.set_ondevicechange(Some(closure.as_ref().unchecked_ref()));
        self.device_change = Some(closure);
    }

    async fn refresh_devices(&mut self) {
        if let Ok(devices) = media::list_devices().await {
            self.emit(Action::Devices(devices));
        }
    }

    fn emit_toggles(&self) {
        self.emit(Action::LocalToggles { mic: self.local.mic_on && self.local.audio().is_some(), camera: self.local.camera_on() });
    }

    async fn command(&mut self, cmd: Command) {
        match cmd {
            Command::SetMic(on) => {
                if on && self.local.audio().is_none() {
                    self.local.mic_on = true;
                    self.switch_device(Kind::Audio, self.local.mic_id.clone()).await;
                }
                self.local.set_mic_on(on);
            }
            Command::SetCamera(true) if !self.local.camera_on() => {
                self.switch_device(Kind::Video, self.local.camera_id.clone()).await;
            }
            Command::SetCamera(false) if self.local.camera_on() => {
                self.local.set_track(false, None);
                self.replace_on_peers(false).await;
            }
            Command::SetCamera(_) => {}
            Command::SelectMic(id) => self.switch_device(Kind::Audio, Some(id)).await,
            Command::SelectCamera(id) => {
                self.local.camera_id = Some(id.clone());
                if self.local.camera_on() {
                    self.switch_device(Kind::Video, Some(id)).await;
                }
            }
            Command::RetryMedia => return self.capture().await,
            Command::Join(name) => {
                self.name = Some(name);
                self.emit(Action::Joining);
                self.connect();
                return;
            }
            Command::ShareScreen => return self.set_screen(true).await,
            Command::StopShare => return self.set_screen(false).await,
            Command::Leave => return self.end(Some(CallEnd::Left)),
        }
        self.emit(Action::MediaReady { stream: self.local.preview(), camera_id: None, mic_id: None });
        self.emit_toggles();
        self.announce();
    }

    /// Opens `kind` on `device` and puts it on every peer connection.
    async fn switch_device(&mut self, kind: Kind, device: Option<String>) {
        match media::capture_track(kind, device.as_deref()).await {
            Ok(track) => {
                self.local.set_track(kind == Kind::Audio, Some(track));
                self.replace_on_peers(kind == Kind::Audio).await;
            }
            Err(err) => self.emit(Action::MediaFailed(err)),
        }
    }

    async fn replace_on_peers(&self, audio: bool) {
        let track = if audio { self.local.audio() } else { self.local.video() };
        for peer in self.peers.values() {
            if let Err(err) = peer.replace(audio, track).await {
                js::warn("replaceTrack", &err);
            }
        }
    }

    async fn set_screen(&mut self, on: bool) {
        if on == self.local.screen().is_some() {
            return;
        }
        if on {
            let stream = match media::capture_screen().await {
                Ok(stream) => stream,
                Err(MediaError::PermissionDenied | MediaError::DeviceBusy | MediaError::NoDevice) => {
                    return self.emit(Action::ShareRefused);
                }
                Err(err) => return self.emit(Action::MediaFailed(err)),
            };
            let Some(track) = media::first_track(&stream, Kind::Video) else { return };
            let send = self.sender();
            let ended = Closure::<dyn FnMut()>::new(move || send(Event::ScreenEnded));
            track.set_onended(Some(ended.as_ref().unchecked_ref()));
            self.screen_ended = Some(ended);
            self.local.set_screen(Some((track, stream.clone())));
            self.emit(Action::LocalScreen(Some(stream)));
        } else {
            if let Some((track, _)) = self.local.screen() {
                track.set_onended(None);
            }
            self.local.set_screen(None);
            self.screen_ended = None;
            self.emit(Action::LocalScreen(None));
        }
        // Announce before renegotiating so receivers know the screen's stream id
        // by the time its track arrives (the server keeps our messages in order).
        self.announce();
        for peer in self.peers.values_mut() {
            peer.set_screen(self.local.screen());
        }
    }

    fn announce(&mut self) {
        if self.name.is_some() {
            self.send(ClientMsg::Media { media: self.local.announce() });
        }
    }

    // ---- signaling ---------------------------------------------------------

    fn connect(&mut self) {
        let Some(name) = self.name.clone() else { return };
        self.generation += 1;
        self.ready = false;
        let generation = self.generation;
        let send = self.sender();
        let socket = signaling::open(&ws_url(), move |ev| send(Event::Socket(generation, ev)));
        socket.send(&ClientMsg::Join {
            protocol: PROTOCOL_VERSION,
            meeting: self.meeting.clone(),
            name,
            media: self.local.announce(),
            host_key: self.host_key.clone(),
            resume: self.resume.clone(),
        });
        self.socket = Some(socket);
        self.last_heard_ms = js::now_ms();
        if self.heartbeat.is_none() {
            let send = self.sender();
            self.heartbeat = Some(gloo_timers::callback::Interval::new(HEARTBEAT_INTERVAL_SECS as u32 * 1000, move || {
                send(Event::Heartbeat)
            }));
        }
    }

    fn send(&mut self, msg: ClientMsg) {
        match (&self.socket, self.ready) {
            (Some(socket), true) => socket.send(&msg),
            _ if self.queued.len() < MAX_QUEUED => self.queued.push(msg),
            _ => {}
        }
    }

    fn heartbeat(&mut self) {
        if self.socket.is_none() {
            return;
        }
        if js::now_ms() - self.last_heard_ms > (HEARTBEAT_TIMEOUT_SECS * 1000) as f64 {
            // A half-open socket: give up on it as if it had closed.
            let generation = self.generation;
            drop(self.events.unbounded_send(Event::Socket(generation, SocketEvent::Closed(None))));
        } else if self.ready {
            self.send(ClientMsg::Ping { nonce: self.generation });
        }
    }

    async fn socket_event(&mut self, ev: SocketEvent) {
        match ev {
            SocketEvent::Message(msg) => {
                self.last_heard_ms = js::now_ms();
                self.server_message(msg).await;
            }
            SocketEvent::Closed(code) => {
                self.socket = None;
                self.ready = false;
                let end = self.fatal.or_else(|| code.and_then(ErrorCode::from_close_code).and_then(CallEnd::from_error));
                if let Some(end) = end {
                    return self.end(Some(end));
                }
                self.emit(Action::Reconnecting);
                let delay = backoff(self.attempt, js_sys::Math::random());
                self.attempt += 1;
                let (send, generation) = (self.sender(), self.generation);
                self.reconnect = Some(gloo_timers::callback::Timeout::new(delay.as_millis() as u32, move || {
                    send(Event::ReconnectDue(generation))
                }));
            }
        }
    }

    async fn server_message(&mut self, msg: ServerMsg) {
        match msg {
            ServerMsg::Welcome { you, meeting, peers, resume, resumed, ice_servers, .. } => {
                self.attempt = 0;
                self.resume = Some(resume);
                self.ice_servers = ice_servers;
                self.me = Some(you.id);
                if resumed {
                    self.peers.retain(|id, _| peers.iter().any(|p| p.id == *id));
                } else {
                    // A fresh session: we are the newcomer and offer to everyone.
                    self.peers.clear();
                    for info in &peers {
                        self.open_peer(info, true);
                    }
                }
                for info in &peers {
                    self.note_screen(info);
                }
                self.ready = true;
                if let Some(socket) = &self.socket {
                    for msg in self.queued.drain(..) {
                        socket.send(&msg);
                    }
                }
                self.emit(Action::Welcome { me: you, meeting, peers });
            }
            ServerMsg::PeerJoined { peer } => self.emit(Action::PeerJoined(peer)),
            ServerMsg::PeerLeft { peer, .. } => {
                self.peers.remove(&peer);
                self.emit(Action::PeerLeft(peer));
            }
            ServerMsg::PeerMedia { peer, media } => {
                if let Some(p) = self.peers.get_mut(&peer) {
                    p.remote_screen = media.screen.clone();
                }
                self.emit(Action::PeerMedia(peer, media));
            }
            ServerMsg::Signal { from, signal } => {
                if !self.peers.contains_key(&from) {
                    self.open_peer_by_id(from);
                }
                let Some(peer) = self.peers.get_mut(&from) else { return };
                match peer.receive(signal, &self.local).await {
                    Ok(Some(reply)) => self.send(ClientMsg::Signal { to: from, signal: reply }),
                    Ok(None) => {}
                    Err(err) => js::warn("negotiation", &err),
                }
            }
            ServerMsg::Pong { .. } => {}
            ServerMsg::Error { error } => match CallEnd::from_error(error) {
                Some(end) => self.fatal = Some(end),
                None => web_sys::console::warn_1(&format!("server refused a message: {error}").into()),
            },
        }
    }

    // ---- peers -------------------------------------------------------------

    fn open_peer(&mut self, info: &PeerInfo, offer: bool) {
        self.open_peer_by_id(info.id);
        if let Some(peer) = self.peers.get_mut(&info.id) {
            peer.remote_screen = info.media.screen.clone();
            if offer {
                peer.add_local_as_offerer(&self.local);
            }
        }
    }

    fn open_peer_by_id(&mut self, id: PeerId) {
        let Some(me) = self.me else { return };
        let send = self.sender();
        match Peer::new(me, id, &self.ice_servers, move |ev| send(Event::Peer(id, ev))) {
            Ok(peer) => {
                self.peers.insert(id, peer);
            }
            Err(err) => js::warn("RTCPeerConnection", &err),
        }
    }

    fn note_screen(&mut self, info: &PeerInfo) {
        if let Some(peer) = self.peers.get_mut(&info.id) {
            peer.remote_screen = info.media.screen.clone();
        }
    }

    async fn peer_event(&mut self, id: PeerId, ev: PeerEvent) {
        let Some(peer) = self.peers.get_mut(&id) else { return };
        match ev {
            PeerEvent::NegotiationNeeded => match peer.negotiate().await {
                Ok(Some(offer)) => self.send(ClientMsg::Signal { to: id, signal: offer }),
                Ok(None) => {}
                Err(err) => js::warn("offer", &err),
            },
            PeerEvent::Candidate(signal) => self.send(ClientMsg::Signal { to: id, signal }),
            PeerEvent::Track { track, stream } => match peer.receive_track(track, stream) {
                Received::Main(stream) => self.emit(Action::RemoteMain(id, stream)),
                Received::Screen(stream) => self.emit(Action::RemoteScreen(id, stream)),
            },
            PeerEvent::State(state) => {
                let link = match state {
                    RtcPeerConnectionState::Connected => Link::Connected,
                    RtcPeerConnectionState::Failed => {
                        peer.restart_ice();
                        Link::Retrying
                    }
                    RtcPeerConnectionState::Disconnected => Link::Retrying,
                    _ => Link::Connecting,
                };
                self.emit(Action::Link(id, link));
            }
        }
    }

    // ---- the end -----------------------------------------------------------

    fn end(&mut self, end: Option<CallEnd>) {
        if let Some(socket) = &self.socket {
            if self.ready {
                socket.send(&ClientMsg::Leave);
            }
        }
        self.socket = None;
        self.heartbeat = None;
        self.reconnect = None;
        self.peers.clear();
        self.local = LocalMedia::empty();
        self.screen_ended = None;
        if let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) {
            devices.set_ondevicechange(None);
        }
        self.device_change = None;
        self.name = None;
        if let Some(end) = end {
            self.emit(Action::Ended(end));
        }
    }
}

/// `ws(s)://<this host>/ws`.
fn ws_url() -> String {
    let location = web_sys::window().map(|w| w.location());
    let (protocol, host) = location
        .map(|l| (l.protocol().unwrap_or_default(), l.host().unwrap_or_default()))
        .unwrap_or_default();
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ws")
}
