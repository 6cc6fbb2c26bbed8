use crate::call::Command;
use crate::components::device_select::DeviceSelect;
use crate::components::level_meter::LevelMeter;
use crate::i18n::{use_tr, Text};
use crate::state::{Devices, Local};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct DeviceSettingsProps {
    pub devices: Devices,
    pub local: Local,
    pub on_command: Callback<Command>,
}

/// The in-call side panel for switching camera and microphone; the switch
/// replaces the track on every connection without renegotiating.
#[function_component]
pub fn DeviceSettings(props: &DeviceSettingsProps) -> Html {
    let tr = use_tr();
    let (local, cmd) = (&props.local, &props.on_command);
    html! {
        <aside class="side-panel device-settings" aria-labelledby="devices-title" data-testid="device-settings">
            <h2 id="devices-title">{ tr.t(Text::Devices) }</h2>
            <DeviceSelect label={tr.t(Text::Camera)} devices={props.devices.cameras.clone()} selected={local.camera_id.clone()}
                on_select={cmd.reform(Command::SelectCamera)} testid="camera-select" always=true />
            <DeviceSelect label={tr.t(Text::Microphone)} devices={props.devices.mics.clone()} selected={local.mic_id.clone()}
                on_select={cmd.reform(Command::SelectMic)} testid="mic-select" always=true />
            <LevelMeter stream={local.stream.clone().filter(|_| local.mic)} />
        </aside>
    }
}
