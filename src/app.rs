use crate::components::lang_switch::lang_switch;
use crate::hooks::{use_lang, use_route};
use crate::i18n::{Lang, Tr};
use crate::pages::{home::Home, meeting::MeetingPage, not_found::NotFound};
use yew::prelude::*;

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
}

fn switch(route: &Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Meeting { id } => html! { <MeetingPage id={id.clone()} /> },
        Route::NotFound => html! { <NotFound /> },
    }
}

#[function_component]
pub fn App() -> Html {
    let lang = use_lang();
    let route = use_route();
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
