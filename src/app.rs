use crate::components::lang_switch::lang_switch;
use crate::i18n::{Lang, Tr};
use crate::pages::{home::Home, meeting::MeetingPage, not_found::NotFound};
use gloo_storage::{LocalStorage, Storage};
use yew::prelude::*;

const LANG_KEY: &str = "sala.lang";

/// The pages, by path. Pages link to each other with plain `<a href>`s, each a
/// new page load, so the route is read once, from `location.pathname` (the
/// server answers every such path with `index.html`).
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    /// `/`
    Home,
    /// `/m/<id>`
    Meeting {
        id: String,
    },
    NotFound,
}

impl Route {
    /// The route of a path; a trailing slash is ignored.
    pub fn recognize(path: &str) -> Route {
        let path = path.strip_suffix('/').unwrap_or(path);
        match path.strip_prefix("/m/") {
            _ if path.is_empty() => Route::Home,
            Some(id) if !id.is_empty() && !id.contains('/') => Route::Meeting { id: id.to_owned() },
            _ => Route::NotFound,
        }
    }

    fn current() -> Route {
        let path = web_sys::window().and_then(|w| w.location().pathname().ok());
        Route::recognize(path.as_deref().unwrap_or("/"))
    }
}

fn switch(route: &Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Meeting { id } => html! { <MeetingPage id={id.clone()} /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

/// Stored choice, else the browser's language, else English.
fn initial_lang() -> Lang {
    LocalStorage::get::<String>(LANG_KEY)
        .ok()
        .and_then(|c| Lang::from_code(&c))
        .or_else(|| {
            web_sys::window()?
                .navigator()
                .language()
                .and_then(|l| Lang::from_code(&l))
        })
        .unwrap_or(Lang::En)
}

#[function_component]
pub fn App() -> Html {
    let lang = use_state_eq(initial_lang);
    let route = use_state(Route::current);
    use_effect_with(*lang, |lang| {
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            drop(root.set_attribute("lang", lang.code()));
        }
        // Remembering is a convenience; private mode may refuse it.
        drop(LocalStorage::set(LANG_KEY, lang.code()));
    });
    let on_change = {
        let lang = lang.clone();
        Callback::from(move |l| lang.set(l))
    };
    html! {
        <ContextProvider<Lang> context={*lang}>
            <header class="top">
                <a class="brand" href="/">{ "Sala " }<span lang="km">{ "សាលា" }</span></a>
                { lang_switch(Tr(*lang), &on_change) }
            </header>
            <main>
                { switch(&route) }
            </main>
        </ContextProvider<Lang>>
    }
}

#[cfg(test)]
mod tests {
    use super::Route;

    #[test]
    fn paths_map_to_routes() {
        let meeting = |id: &str| Route::Meeting { id: id.into() };
        for (path, route) in [
            ("/", Route::Home),
            ("", Route::Home),
            ("/m/abc", meeting("abc")),
            ("/m/abc/", meeting("abc")),
            ("/m/", Route::NotFound),
            ("/m", Route::NotFound),
            ("/m/abc/def", Route::NotFound),
            ("/404", Route::NotFound),
            ("/index.html", Route::NotFound),
        ] {
            assert_eq!(Route::recognize(path), route, "{path}");
        }
    }
}
