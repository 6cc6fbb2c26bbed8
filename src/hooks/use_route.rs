use crate::app::Route;
use yew::prelude::*;

/// The page's route, read once from `location.pathname` (links between pages
/// are full page loads).
#[hook]
pub fn use_route() -> UseStateHandle<Route> {
    use_state(|| {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok());
        Route::recognize(path.as_deref().unwrap_or("/"))
    })
}
