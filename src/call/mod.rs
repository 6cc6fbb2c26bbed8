//! The call engine: one async loop per meeting page that owns the signaling
//! socket, the peer connections and the local capture. Browser callbacks, UI
//! commands and socket frames all become [`Event`]s on one channel and are handled
//! one at a time, so negotiation never interleaves. The UI sees only
//! [`crate::state::Action`]s (up) and sends only [`Command`]s (down).

mod attempt;
mod capture;
mod image_queue;
mod join_screen;
mod js;
mod limits;
mod local;
mod media;
mod mesh;
mod peer;
mod place;
mod quality;
mod sdp;
mod session;
mod signaling;
mod slides;
mod stats;

use crate::error::CallEnd;
use crate::pass::{self, Pass};
use crate::sorted_map::SortedMap;
use crate::state::{Action, DataSaver};
use capture::Applied;
use futures::channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures::future::LocalBoxFuture;
use futures::StreamExt;
use local::LocalMedia;
use media::Kind;
use peer::{Peer, PeerEvent};
use sala_protocol::{
    ClientMsg, ConsultationId, DisplayName, Hold, HolderKey, IceConfig, MeetingId, PeerId,
};
use sala_session::{Session, SocketId};
use signaling::{Socket, SocketEvent};
use wasm_bindgen::closure::Closure;
use yew::Callback;

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
    SetDataSaver(DataSaver),
    /// Upload a PDF or picture and present it.
    PresentFile(web_sys::File),
    /// Send the server this control as it is, numbered: a host's control,
    /// a hand, a chat line, a page turned, an oath taken. Not for what the
    /// engine sends itself (`Join`, `Ping`, `Media`, `Signal`, `Present`,
    /// `ScreenStill`, `Leave`, `Reliable`).
    Send(ClientMsg),
    /// Accept or decline a private consultation we were asked to.
    AnswerConsult(ConsultationId, bool),
    /// The notice that someone declined our consultation was read.
    DismissDeclined(PeerId),
    Leave,
}

enum Event {
    Command(Command),
    Socket(SocketId, SocketEvent),
    /// From the connection of that generation to that participant.
    Peer(PeerId, sala_protocol::Generation, PeerEvent),
    /// The session's deadline (a heartbeat, a reconnect).
    Timer,
    QualityTick,
    ScreenEnded,
    DevicesChanged,
    Slides(slides::SlideEvent),
    Shutdown,
}

/// Starts the engine for `meeting`. Dropping the handle ends the call and
/// releases camera, microphone and screen.
pub struct CallHandle {
    tx: UnboundedSender<Event>,
}

