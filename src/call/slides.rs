//! Slides in the call engine (issue #3): the presented deck (manifest fetch,
//! paced and retried fetch of every page as an object URL, in the order and
//! pace of `image_queue.rs`; the stills of shared screens first on a thin link), our own deck upload and page turns, and
//! stills of our shared screen for receivers whose link carries no video.

use super::image_queue::ImageQueue;
use super::{js, Engine, Event};
use crate::api;
use crate::error::ApiFailure;
use crate::sorted_map::SortedMap;
use crate::state::{rendition, Action, DeckStatus, Upload};
use gloo_timers::callback::Interval;
use gloo_timers::future::TimeoutFuture;
use sala_protocol::{
    ApiErrorCode, ClientMsg, Deck, DeckId, PeerId, Presentation, QualityTier, SlidePage,
};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream};
use yew::Callback;

/// How often a shared screen is looked at for a change.
const STILL_EVERY_MS: u32 = 3_000;
/// Widest still uploaded.
const STILL_MAX_WIDTH: u32 = 1600;
/// Mean difference per colour channel (0–255) of the thumbnails that counts
/// as a change of the shared screen.
const STILL_CHANGE: f64 = 1.5;

/// Results of background work, back on the engine's queue.
pub(super) enum SlideEvent {
    DeckFetched(DeckId, Result<Deck, ApiFailure>),
    DeckUploaded(Result<Deck, ApiFailure>),
    StillTick,
    StillUploaded(Result<SlidePage, ApiFailure>),
}

#[derive(Default)]
pub(super) struct SlideState {
    presentation: Option<Presentation>,
    deck: Option<Rc<Deck>>,
    /// Latest still of each remote screen share.
    stills: SortedMap<PeerId, SlidePage>,
    fetcher: Rc<RefCell<Fetcher>>,
    still: Option<StillCapture>,
}

impl Engine {
    pub(super) fn presentation(&mut self, presentation: Option<Presentation>) {
        let new_deck = presentation.as_ref().map(|p| p.deck.clone());
        let have = self.slides.deck.as_ref().map(|d| d.id.clone());
        self.slides.presentation = presentation.clone();
        self.emit(Action::Presentation(presentation));
        match new_deck {
            None => self.slides.deck = None,
            Some(id) if Some(&id) == have.as_ref() => self.want_images(),
            Some(id) => {
                self.slides.deck = None;
                self.emit(Action::Deck(DeckStatus::Loading));
                let send = self.sender();
                spawn_local(async move {
                    let deck = api::get_deck(&id).await;
                    send(Event::Slides(SlideEvent::DeckFetched(id, deck)));
                });
            }
        }
    }

    pub(super) fn upload_deck(&mut self, file: web_sys::File) {
        self.emit(Action::Upload(Upload::Rendering));
        let send = self.sender();
        let meeting = self.meeting.clone();
        let session = self.session.resume_token().cloned();
        spawn_local(async move {
            let deck = match session {
                Some(session) => api::upload_deck(&meeting, &session, &file).await,
                None => Err(ApiFailure::Refused(ApiErrorCode::NotAllowed)),
            };
            send(Event::Slides(SlideEvent::DeckUploaded(deck)));
        });
    }

    pub(super) fn slide_event(&mut self, event: SlideEvent) {
        match event {
            SlideEvent::DeckFetched(id, deck) => {
                let wanted = self.slides.presentation.as_ref().map(|p| &p.deck);
                if wanted != Some(&id) {
                    return; // the presentation moved on meanwhile
                }
                match deck {
                    Ok(deck) => self.have_deck(deck),
                    Err(err) => self.emit(Action::Deck(DeckStatus::Failed(err))),
                }
            }
            SlideEvent::DeckUploaded(Ok(deck)) => {
                self.emit(Action::Upload(Upload::Idle));
                let id = deck.id.clone();
                self.have_deck(deck);
                self.send(ClientMsg::Present { deck: id, page: 0 });
            }
            SlideEvent::DeckUploaded(Err(err)) => self.emit(Action::Upload(Upload::Failed(err))),
            SlideEvent::StillTick => self.look_at_screen(),
            SlideEvent::StillUploaded(Ok(still)) => {
                if let Some(capture) = &mut self.slides.still {
                    capture.uploading = false;
                }
                if self.local.screen().is_some() {
                    js::info("screen still", "sent", "");
                    self.send(ClientMsg::ScreenStill { still });
                }
            }
            SlideEvent::StillUploaded(Err(err)) => {
                if let Some(capture) = &mut self.slides.still {
                    capture.uploading = false;
                    capture.last = None; // try again at the next look
                }
                let why = match err {
                    ApiFailure::Refused(_) => "refused",
                    ApiFailure::Unreachable => "unreachable",
                };
                js::info("screen still", "upload failed", why);
            }
        }
    }

