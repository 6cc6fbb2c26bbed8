use crate::components::icon::{icon, Glyph};
use crate::i18n::{use_tr, Text};
use yew::prelude::*;

/// Where others see their own camera, the public gallery reads that it
/// watches and listens only, and that its camera and microphone are not used.
#[function_component]
pub fn GalleryNote() -> Html {
    let tr = use_tr();
    html! {
        <div class="preview-off gallery-note" data-testid="gallery-note">
            { icon(Glyph::Eye) }
            <strong>{ tr.t(Text::GalleryTitle) }</strong>
            <span>{ tr.t(Text::GalleryHint) }</span>
        </div>
    }
}
