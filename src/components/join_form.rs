use crate::call::Command;
use crate::components::device_select::device_select;
use crate::components::gallery_note::gallery_note;
use crate::components::icon::{icon, Glyph};
use crate::components::level_meter::LevelMeter;
use crate::components::media::{Media, Playback};
use crate::components::media_toggles::media_toggles;
use crate::error::JoinFailure;
use crate::hooks::use_stored;
use crate::i18n::{use_tr, Text};
use crate::state::{Devices, Local, MediaStatus};
use sala_protocol::{DisplayName, MeetingTitle, TextError};
use web_sys::HtmlInputElement;
use yew::prelude::*;

const NAME_KEY: &str = "sala.name";

#[derive(PartialEq, Properties)]
pub struct JoinFormProps {
    pub title: MeetingTitle,
    pub media: MediaStatus,
    pub local: Local,
    pub devices: Devices,
    pub joining: bool,
    /// Why the last Join did not go through.
    pub failure: Option<JoinFailure>,
    pub on_command: Callback<Command>,
}

/// The screen before entering: camera preview, microphone meter, device
/// pickers, camera/mic toggles and the participant's name.
#[function_component]
pub fn JoinForm(props: &JoinFormProps) -> Html {
    let tr = use_tr();
    // The name last joined with, offered again.
    let remembered = use_stored::<String>(NAME_KEY);
    let name = use_state(|| (*remembered).clone());
    let name_error = use_state_eq(|| None::<Text>);

    let oninput = {
        let (name, name_error) = (name.clone(), name_error.clone());
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<HtmlInputElement>().value());
            name_error.set(None);
        })
    };
    let onsubmit = {
        let (name, name_error, on_command) =
            (name.clone(), name_error.clone(), props.on_command.clone());
        let remembered = remembered.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match DisplayName::parse(&name) {
                Ok(valid) => {
                    remembered.set(valid.as_str().to_owned());
                    on_command.emit(Command::Join(valid));
                }
                Err(TextError::TooLong { .. }) => name_error.set(Some(Text::TextTooLong)),
                Err(TextError::Empty | TextError::Control) => {
                    name_error.set(Some(Text::NameRequired))
                }
            }
        })
    };

    let local = &props.local;
    let cmd = &props.on_command;
    let (mic, camera) = (local.mic, local.camera);
    let preview = match (&props.media, &local.stream, camera) {
        (MediaStatus::Requesting, ..) => html! {
            <div class="preview-off" aria-busy="true">{ icon(Glyph::Camera) }<span>{ tr.t(Text::StartingCamera) }</span></div>
        },
        (_, Some(stream), true) => html! {
            <Media stream={Clone::clone(stream)} playback={Playback::Video { mirror: true }} label={tr.t(Text::Camera)} />
        },
        _ => {
            html! { <div class="preview-off">{ icon(Glyph::CameraOff) }<span>{ tr.t(Text::CameraOff) }</span></div> }
        }
    };
    let media_error = match &props.media {
        MediaStatus::Failed(err) => html! {
            <div class="notice error" role="alert" data-testid="media-error">
                <p>{ tr.t(err.text()) }</p>
                <button type="button" class="secondary" onclick={cmd.reform(|_| Command::RetryMedia)}>{ tr.t(Text::TryAgain) }</button>
            </div>
        },
        MediaStatus::WatchOnly => html! {},
        MediaStatus::Requesting | MediaStatus::Ready => match &local.device_error {
            Some(err) => {
                html! { <p class="notice error" role="alert" data-testid="device-error">{ tr.t(err.text()) }</p> }
            }
            None => html! {},
        },
    };
    // The button says what joining will do, so nobody enters with a camera
    // or microphone on (or off) by surprise.
    let watch_only = props.media == MediaStatus::WatchOnly;
    let join_label = match (props.joining, mic, camera) {
        (true, ..) => Text::Joining,
        _ if watch_only => Text::JoinToWatch,
        (false, true, true) => Text::Join,
        (false, true, false) => Text::JoinWithCameraOff,
        (false, false, true) => Text::JoinWithMicOff,
        (false, false, false) => Text::JoinWithBothOff,
    };

    html! {
        <section class="join" aria-labelledby="join-title">
            if watch_only {
                <div class="join-preview"><div class="preview">{ gallery_note(tr) }</div></div>
            } else {
                <div class="join-preview">
                    <div class="preview">{ preview }</div>
                    <LevelMeter stream={local.stream.clone().filter(|_| mic)} />
                    { media_toggles(tr, mic, camera, "prejoin", cmd) }
                    { device_select(tr, tr.t(Text::Camera), &props.devices.cameras, local.camera_id.as_deref(),
                &cmd.reform(Command::SelectCamera), "camera-select", false) }
                    { device_select(tr, tr.t(Text::Microphone), &props.devices.mics, local.mic_id.as_deref(),
                &cmd.reform(Command::SelectMic), "mic-select", false) }
                </div>
            }
            <form class="join-form" {onsubmit} novalidate=true>
                <p class="eyebrow">{ tr.t(Text::JoinMeeting) }</p>
                <h1 id="join-title" data-testid="meeting-title">{ props.title.as_str() }</h1>
                { media_error }
                if let Some(failure) = props.failure {
                    <p class="notice error" role="alert" data-testid="join-error">{ tr.t(failure.text()) }</p>
                }
                <label class="field">
                    <span>{ tr.t(Text::YourName) }</span>
                    <input value={(*name).clone()} {oninput} maxlength="64" autocomplete="name" required=true
                        aria-invalid={name_error.is_some().to_string()} data-testid="name-input" />
                </label>
                if let Some(err) = *name_error {
                    <p class="field-error" role="alert">{ tr.t(err) }</p>
                }
                <button type="submit" class="primary" disabled={props.joining} data-testid="join-button">
                    { tr.t(join_label) }
                </button>
            </form>
        </section>
    }
}