    fn have_deck(&mut self, deck: Deck) {
        let deck = Rc::new(deck);
        self.slides.deck = Some(Rc::clone(&deck));
        self.emit(Action::Deck(DeckStatus::Ready(deck)));
        self.want_images();
    }

    /// A still of `peer`'s shared screen.
    pub(super) fn screen_still(&mut self, peer: PeerId, still: SlidePage) {
        js::info("screen still", "received", "");
        self.slides
            .stills
            .retain(|id, _| self.peers.contains_key(id));
        self.slides.stills.insert(peer, still.clone());
        self.emit(Action::ScreenStill(peer, still));
        self.want_images();
    }

    /// (Re)orders what to fetch: the stills of shared screens first (they are
    /// made only while someone's link takes no video, and whoever has no video
    /// of the screen shows them); then the page on screen, then the following
    /// pages, then those before. Each in the size our downlink takes; what is
    /// here already is skipped. Starts the fetcher if idle.
    pub(super) fn want_images(&mut self) {
        let tier = self.ladder.receive_tier();
        let thin = tier < QualityTier::VideoLow;
        let stills = self.slides.stills.values();
        let pages = match (&self.slides.deck, &self.slides.presentation) {
            (Some(deck), Some(p)) => {
                let at = (p.page as usize).min(deck.pages.len());
                deck.pages[at..]
                    .iter()
                    .chain(deck.pages[..at].iter())
                    .collect()
            }
            _ => Vec::new(),
        };
        let wanted = stills
            .chain(pages)
            .map(|page| rendition(page, tier))
            .map(|r| (r.path(), r.bytes));
        if self.slides.fetcher.borrow_mut().0.want(wanted, thin) {
            spawn_local(run_fetcher(
                Rc::downgrade(&self.slides.fetcher),
                self.dispatch.clone(),
            ));
        }
    }

    // ---- screen share → stills -------------------------------------------------

    /// Starts or stops looking at our shared screen for stills.
    pub(super) fn watch_screen(&mut self, stream: Option<&MediaStream>) {
        self.slides.still = stream.and_then(|stream| {
            let send = self.sender();
            let tick = Interval::new(STILL_EVERY_MS, move || {
                send(Event::Slides(SlideEvent::StillTick))
            });
            StillCapture::new(stream, tick)
        });
    }

    fn look_at_screen(&mut self) {
        // Only worth it while someone takes no video from us.
        let thin = !self.stills_for().is_empty();
        let Some(capture) = &mut self.slides.still else {
            return;
        };
        if !thin || capture.uploading {
            return;
        }
        let Some(png) = capture.changed_still() else {
            return;
        };
        js::info("screen still", "changed", "uploading");
        capture.uploading = true;
        let send = self.sender();
        let meeting = self.meeting.clone();
        let session = self.session.resume_token().cloned();
        spawn_local(async move {
            let still = match (png.await, session) {
                (Some(blob), Some(session)) => api::upload_still(&meeting, &session, &blob).await,
                (None, _) => Err(ApiFailure::Unreachable),
                (_, None) => Err(ApiFailure::Refused(ApiErrorCode::NotAllowed)),
            };
            send(Event::Slides(SlideEvent::StillUploaded(still)));
        });
    }
}

