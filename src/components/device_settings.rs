use crate::call::Command;
use crate::components::device_select::device_select;
use crate::components::level_meter::LevelMeter;
use crate::i18n::{use_tr, Text};
use crate::state::{DataSaver, Devices, Local, Quality};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct DeviceSettingsProps {
    pub devices: Devices,
    pub local: Local,
    pub quality: Quality,
    pub on_command: Callback<Command>,
}

/// The in-call side panel: camera and microphone (switching replaces the track
/// on every connection without renegotiating), and data use.
#[function_component]
pub fn DeviceSettings(props: &DeviceSettingsProps) -> Html {
    let tr = use_tr();
    let (local, cmd) = (&props.local, &props.on_command);
    let on_saver = cmd.reform(|e: Event| {
        let code = e.target_unchecked_into::<HtmlSelectElement>().value();
        Command::SetDataSaver(DataSaver::from_code(&code).unwrap_or_default())
    });
    html! {
        <aside class="side-panel device-settings" aria-labelledby="devices-title" data-testid="device-settings">
            <h2 id="devices-title">{ tr.t(Text::Devices) }</h2>
            { device_select(tr, tr.t(Text::Camera), &props.devices.cameras, local.camera_id.as_deref(),
                &cmd.reform(Command::SelectCamera), "camera-select", true) }
            { device_select(tr, tr.t(Text::Microphone), &props.devices.mics, local.mic_id.as_deref(),
                &cmd.reform(Command::SelectMic), "mic-select", true) }
            <LevelMeter stream={local.stream.clone().filter(|_| local.mic)} />
            <label class="field">
                <span>{ tr.t(Text::DataUse) }</span>
                <select onchange={on_saver} data-testid="data-saver">
                    { for DataSaver::ALL.into_iter().map(|d| html! {
                        <option value={d.code()} selected={props.quality.saver == d}>{ tr.t(saver_text(d)) }</option>
                    }) }
                </select>
            </label>
            <p class="usage" data-testid="data-used">{ format!("{}: {}", tr.t(Text::DataUsedLastHour), megabytes(props.quality.bytes_last_hour)) }</p>
        </aside>
    }
}

fn saver_text(saver: DataSaver) -> Text {
    match saver {
        DataSaver::Auto => Text::SaverAuto,
        DataSaver::ReceiveAudioOnly => Text::SaverReceiveAudioOnly,
        DataSaver::AudioOnly => Text::SaverAudioOnly,
        DataSaver::FixedSite => Text::SaverFixedSite,
    }
}

/// `12.3 MB`, in integers (float formatting costs the client kilobytes).
fn megabytes(bytes: u64) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{} MB", tenths / 10, tenths % 10)
}
