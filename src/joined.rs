//! The split between the first load and the call. Everything a participant
//! needs only once Join is pressed — the engine past the join screen
//! (signaling, peer connections, the quality ladder, slides) and the screens
//! of the lobby and the room — is reached from here alone, so the release
//! build (Cargo feature `split`, set in index.html) moves it into a wasm
//! chunk of its own: `#[wasm_split]` marks the split point, and
//! `scripts/bin/wasm-bindgen` cuts the linked wasm there (ARCHITECTURE.md,
//! "The first load"). The join screen fetches the chunk while the user
//! types a name; a failed fetch is tried again by the next call.

use crate::call::{self, Command, Handover};
use crate::components::call::{joined_view, CallProps};
use crate::state::State;
use futures::future::LocalBoxFuture;
use yew::{Callback, Html};

/// The call's two halves in the chunk: its engine and its screens.
#[derive(Clone, Copy)]
pub struct Joined {
    pub run: fn(Handover) -> LocalBoxFuture<'static, ()>,
    pub view: fn(&State, &CallProps, &Callback<Command>) -> Html,
}

/// The chunk did not arrive (offline, or the server did not answer).
#[derive(Debug)]
pub struct NotLoaded;

#[cfg(all(feature = "split", target_arch = "wasm32"))]
impl From<wasm_split_helpers::SplitLoaderError> for NotLoaded {
    fn from(_: wasm_split_helpers::SplitLoaderError) -> Self {
        NotLoaded
    }
}

const JOINED: Joined = Joined {
    run: call::run_joined,
    view: joined_view,
};

/// The call's halves, once their chunk has arrived.
#[cfg(all(feature = "split", target_arch = "wasm32"))]
#[wasm_split_helpers::wasm_split(joined, fallible)]
pub fn load() -> Result<Joined, NotLoaded> {
    Ok(JOINED)
}

/// The call's halves (an unsplit build has them already).
#[cfg(not(all(feature = "split", target_arch = "wasm32")))]
pub async fn load() -> Result<Joined, NotLoaded> {
    Ok(JOINED)
}