/// Page images this browser fetches for itself, in the order and at the pace
/// of an [`ImageQueue`], kept as object URLs until the call ends.
#[derive(Default)]
struct Fetcher(ImageQueue<String>);

impl Drop for Fetcher {
    fn drop(&mut self) {
        for url in self.0.loaded() {
            drop(web_sys::Url::revoke_object_url(url));
        }
    }
}

async fn run_fetcher(fetcher: Weak<RefCell<Fetcher>>, dispatch: Callback<Action>) {
    loop {
        // The engine gone (call ended) ends the fetcher too.
        let Some(shared) = fetcher.upgrade() else {
            return;
        };
        let Some(next) = shared.borrow_mut().0.next() else {
            return;
        };
        drop(shared);
        let blob = api::image(&next.0).await;
        let Some(shared) = fetcher.upgrade() else {
            return;
        };
        let url = blob.and_then(|b| web_sys::Url::create_object_url_with_blob(&b).ok());
        if let Some(url) = &url {
            dispatch.emit(Action::SlideImage(next.0.clone(), url.clone()));
        }
        let pause = shared.borrow_mut().0.fetched(next, url);
        drop(shared);
        if pause > 0 {
            TimeoutFuture::new(pause).await;
        }
    }
}

/// Looks at our shared screen through an off-screen `<video>` and a canvas.
struct StillCapture {
    video: HtmlVideoElement,
    canvas: HtmlCanvasElement,
    /// Thumbnail of the last still uploaded.
    last: Option<Vec<u8>>,
    uploading: bool,
    _tick: Interval,
}

const THUMB: (u32, u32) = (48, 27);

impl StillCapture {
    fn new(stream: &MediaStream, tick: Interval) -> Option<Self> {
        let document = web_sys::window()?.document()?;
        let video: HtmlVideoElement = document.create_element("video").ok()?.dyn_into().ok()?;
        video.set_muted(true);
        video.set_src_object(Some(stream));
        // A rejected play() leaves the video blank: its stills are then skipped.
        drop(video.play());
        let canvas = document.create_element("canvas").ok()?.dyn_into().ok()?;
        Some(Self {
            video,
            canvas,
            last: None,
            uploading: false,
            _tick: tick,
        })
    }

    fn draw(&self, width: u32, height: u32) -> Option<CanvasRenderingContext2d> {
        self.canvas.set_width(width);
        self.canvas.set_height(height);
        let ctx: CanvasRenderingContext2d = self.canvas.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.draw_image_with_html_video_element_and_dw_and_dh(
            &self.video,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .ok()?;
        Some(ctx)
    }

    /// A PNG of the screen if it changed since the last still.
    fn changed_still(
        &mut self,
    ) -> Option<impl std::future::Future<Output = Option<web_sys::Blob>>> {
        let (w, h) = (self.video.video_width(), self.video.video_height());
        if w == 0 || h == 0 {
            return None;
        }
        let ctx = self.draw(THUMB.0, THUMB.1)?;
        let thumb = ctx
            .get_image_data(0.0, 0.0, f64::from(THUMB.0), f64::from(THUMB.1))
            .ok()?
            .data()
            .0;
        let changed = self.last.as_ref().is_none_or(|last| {
            let diff: u64 = last
                .iter()
                .zip(&thumb)
                .map(|(a, b)| u64::from(a.abs_diff(*b)))
                .sum();
            diff as f64 / thumb.len() as f64 > STILL_CHANGE
        });
        if !changed {
            return None;
        }
        self.last = Some(thumb);
        let width = w.min(STILL_MAX_WIDTH);
        self.draw(width, h * width / w)?;
        let canvas = self.canvas.clone();
        Some(async move {
            let promise = js_sys::Promise::new(&mut |resolve, _reject| {
                drop(canvas.to_blob(&resolve));
            });
            JsFuture::from(promise)
                .await
                .ok()
                .and_then(|b: JsValue| b.dyn_into().ok())
        })
    }
}

impl Drop for StillCapture {
    fn drop(&mut self) {
        // The track belongs to the share; only let go of it here.
        self.video.set_src_object(None);
    }
}
