use crate::call::Command;
use crate::components::icon::{icon, Glyph};
use crate::components::room::Panel;
use crate::i18n::{use_tr, Text};
use sala_protocol::{ClientMsg, Hold};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The chosen file, if any; the input is cleared so the same file can be chosen again.
fn present_file(e: Event) -> Option<Command> {
    let input: HtmlInputElement = e.target_dyn_into()?;
    let file = input.files()?.get(0)?;
    input.set_value("");
    Some(Command::PresentFile(file))
}

#[derive(PartialEq, Properties)]
pub struct ControlsProps {
    pub mic: bool,
    pub camera: bool,
    /// What the host holds of ours: those toggles are locked off.
    #[prop_or_default]
    pub held: Hold,
    /// Our hand is raised.
    #[prop_or_default]
    pub hand_up: bool,
    /// We are out in a private consultation: no hand, slides or chat.
    #[prop_or_default]
    pub consulting: bool,
    /// We are in the public gallery: nothing of ours to switch on or share.
    #[prop_or_default]
    pub watching: bool,
    pub sharing: bool,
    /// Our deck upload is being rendered.
    pub uploading: bool,
    pub participants: usize,
    /// Messages in the room's chat.
    #[prop_or_default]
    pub messages: usize,
    /// The side panel open now, if any.
    pub panel: Option<Panel>,
    /// We came in by the host link: the invitations panel is ours.
    #[prop_or_default]
    pub hosting: bool,
    pub on_command: Callback<Command>,
    pub on_panel: Callback<Panel>,
}

/// The bar at the bottom of the room: mic, camera, screen, participants, devices, leave.
#[function_component]
pub fn Controls(props: &ControlsProps) -> Html {
    let tr = use_tr();
    let (mic, camera, sharing, hand_up) = (props.mic, props.camera, props.sharing, props.hand_up);
    let cmd = &props.on_command;
    let button = |on: bool,
                  glyph_on: Glyph,
                  glyph_off: Glyph,
                  label: Text,
                  testid: &'static str,
                  held: bool,
                  onclick: Callback<MouseEvent>| {
        html! {
            <button type="button" class={classes!("control", (!on).then_some("off"))} aria-pressed={on.to_string()}
                disabled={held} {onclick} data-testid={testid}>
                { icon(if on { glyph_on } else { glyph_off }) }
                <span>{ tr.t(label) }</span>
            </button>
        }
    };
    let panel_button = |panel: Panel, glyph: Glyph, label: String, testid: &'static str| {
        let open = props.panel == Some(panel);
        html! {
            <button type="button" class={classes!("control", open.then_some("active"))} aria-expanded={open.to_string()}
                onclick={props.on_panel.reform(move |_| panel)} data-testid={testid}>
                { icon(glyph) }
                <span>{ label }</span>
            </button>
        }
    };
    let on_file = {
        let cmd = cmd.clone();
        Callback::from(move |e: Event| {
            if let Some(c) = present_file(e) {
                cmd.emit(c);
            }
        })
    };
    html! {
        <div class="controls" role="toolbar">
            if !props.watching {
                { button(mic, Glyph::Mic, Glyph::MicOff, if mic { Text::Mute } else { Text::Unmute }, "mic-toggle",
                    props.held.mic, cmd.reform(move |_| Command::SetMic(!mic))) }
                { button(camera, Glyph::Camera, Glyph::CameraOff, if camera { Text::StopCamera } else { Text::StartCamera }, "camera-toggle",
                    props.held.camera, cmd.reform(move |_| Command::SetCamera(!camera))) }
            }
            if !props.consulting {
                <button type="button" class={classes!("control", hand_up.then_some("active"))} aria-pressed={hand_up.to_string()}
                    onclick={cmd.reform(move |_| Command::Send(ClientMsg::RaiseHand { up: !hand_up }))} data-testid="hand-toggle">
                    { icon(Glyph::Hand) }
                    <span>{ tr.t(if hand_up { Text::LowerHand } else { Text::RaiseHand }) }</span>
                </button>
            }
            if !props.watching {
                <button type="button" class={classes!("control", sharing.then_some("active"))} aria-pressed={sharing.to_string()}
                    onclick={cmd.reform(move |_| if sharing { Command::StopShare } else { Command::ShareScreen })} data-testid="share-toggle">
                    { icon(Glyph::Screen) }
                    <span>{ tr.t(if sharing { Text::StopSharing } else { Text::ShareScreen }) }</span>
                </button>
            }
            if !props.consulting && !props.watching {
                <label class={classes!("button", "control", props.uploading.then_some("active"))} data-testid="present-slides">
                    <input type="file" class="visually-hidden" accept=".pdf,application/pdf,image/png,image/jpeg,image/webp"
                        disabled={props.uploading} onchange={on_file} data-testid="slides-file" />
                    { icon(Glyph::Slides) }
                    <span>{ tr.t(if props.uploading { Text::PreparingSlides } else { Text::PresentSlides }) }</span>
                </label>
            }
            { panel_button(Panel::Participants, Glyph::People, format!("{} ({})", tr.t(Text::Participants), props.participants), "list-toggle") }
            if !props.consulting {
                { panel_button(Panel::Chat, Glyph::Chat, format!("{} ({})", tr.t(Text::Chat), props.messages), "chat-toggle") }
            }
            { panel_button(Panel::Devices, Glyph::Sliders, tr.t(Text::Devices).to_owned(), "devices-toggle") }
            if props.hosting {
                { panel_button(Panel::Invites, Glyph::Link, tr.t(Text::Invitations).to_owned(), "invites-toggle") }
            }
            <button type="button" class="control leave" onclick={cmd.reform(|_| Command::Leave)} data-testid="leave">
                { icon(Glyph::Leave) }
                <span>{ tr.t(Text::Leave) }</span>
            </button>
        </div>
    }
}
