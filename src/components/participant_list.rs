use crate::call::Command;
use crate::components::icon::{icon, Glyph};
use crate::i18n::{use_tr, Text};
use crate::sorted_map::SortedSet;
use sala_protocol::{policy, ClientMsg, Consultation, Hold, OathForm, PeerId, PeerInfo, Role};
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct ParticipantListProps {
    pub me: PeerInfo,
    pub others: Vec<PeerInfo>,
    /// Raised hands, first raised first.
    #[prop_or_default]
    pub hands: Vec<PeerId>,
    /// Asked to take the oath, not yet done.
    #[prop_or_default]
    pub oath_asked: SortedSet<PeerId>,
    /// The room is closed to newcomers.
    #[prop_or_default]
    pub locked: bool,
    /// Newcomers wait in the lobby.
    #[prop_or_default]
    pub lobby_on: bool,
    /// A hearing: its lobby stays on.
    #[prop_or_default]
    pub hearing: bool,
    /// We are out in a private consultation (`others` are in it with us).
    #[prop_or_default]
    pub consulting: bool,
    /// Who is out of the room in private consultations.
    #[prop_or_default]
    pub consultations: Vec<Consultation>,
    #[prop_or_default]
    pub on_command: Callback<Command>,
}

/// Everyone in the meeting, with their role and microphone/camera state.
/// The host and co-hosts also get the room's controls: remove someone, lock
/// the room, end the meeting for all, call people back from a private
/// consultation; the host gives the co-host role (the server checks the
/// role again). Counsel and parties ask each other to private consultations.
#[function_component]
pub fn ParticipantList(props: &ParticipantListProps) -> Html {
    let tr = use_tr();
    let confirming = use_state_eq(|| false);
    let moderator = props.me.role.moderates();
    let cmd = &props.on_command;
    // Who may do what is the server's rule, stated once in `policy`: the
    // list offers exactly what the server will allow.
    let mine = props.me.role;
    let row = |p: &PeerInfo, me: bool| {
        let consultable =
            !me && !props.consulting && policy::may_consult(mine) && policy::may_consult(p.role);
        let co_host = p.role == Role::CoHost;
        let co_host_to = if co_host {
            Role::Participant
        } else {
            Role::CoHost
        };
        let promotable = !me && policy::may_set_role(mine, p.role, co_host_to);
        let removable = !me && policy::may_remove(mine, p.role);
        let excusable = !me && policy::may_excuse(mine, p.role);
        // The gallery is held for good: no held tag; its toggle lets it
        // take part again.
        let watching = policy::watches_only(p.role);
        let holdable = !me && policy::may_hold(mine, p.role);
        let gallery_to = if watching {
            Role::Participant
        } else {
            Role::Observer
        };
        let to_gallery = !me && policy::may_set_role(mine, p.role, gallery_to);
        let id = p.id;
        let hold = p.hold;
        let hand = props.hands.iter().position(|h| *h == id).map(|i| i + 1);
        let asked = props.oath_asked.contains(&id);
        let swears = policy::may_be_sworn(p.role);
        html! {
            <li data-testid="participant" data-name={p.name.to_string()}>
                <span class="participant-name">{ p.name.as_str() }</span>
                if me { <span class="tag">{ tr.t(Text::You) }</span> }
                if let Some(role) = Text::role_tag(p.role) {
                    <span class="tag role" data-testid="role-tag">{ tr.t(role) }</span>
                }
                if let Some(place) = hand {
                    <span class="tag hand" data-testid="hand" title={tr.t(Text::HandRaised)}>
                        { icon(Glyph::Hand) }{ place }
                    </span>
                }
                if hold.mic && !watching {
                    <span class="tag held" data-testid="held-tag">{ tr.t(Text::HeldTag) }</span>
                }
                if let Some(form) = p.oath {
                    <span class="tag sworn" data-testid="oath-tag">
                        { tr.t(match form { OathForm::Oath => Text::Sworn, OathForm::Affirmation => Text::Affirmed }) }
                    </span>
                } else if asked {
                    <span class="tag" data-testid="oath-pending">{ tr.t(Text::TakingOath) }</span>
                }
                <span class="participant-state">
                    <span title={tr.t(if p.media.mic { Text::Microphone } else { Text::Muted })}>
                        { icon(if p.media.mic { Glyph::Mic } else { Glyph::MicOff }) }
                    </span>
                    <span title={tr.t(if p.media.camera { Text::Camera } else { Text::CameraOff })}>
                        { icon(if p.media.camera { Glyph::Camera } else { Glyph::CameraOff }) }
                    </span>
                </span>
                if moderator && swears && p.oath.is_none() && !asked {
                    <button type="button" class="secondary small" data-testid="ask-oath"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::AskOath { peer: id }))}>{ tr.t(Text::AskOath) }</button>
                }
                if moderator && hand.is_some() {
                    <button type="button" class="secondary small" data-testid="lower-hand"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::LowerHand { peer: id }))}>{ tr.t(Text::LowerHand) }</button>
                }
                if holdable {
                    <button type="button" class="secondary small" data-testid="hold-mic"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::Hold { peer: id, hold: Hold { mic: !hold.mic, ..hold } }))}>
                        { tr.t(if hold.mic { Text::LetSpeak } else { Text::MuteThem }) }
                    </button>
                    <button type="button" class="secondary small" data-testid="hold-camera"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::Hold { peer: id, hold: Hold { camera: !hold.camera, ..hold } }))}>
                        { tr.t(if hold.camera { Text::AllowCamera } else { Text::StopTheirCamera }) }
                    </button>
                }
                if excusable {
                    <button type="button" class="secondary small" data-testid="excuse-participant"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::Excuse { peer: id }))}>{ tr.t(Text::Excuse) }</button>
                }
                if consultable {
                    <button type="button" class="secondary small" data-testid="consult"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::Consult { with: id }))}>{ tr.t(Text::ConsultPrivately) }</button>
                }
                if promotable {
                    <button type="button" class="secondary small" data-testid="cohost-toggle" aria-pressed={co_host.to_string()}
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::SetRole { peer: id, role: co_host_to }))}>
                        { tr.t(if co_host { Text::RemoveCoHost } else { Text::MakeCoHost }) }
                    </button>
                }
                if to_gallery {
                    <button type="button" class="secondary small" data-testid="gallery-toggle" aria-pressed={watching.to_string()}
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::SetRole { peer: id, role: gallery_to }))}>
                        { tr.t(if watching { Text::LetTakePart } else { Text::MoveToGallery }) }
                    </button>
                }
                if removable {
                    <button type="button" class="secondary small" data-testid="remove-participant"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::Remove { peer: id }))}>{ tr.t(Text::RemoveParticipant) }</button>
                }
            </li>
        }
    };
    let locked = props.locked;
    let lobby_on = props.lobby_on;
    let controls = if moderator {
        let set_confirming = |on: bool| {
            let confirming = confirming.clone();
            Callback::from(move |_| confirming.set(on))
        };
        html! {
            <div class="room-controls">
                <button type="button" class="secondary" data-testid="mute-all"
                    onclick={cmd.reform(|_| Command::Send(ClientMsg::MuteAll))}>{ tr.t(Text::MuteAll) }</button>
                <button type="button" class="secondary" aria-pressed={locked.to_string()} data-testid="lock-toggle"
                    onclick={cmd.reform(move |_| Command::Send(ClientMsg::Lock { locked: !locked }))}>
                    { tr.t(if locked { Text::UnlockMeeting } else { Text::LockMeeting }) }
                </button>
                if !props.hearing {
                    <button type="button" class="secondary" aria-pressed={lobby_on.to_string()} data-testid="lobby-toggle"
                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::SetLobby { on: !lobby_on }))}>
                        { tr.t(if lobby_on { Text::TurnLobbyOff } else { Text::TurnLobbyOn }) }
                    </button>
                }
                if *confirming {
                    <button type="button" class="danger" data-testid="end-confirm"
                        onclick={cmd.reform(|_| Command::Send(ClientMsg::EndMeeting))}>{ tr.t(Text::ConfirmEndForAll) }</button>
                    <button type="button" class="secondary" onclick={set_confirming(false)}>{ tr.t(Text::Cancel) }</button>
                } else {
                    <button type="button" class="danger" data-testid="end-for-all"
                        onclick={set_confirming(true)}>{ tr.t(Text::EndForAll) }</button>
                }
            </div>
        }
    } else {
        html! {}
    };
    html! {
        <aside class="side-panel participants" data-testid="participant-list" aria-label={tr.t(Text::Participants)}>
            <h2>{ format!("{} ({})", tr.t(Text::Participants), props.others.len() + 1) }</h2>
            if locked {
                <p class="hint" data-testid="locked-note">{ tr.t(Text::MeetingLockedNote) }</p>
            }
            if lobby_on && moderator {
                <p class="hint" data-testid="lobby-note">{ tr.t(Text::LobbyOnNote) }</p>
            }
            { controls }
            <ul>
                { row(&props.me, true) }
                { for props.others.iter().map(|p| row(p, false)) }
            </ul>
            if !props.consultations.is_empty() {
                <h3>{ tr.t(Text::OutInConsultation) }</h3>
                <ul data-testid="consultations">
                    { for props.consultations.iter().map(|c| {
                        let id = c.id;
                        let names = c.members.iter().map(|m| m.name.to_string()).collect::<Vec<_>>().join(", ");
                        html! {
                            <li data-testid="consultation" data-names={names.clone()}>
                                <span class="participant-name">{ names }</span>
                                if moderator {
                                    <button type="button" class="secondary small" data-testid="call-back"
                                        onclick={cmd.reform(move |_| Command::Send(ClientMsg::EndConsultation { consultation: id }))}>{ tr.t(Text::CallBack) }</button>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </aside>
    }
}
