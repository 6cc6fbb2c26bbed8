use crate::components::lang_switch::LangSwitch;
use crate::i18n::Lang;
use crate::pages::{home::Home, meeting::MeetingPage, not_found::NotFound};
use gloo_storage::{LocalStorage, Storage};
use yew::prelude::*;
use yew_router::prelude::*;

const LANG_KEY: &str = "sala.lang";

#[derive(Clone, Debug, PartialEq, Routable)]
pub enum Route {
    #[at("/")]
    Home,
    #[at("/m/:id")]
    Meeting { id: String },
    #[not_found]
    #[at("/404")]
    NotFound,
}

fn switch(route: Route) -> Html {
    match route {
        Route::Home => html! { <Home /> },
        Route::Meeting { id } => html! { <MeetingPage id={id} /> },
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
            <BrowserRouter>
                <header class="top">
                    <a class="brand" href="/">{ "Sala " }<span lang="km">{ "សាលា" }</span></a>
                    <LangSwitch {on_change} />
                </header>
                <main>
                    <Switch<Route> render={switch} />
                </main>
            </BrowserRouter>
        </ContextProvider<Lang>>
    }
}
