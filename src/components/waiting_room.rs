use crate::call::Command;
use crate::components::gallery_note::gallery_note;
use crate::components::icon::{icon, Glyph};
use crate::components::media::{Media, Playback};
use crate::components::media_toggles::media_toggles;
use crate::i18n::{use_tr, Text};
use crate::state::Local;
use sala_protocol::{policy, MeetingTitle, Role};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct WaitingRoomProps {
    pub title: MeetingTitle,
    pub role: Role,
    pub local: Local,
    /// Sent back out of the room (a witness between two calls).
    pub excused: bool,
    /// The socket dropped; our place is kept while we reconnect.
    pub reconnecting: bool,
    pub on_command: Callback<Command>,
}

/// The lobby, as the one waiting sees it: why they wait, their own preview
/// (so they can fix camera and microphone before they are let in), and a way
/// out. Nothing of the room is shown: the server sends none of it.
#[function_component]
pub fn WaitingRoom(props: &WaitingRoomProps) -> Html {
    let tr = use_tr();
    let local = &props.local;
    let cmd = &props.on_command;
    let (mic, camera) = (local.mic, local.camera);
    let (heading, hint) = match (props.excused, props.role) {
        (true, _) => (Text::ExcusedTitle, Text::ExcusedHint),
        (false, Role::Witness) => (Text::WaitingTitle, Text::WitnessWaitingHint),
        (false, _) => (Text::WaitingTitle, Text::WaitingHint),
    };
    let preview = match (&local.stream, camera) {
        (Some(stream), true) => html! {
            <Media stream={Clone::clone(stream)} playback={Playback::Video { mirror: true }} label={tr.t(Text::Camera)} />
        },
        _ => {
            html! { <div class="preview-off">{ icon(Glyph::CameraOff) }<span>{ tr.t(Text::CameraOff) }</span></div> }
        }
    };
    html! {
        <section class="join waiting" aria-labelledby="waiting-title" data-testid="waiting-room"
            data-excused={props.excused.to_string()}>
            // The public gallery captures nothing: nothing to preview.
            if policy::watches_only(props.role) {
                <div class="join-preview"><div class="preview">{ gallery_note(tr) }</div></div>
            } else {
                <div class="join-preview">
                    <div class="preview">{ preview }</div>
                    { media_toggles(tr, mic, camera, "waiting", cmd) }
                </div>
            }
            <div class="join-form">
                <p class="eyebrow">{ props.title.as_str() }</p>
                <h1 id="waiting-title" data-testid="waiting-title">{ tr.t(heading) }</h1>
                <div class="waiting-pulse" aria-hidden="true"><span></span><span></span><span></span></div>
                <p class="lead" role="status" data-testid="waiting-hint">{ tr.t(hint) }</p>
                if props.reconnecting {
                    <p class="notice" role="status" data-testid="waiting-reconnecting">{ tr.t(Text::StillWaitingReconnecting) }</p>
                }
                <button type="button" class="secondary" onclick={cmd.reform(|_| Command::Leave)} data-testid="waiting-leave">
                    { tr.t(Text::Leave) }
                </button>
            </div>
        </section>
    }
}