impl CallHandle {
    pub fn start(meeting: MeetingId, pass: Pass, dispatch: Callback<Action>) -> Self {
        let (tx, rx) = mpsc::unbounded();
        let engine = Engine::new(meeting, pass, dispatch, tx.clone());
        wasm_bindgen_futures::spawn_local(engine.before_join(rx));
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

/// The engine past the join screen's Join, handed to the in-call code
/// (`crate::joined`: a wasm chunk of its own in the release build).
pub struct Handover {
    engine: Engine,
    events: UnboundedReceiver<Event>,
    name: DisplayName,
}

/// The call from Join on: connect, then every event until the end.
pub fn run_joined(handover: Handover) -> LocalBoxFuture<'static, ()> {
    let Handover {
        mut engine,
        mut events,
        name,
    } = handover;
    Box::pin(async move {
        engine.command(Command::Join(name)).await;
        engine.pump().await;
        while let Some(event) = events.next().await {
            if !engine.handle(event).await {
                break;
            }
        }
    })
}

struct Engine {
    meeting: MeetingId,
    /// How our link lets us in.
    pass: Pass,
    /// This browser's key (see `pass::holder_key`): binds a single-use
    /// invitation to us, and keeps us out if we are removed.
    holder: Option<HolderKey>,
    dispatch: Callback<Action>,
    events: UnboundedSender<Event>,
    local: LocalMedia,
    name: Option<DisplayName>,
    ice: IceConfig,
    /// Numbering, resume, heartbeat, backoff, where the server has us.
    session: Session,
    /// The socket the session opened last, while it stands.
    socket: Option<(SocketId, Socket)>,
    /// The session's timer, and when it is due.
    timer: Option<(std::time::Duration, gloo_timers::callback::Timeout)>,
    /// What the host holds of our microphone and camera.
    hold: Hold,
    /// We are in the public gallery: nothing is captured, ever again.
    watch_only: bool,
    ladder: sala_ladder::MeshLadder,
    /// Reads the statistics for the ladder every `sala_ladder::TICK_MS` in a call.
    ladder_ticker: Option<gloo_timers::callback::Interval>,
    peers: SortedMap<PeerId, Peer>,
    screen_ended: Option<Closure<dyn FnMut()>>,
    device_change: Option<Closure<dyn FnMut()>>,
    slides: slides::SlideState,
}

impl Engine {
    fn new(
        meeting: MeetingId,
        pass: Pass,
        dispatch: Callback<Action>,
        events: UnboundedSender<Event>,
    ) -> Self {
        let holder = pass::holder_key();
        Self {
            meeting,
            pass,
            holder,
            dispatch,
            events,
            local: LocalMedia::empty(),
            name: None,
            ice: IceConfig::default(),
            // The backoff's jitter: apart for every page of a room cut off at once.
            session: Session::new((js_sys::Math::random() * u64::MAX as f64) as u64),
            socket: None,
            timer: None,
            hold: Hold::default(),
            watch_only: false,
            ladder: quality::load(),
            ladder_ticker: None,
            peers: SortedMap::new(),
            screen_ended: None,
            device_change: None,
            slides: slides::SlideState::default(),
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
            Event::Socket(socket, ev) => self.socket_event(socket, ev),
            Event::Peer(id, generation, ev) => self.peer_event(id, generation, ev).await,
            Event::Timer => self.on_timer(),
            Event::QualityTick => self.quality_tick().await,
            Event::ScreenEnded => self.set_screen(false).await,
            Event::DevicesChanged => self.refresh_devices().await,
            Event::Slides(ev) => self.slide_event(ev),
            Event::Shutdown => {
                self.end(None);
                return false;
            }
        }
        self.pump().await;
        true
    }

    async fn command(&mut self, cmd: Command) {
        match cmd {
            cmd @ (Command::SetMic(_)
            | Command::SetCamera(_)
            | Command::SelectMic(_)
            | Command::SelectCamera(_)
            | Command::RetryMedia) => {
                if let Applied::Changed(replaced) = self.device(cmd).await {
                    if let Some(kind) = replaced {
                        self.replace_on_peers(kind == Kind::Audio).await;
                    }
                    self.announce();
                }
            }
            Command::Join(name) => {
                self.name = Some(name);
                self.emit(Action::Joining);
                self.session.connect(session::now());
            }
            Command::ShareScreen if self.watch_only => {}
            Command::ShareScreen => self.set_screen(true).await,
            Command::StopShare => self.set_screen(false).await,
            Command::SetDataSaver(saver) => self.set_data_saver(saver).await,
            Command::PresentFile(file) => self.upload_deck(file),
            Command::Send(msg) => self.send(msg),
            Command::AnswerConsult(consultation, accept) => {
                self.emit(Action::ConsultAnswered(consultation));
                self.send(ClientMsg::AnswerConsult {
                    consultation,
                    accept,
                });
            }
            Command::DismissDeclined(peer) => self.emit(Action::DismissDeclined(peer)),
            Command::Leave => self.end(Some(CallEnd::Left)),
        }
    }

    // ---- the end -----------------------------------------------------------

    /// The call ends: we leave (the participant did, or the page is going),
    /// or the server ended it, with nothing more said.
    fn end(&mut self, end: Option<CallEnd>) {
        match end {
            None | Some(CallEnd::Left) => self.session.leave(),
            Some(_) => self.session.stop(),
        }
        self.flush_socket();
        self.stop_ladder();
        self.peers.clear();
        self.local = LocalMedia::empty();
        self.screen_ended = None;
        self.slides = slides::SlideState::default();
        self.unwatch_devices();
        self.name = None;
        if let Some(end) = end {
            self.emit(Action::Ended(end));
        }
    }
}
