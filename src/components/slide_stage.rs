use crate::call::Command;
use crate::i18n::{Text, Tr};
use crate::state::{DeckStatus, Slides};
use sala_protocol::{ClientMsg, QualityTier, SlidePage};
use yew::prelude::*;

/// The presented deck on the stage: the page as a still image, who presents,
/// which page, and for the presenter (`is_presenter`) the buttons to turn
/// pages and stop. `receive`: what our downlink takes (a thin link gets the
/// smaller image). A function, not a component: no state of its own (see `icon`).
pub fn slide_stage(
    tr: Tr,
    slides: &Slides,
    presenter_name: &str,
    is_presenter: bool,
    receive: QualityTier,
    cmd: &Callback<Command>,
) -> Html {
    let Some(p) = &slides.presentation else {
        return html! {};
    };
    let (page, pages) = (p.page, p.pages);
    let picture = match (&slides.deck, slides.page()) {
        (_, Some(slide)) => still(
            slides,
            slide,
            receive,
            &format!("{} {}", page + 1, pages),
            &tr,
        ),
        (DeckStatus::Failed(err), None) => html! { <p class="stage-note">{ tr.t(err.text()) }</p> },
        _ => html! { <p class="stage-note">{ tr.t(Text::SlideLoading) }</p> },
    };
    html! {
        <div class="stage slides" data-testid="slide-stage" data-page={page.to_string()}>
            { picture }
            <div class="stage-label">
                { format!("{} {} · {} / {}", tr.t(Text::SlidesFrom), presenter_name, page + 1, pages) }
            </div>
            if is_presenter {
                <div class="slide-controls">
                    <button type="button" disabled={page == 0} data-testid="slide-prev"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::TurnPage { page: page.saturating_sub(1) }))}>
                        { format!("‹ {}", tr.t(Text::PreviousSlide)) }
                    </button>
                    <button type="button" disabled={page + 1 >= pages} data-testid="slide-next"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::TurnPage { page: page + 1 }))}>
                        { format!("{} ›", tr.t(Text::NextSlide)) }
                    </button>
                    <button type="button" class="stop" data-testid="slide-stop"
                        onclick={cmd.reform(|_| Command::Send(ClientMsg::StopPresenting))}>
                        { tr.t(Text::StopPresenting) }
                    </button>
                </div>
            }
        </div>
    }
}

/// One page (or screen still) as an `<img>`, once this browser has it.
pub fn still(slides: &Slides, page: &SlidePage, receive: QualityTier, alt: &str, tr: &Tr) -> Html {
    match slides.image(page, receive) {
        Some((r, url)) => html! {
            <img class="slide" data-testid="slide" src={url.to_owned()} alt={alt.to_owned()}
                data-width={r.width.to_string()} width={r.width.to_string()} height={r.height.to_string()} />
        },
        None => {
            html! { <p class="stage-note" data-testid="slide-loading">{ tr.t(Text::SlideLoading) }</p> }
        }
    }
}
