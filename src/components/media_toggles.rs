use crate::call::Command;
use crate::components::icon::{icon, Glyph};
use crate::i18n::{use_tr, Text};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct MediaTogglesProps {
    pub mic: bool,
    pub camera: bool,
    /// Test ids are `{testid}-mic` and `{testid}-camera`.
    pub testid: AttrValue,
    pub on_command: Callback<Command>,
}

/// The microphone and camera switches under a preview (join screen, lobby).
/// Each says what pressing it does.
#[function_component]
pub fn MediaToggles(props: &MediaTogglesProps) -> Html {
    let tr = use_tr();
    let (mic, camera) = (props.mic, props.camera);
    let cmd = &props.on_command;
    html! {
        <div class="toggle-row">
            <button type="button" class={classes!("toggle", (!mic).then_some("off"))} aria-pressed={mic.to_string()}
                onclick={cmd.reform(move |_| Command::SetMic(!mic))} data-testid={format!("{}-mic", props.testid)}>
                { icon(if mic { Glyph::Mic } else { Glyph::MicOff }) }
                <span>{ tr.t(if mic { Text::Mute } else { Text::Unmute }) }</span>
            </button>
            <button type="button" class={classes!("toggle", (!camera).then_some("off"))} aria-pressed={camera.to_string()}
                onclick={cmd.reform(move |_| Command::SetCamera(!camera))} data-testid={format!("{}-camera", props.testid)}>
                { icon(if camera { Glyph::Camera } else { Glyph::CameraOff }) }
                <span>{ tr.t(if camera { Text::StopCamera } else { Text::StartCamera }) }</span>
            </button>
        </div>
    }
}
