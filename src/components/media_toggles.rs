use crate::call::Command;
use crate::components::icon::{icon, Glyph};
use crate::i18n::{Text, Tr};
use yew::prelude::*;

/// The microphone and camera switches under a preview (join screen, lobby).
/// Each says what pressing it does. Test ids are `{testid}-mic` and
/// `{testid}-camera`. A function, not a component: no state of its own (see `icon`).
pub fn media_toggles(
    tr: Tr,
    mic: bool,
    camera: bool,
    testid: &str,
    cmd: &Callback<Command>,
) -> Html {
    html! {
        <div class="toggle-row">
            <button type="button" class={classes!("toggle", (!mic).then_some("off"))} aria-pressed={mic.to_string()}
                onclick={cmd.reform(move |_| Command::SetMic(!mic))} data-testid={format!("{testid}-mic")}>
                { icon(if mic { Glyph::Mic } else { Glyph::MicOff }) }
                <span>{ tr.t(if mic { Text::Mute } else { Text::Unmute }) }</span>
            </button>
            <button type="button" class={classes!("toggle", (!camera).then_some("off"))} aria-pressed={camera.to_string()}
                onclick={cmd.reform(move |_| Command::SetCamera(!camera))} data-testid={format!("{testid}-camera")}>
                { icon(if camera { Glyph::Camera } else { Glyph::CameraOff }) }
                <span>{ tr.t(if camera { Text::StopCamera } else { Text::StartCamera }) }</span>
            </button>
        </div>
    }
}
