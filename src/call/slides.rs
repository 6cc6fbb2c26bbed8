//! Slides in the call engine (issue #3): the presented deck (manifest fetch,
//! paced prefetch of every page), our own deck upload and page turns, and
//! stills of our shared screen for receivers whose link carries no video.

use super::{js, Engine, Event};
use crate::api;
use crate::error::ApiFailure;
use crate::state::{rendition, Action, DeckStatus, Upload};
use gloo_timers::callback::Interval;
use gloo_timers::future::TimeoutFuture;
use sala_protocol::{ClientMsg, Deck, DeckId, Presentation, QualityTier, SlidePage};
use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream};

/// On a thin link, page images are fetched one at a time and no faster than
/// this, so that the audio beside them keeps flowing.
const THIN_PACE_BPS: u32 = 16_000;
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
    prefetch: Rc<RefCell<Prefetch>>,
    still: Option<StillCapture>,
}

/// Page images still to fetch, most wanted first.
#[derive(Default)]
struct Prefetch {
    queue: VecDeque<(String, u32)>,
    done: HashSet<String>,
    running: bool,
    thin: bool,
}

impl Engine {
    pub(super) fn presentation(&mut self, presentation: Option<Presentation>) {
        let new_deck = presentation.as_ref().map(|p| p.deck.clone());
        let have = self.slides.deck.as_ref().map(|d| d.id.clone());
        self.slides.presentation = presentation.clone();
        self.emit(Action::Presentation(presentation));
        match new_deck {
            None => self.slides.deck = None,
            Some(id) if Some(&id) == have.as_ref() => self.prefetch_deck(),
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
        spawn_local(async move {
            let deck = api::upload_deck(&meeting, &file).await;
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
        self.prefetch_deck();
    }

    /// Queues every page of the deck, the one on screen first, then the
    /// following ones, then those before; starts the fetcher if idle.
    pub(super) fn prefetch_deck(&mut self) {
        let (Some(deck), Some(p)) = (&self.slides.deck, &self.slides.presentation) else {
            return;
        };
        let tier = self.ladder.receive_tier();
        let at = (p.page as usize).min(deck.pages.len());
        let order = deck.pages[at..].iter().chain(deck.pages[..at].iter());
        let mut queue = self.slides.prefetch.borrow_mut();
        let wanted: VecDeque<(String, u32)> = order
            .map(|page| rendition(page, tier))
            .map(|r| (r.path(), r.bytes))
            .filter(|(path, _)| !queue.done.contains(path))
            .collect();
        queue.queue = wanted;
        queue.thin = tier < QualityTier::VideoLow;
        if !queue.running && !queue.queue.is_empty() {
            queue.running = true;
            spawn_local(run_prefetch(Rc::downgrade(&self.slides.prefetch)));
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
        let thin = self
            .peers
            .values()
            .any(|p| p.remote_receive < QualityTier::VideoLow);
        let Some(capture) = &mut self.slides.still else {
            return;
        };
        if !thin || capture.uploading {
            return;
        }
        let Some(png) = capture.changed_still() else {
            return;
        };
        capture.uploading = true;
        let send = self.sender();
        let meeting = self.meeting.clone();
        spawn_local(async move {
            let still = match png.await {
                Some(blob) => api::upload_still(&meeting, &blob).await,
                None => Err(ApiFailure::Unreachable),
            };
            send(Event::Slides(SlideEvent::StillUploaded(still)));
        });
    }
}

async fn run_prefetch(prefetch: Weak<RefCell<Prefetch>>) {
    loop {
        // The engine gone (call ended) ends the fetcher too.
        let Some(shared) = prefetch.upgrade() else {
            return;
        };
        let next = shared.borrow_mut().queue.pop_front();
        let Some((path, bytes)) = next else {
            shared.borrow_mut().running = false;
            return;
        };
        let thin = shared.borrow().thin;
        drop(shared);
        if api::prefetch(&path).await {
            if let Some(shared) = prefetch.upgrade() {
                shared.borrow_mut().done.insert(path);
            }
        }
        if thin {
            // Pacing, not waiting for other code: at most THIN_PACE_BPS on average.
            TimeoutFuture::new(bytes.saturating_mul(8_000) / THIN_PACE_BPS).await;
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
