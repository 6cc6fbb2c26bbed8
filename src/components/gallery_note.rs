use crate::components::icon::{icon, Glyph};
use crate::i18n::{Text, Tr};
use yew::prelude::*;

/// Where others see their own camera, the public gallery reads that it
/// watches and listens only, and that its camera and microphone are not used.
/// A function, not a component: no state of its own (see `icon`).
pub fn gallery_note(tr: Tr) -> Html {
    html! {
        <div class="preview-off gallery-note" data-testid="gallery-note">
            { icon(Glyph::Eye) }
            <strong>{ tr.t(Text::GalleryTitle) }</strong>
            <span>{ tr.t(Text::GalleryHint) }</span>
        </div>
    }
}
