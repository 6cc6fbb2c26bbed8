//! Sala's browser client: a Yew single-page app over WebRTC.
//! See ARCHITECTURE.md for the map.

pub mod api;
pub mod app;
pub mod call;
pub mod components;
pub mod download;
pub mod error;
pub mod hooks;
pub mod i18n;
pub mod joined;
pub mod pages;
pub mod pass;
pub mod sorted_map;
pub mod state;

pub use app::App;
