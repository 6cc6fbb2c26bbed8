//! Hooks: the only place components touch web-sys, each cleaning up on unmount.

mod use_audio_level;
mod use_call;
mod use_fresh_app;

pub use use_audio_level::{use_audio_level, AudioLevel};
pub use use_call::use_call;
pub use use_fresh_app::{reload_fresh, use_fresh_app};
