use crate::call::Command;
use crate::i18n::{use_tr, Text};
use sala_protocol::{ClientMsg, ConsultationId, PeerInfo};
use yew::prelude::*;

/// Someone asks us to a private consultation.
#[derive(Clone, Debug, PartialEq)]
pub struct Invitation {
    pub id: ConsultationId,
    pub from: PeerInfo,
}

#[derive(PartialEq, Properties)]
pub struct ConsultBarProps {
    /// While we are out in a private consultation: the others in it.
    #[prop_or_default]
    pub consulting_with: Option<Vec<PeerInfo>>,
    /// Consultations we are asked to.
    #[prop_or_default]
    pub invites: Vec<Invitation>,
    /// Who declined a consultation we asked for.
    #[prop_or_default]
    pub declined: Vec<PeerInfo>,
    pub on_command: Callback<Command>,
}

/// Above the room: that we are in a private consultation (and the way back),
/// invitations to one, and declines of ours. Shown only when there is
/// something to say.
#[function_component]
pub fn ConsultBar(props: &ConsultBarProps) -> Html {
    let tr = use_tr();
    let cmd = &props.on_command;
    let names = |peers: &[PeerInfo]| {
        peers
            .iter()
            .map(|p| p.name.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let out = props.consulting_with.as_ref().map(|with| {
        html! {
            <section class="consult-bar out" role="region" aria-label={tr.t(Text::InConsultationTitle)}
                data-testid="consultation-banner">
                <h2>
                    if with.is_empty() {
                        { tr.t(Text::ConsultPrivately) }
                    } else {
                        { format!("{} {}", tr.t(Text::InConsultationTitle), names(with)) }
                    }
                </h2>
                <p>{ tr.t(if with.is_empty() { Text::InConsultationAlone } else { Text::InConsultationHint }) }</p>
                <button type="button" class="primary" data-testid="return-to-room"
                    onclick={cmd.reform(|_| Command::Send(ClientMsg::ReturnToRoom))}>{ tr.t(Text::BackToRoom) }</button>
            </section>
        }
    });
    let invite = |i: &Invitation| {
        let id = i.id;
        html! {
            <li data-testid="consult-invite" data-name={i.from.name.to_string()}>
                <span>{ format!("{} {}", i.from.name, tr.t(Text::ConsultInviteFrom)) }</span>
                <button type="button" class="primary small" data-testid="consult-accept"
                    onclick={cmd.reform(move |_| Command::AnswerConsult(id, true))}>{ tr.t(Text::JoinConsultation) }</button>
                <button type="button" class="secondary small" data-testid="consult-decline"
                    onclick={cmd.reform(move |_| Command::AnswerConsult(id, false))}>{ tr.t(Text::DeclineConsultation) }</button>
            </li>
        }
    };
    let declined = |p: &PeerInfo| {
        let id = p.id;
        html! {
            <li data-testid="consult-declined" data-name={p.name.to_string()}>
                <span>{ format!("{} {}", p.name, tr.t(Text::ConsultDeclinedBy)) }</span>
                <button type="button" class="secondary small" aria-label={tr.t(Text::Dismiss)}
                    onclick={cmd.reform(move |_| Command::DismissDeclined(id))}>{ "×" }</button>
            </li>
        }
    };
    let notices = !props.invites.is_empty() || !props.declined.is_empty();
    html! {
        <>
            { out.unwrap_or_default() }
            if notices {
                <section class="consult-bar" role="region" aria-label={tr.t(Text::ConsultPrivately)}
                    data-testid="consult-notices">
                    <ul>
                        { for props.invites.iter().map(invite) }
                        { for props.declined.iter().map(declined) }
                    </ul>
                </section>
            }
        </>
    }
}
