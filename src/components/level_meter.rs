use crate::hooks::use_audio_level;
use crate::i18n::{use_tr, Text};
use web_sys::MediaStream;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct LevelMeterProps {
    pub stream: Option<MediaStream>,
}

/// A bar that moves with the microphone, so people see they are heard before joining.
#[function_component]
pub fn LevelMeter(props: &LevelMeterProps) -> Html {
    let tr = use_tr();
    let level = use_audio_level(props.stream.clone()).level;
    let percent = ((level * 100.0).round() as u32).min(100);
    // In steps of 5 %, drawn by the style sheet: the Content-Security-Policy
    // allows no inline styles.
    let step = (percent + 2) / 5 * 5;
    html! {
        <div class="meter" role="meter" aria-label={tr.t(Text::MicLevel)}
            aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent.to_string()} data-testid="mic-meter">
            <div class="meter-fill" data-level={step.to_string()} />
        </div>
    }
}
