//! Hooks: where components reach the browser beyond their own elements and
//! events (storage, clipboard, location, fetches, media). Those that hold
//! something (the engine, an analyser) release it on unmount.

mod use_audio_level;
mod use_call;
mod use_clipboard;
mod use_fresh_app;
mod use_invites;
mod use_lang;
mod use_origin;
mod use_route;
mod use_scroll_to_end;
mod use_stored;

pub use use_audio_level::{use_audio_level, AudioLevel};
pub use use_call::use_call;
pub use use_clipboard::{use_clipboard, Clipboard};
pub use use_fresh_app::use_fresh_app;
pub use use_invites::{use_invites, Invites, Listing};
pub use use_lang::use_lang;
pub use use_origin::use_origin;
pub use use_route::use_route;
pub use use_scroll_to_end::use_scroll_to_end;
pub use use_stored::{use_stored, UseStoredHandle};
