use crate::call::Command;
use crate::i18n::{use_tr, Text, Tr};
use crate::state::{DeckStatus, Slides};
use sala_protocol::{QualityTier, SlidePage};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct SlideStageProps {
    pub slides: Slides,
    /// Who presents, as shown in the caption.
    pub presenter_name: AttrValue,
    /// We present: show the page controls.
    pub is_presenter: bool,
    /// What our downlink takes: a thin link gets the smaller image.
    pub receive: QualityTier,
    pub on_command: Callback<Command>,
}

/// The presented deck on the stage: the page as a still image, who presents,
/// which page, and for the presenter the buttons to turn pages and stop.
#[function_component]
pub fn SlideStage(props: &SlideStageProps) -> Html {
    let tr = use_tr();
    let Some(p) = &props.slides.presentation else {
        return html! {};
    };
    let (page, pages) = (p.page, p.pages);
    let picture = match (&props.slides.deck, props.slides.page()) {
        (_, Some(slide)) => still(
            &props.slides,
            slide,
            props.receive,
            &format!("{} {}", page + 1, pages),
            &tr,
        ),
        (DeckStatus::Failed(err), None) => html! { <p class="stage-note">{ tr.t(err.text()) }</p> },
        _ => html! { <p class="stage-note">{ tr.t(Text::SlideLoading) }</p> },
    };
    let cmd = &props.on_command;
    html! {
        <div class="stage slides" data-testid="slide-stage" data-page={page.to_string()}>
            { picture }
            <div class="stage-label">
                { format!("{} {} · {} / {}", tr.t(Text::SlidesFrom), props.presenter_name, page + 1, pages) }
            </div>
            if props.is_presenter {
                <div class="slide-controls">
                    <button type="button" disabled={page == 0} data-testid="slide-prev"
                        onclick={cmd.reform(move |_| Command::TurnPage(page.saturating_sub(1)))}>
                        { format!("‹ {}", tr.t(Text::PreviousSlide)) }
                    </button>
                    <button type="button" disabled={page + 1 >= pages} data-testid="slide-next"
                        onclick={cmd.reform(move |_| Command::TurnPage(page + 1))}>
                        { format!("{} ›", tr.t(Text::NextSlide)) }
                    </button>
                    <button type="button" class="stop" data-testid="slide-stop"
                        onclick={cmd.reform(|_| Command::StopPresenting)}>
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
