//! Slide renders in a child process with hard limits, one at a time, behind a short queue.
//!
//! `sala-slides` bounds what it can before drawing (bytes, pages, canvas, image sizes,
//! inflated streams), but cannot bound the time a page takes to draw or all of the memory the
//! renderer spends. So each render runs in its own process, the server binary re-executed as
//! `sala-server render-worker deck|still` ([`worker`]): the upload on its stdin, the pages on
//! its stdout ([`wire`]), with an address-space and a CPU-time limit set before exec, a
//! wall-clock deadline in the parent, and SIGKILL on overrun or when the request is
//! abandoned. The render slot is given back only once the child has been reaped.
//!
//! Uploads first take a place in the queue ([`Renderer::admit`], before their body is read):
//! [`RENDERS_AT_ONCE`] running and [`RENDERS_WAITING`] waiting; beyond that the upload is
//! refused at once, so bodies waiting for the renderer never pile up in memory.

mod child;
pub mod wire;
pub mod worker;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use sala_protocol::{MAX_DECK_BYTES, MAX_DECK_PAGES, MAX_STILL_BYTES};
use sala_slides::{Limits, Page};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use wire::Refusal;

/// Uploads rendered at once (each takes a core).
pub const RENDERS_AT_ONCE: usize = 1;
/// Uploads admitted to wait for the renderer; more are refused with `Busy` at once.
pub const RENDERS_WAITING: usize = 2;

/// What an upload is, which decides the renderer's limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RenderKind {
    /// A presentation: a PDF of up to [`MAX_DECK_PAGES`] pages, or one picture.
    Deck,
    /// One picture: a screen-share still.
    Still,
}

impl RenderKind {
    /// The renderer's limits for this kind of upload.
    pub fn limits(self) -> Limits {
        match self {
            Self::Deck => Limits {
                max_input_bytes: MAX_DECK_BYTES,
                max_pages: MAX_DECK_PAGES,
                ..Limits::default()
            },
            Self::Still => Limits {
                max_input_bytes: MAX_STILL_BYTES,
                ..Limits::default()
            },
        }
    }

    fn arg(self) -> &'static str {
        match self {
            Self::Deck => "deck",
            Self::Still => "still",
        }
    }
}

/// What one render may spend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderBudget {
    /// Wall-clock time from starting the worker to its reply; also its CPU-time limit
    /// (rounded up to whole seconds).
    pub time: Duration,
    /// The worker's address space (`RLIMIT_AS`), in bytes.
    pub memory: u64,
}

/// Why a render gave no pages.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The renderer read the file and refused it.
    #[error("the renderer refused the file ({0:?}): {1}")]
    Refused(Refusal, String),
    /// The render ran past its time budget and was killed.
    #[error("the render took longer than {0:?} and was stopped")]
    TookTooLong(Duration),
    /// The render ran out of its memory budget.
    #[error("the render ran out of its memory budget")]
    OutOfMemory,
    /// The worker died another way, or its reply was not one.
    #[error("the render worker failed: {0}")]
    Crashed(String),
    /// The worker could not be started, or the supervising task failed.
    #[error("cannot run the render worker: {0}")]
    Worker(#[from] std::io::Error),
}

/// A place in the render queue: held from before the body is read until the answer.
#[derive(Debug)]
pub struct QueuePlace(#[allow(dead_code)] OwnedSemaphorePermit);

/// Runs renders in worker processes; owned by the server state.
pub struct Renderer {
    worker: PathBuf,
    budget: RenderBudget,
    /// Admitted uploads, running or waiting.
    places: Arc<Semaphore>,
    /// Renders running.
    slots: Arc<Semaphore>,
    /// Process ids of the workers alive (not yet reaped).
    live: Arc<Mutex<BTreeSet<u32>>>,
}

impl Renderer {
    /// Renders with the program at `worker` (normally this very executable).
    pub fn new(worker: PathBuf, budget: RenderBudget) -> Self {
        Self {
            worker,
            budget,
            places: Arc::new(Semaphore::new(RENDERS_AT_ONCE + RENDERS_WAITING)),
            slots: Arc::new(Semaphore::new(RENDERS_AT_ONCE)),
            live: Arc::default(),
        }
    }

    /// A place in the queue, or `None` when it is full.
    pub fn admit(&self) -> Option<QueuePlace> {
        self.places.clone().try_acquire_owned().ok().map(QueuePlace)
    }

    /// Uploads in the queue now, running or waiting.
    pub fn queued(&self) -> usize {
        RENDERS_AT_ONCE + RENDERS_WAITING - self.places.available_permits()
    }

    /// Process ids of the render workers alive now.
    pub fn workers(&self) -> Vec<u32> {
        self.live
            .lock()
            .map(|live| live.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Waits for the render slot, then renders `input` in a worker. If this future is
    /// dropped, the worker is killed, and the slot is given back once it is reaped.
    pub async fn render(&self, kind: RenderKind, input: Bytes) -> Result<Vec<Page>, RenderError> {
        let slot = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the render slots are never closed");
        let (abandon, abandoned) = tokio::sync::oneshot::channel::<std::convert::Infallible>();
        let job = child::Job {
            worker: self.worker.clone(),
            kind,
            input,
            budget: self.budget,
            live: Arc::clone(&self.live),
        };
        // The child is supervised by its own task, so that it is killed and reaped (and the
        // slot freed) even when this future is dropped half-way.
        let supervisor = tokio::spawn(async move {
            let result = child::run(job, abandoned).await;
            drop(slot);
            result
        });
        let result = supervisor.await;
        drop(abandon);
        result.map_err(|e| RenderError::Worker(std::io::Error::other(e)))?
    }
}
