use crate::components::icon::{Glyph, Icon};
use crate::i18n::{use_tr, Text};
use sala_protocol::PeerInfo;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct ParticipantListProps {
    pub me: PeerInfo,
    pub others: Vec<PeerInfo>,
}

/// Everyone in the meeting, with their role and microphone/camera state.
#[function_component]
pub fn ParticipantList(props: &ParticipantListProps) -> Html {
    let tr = use_tr();
    let row = |p: &PeerInfo, me: bool| {
        html! {
            <li data-testid="participant" data-name={p.name.to_string()}>
                <span class="participant-name">{ p.name.as_str() }</span>
                if me { <span class="tag">{ tr.t(Text::You) }</span> }
                if let Some(role) = Text::role_tag(p.role) {
                    <span class="tag role" data-testid="role-tag">{ tr.t(role) }</span>
                }
                <span class="participant-state">
                    <span title={tr.t(if p.media.mic { Text::Microphone } else { Text::Muted })}>
                        <Icon glyph={if p.media.mic { Glyph::Mic } else { Glyph::MicOff }} />
                    </span>
                    <span title={tr.t(if p.media.camera { Text::Camera } else { Text::CameraOff })}>
                        <Icon glyph={if p.media.camera { Glyph::Camera } else { Glyph::CameraOff }} />
                    </span>
                </span>
            </li>
        }
    };
    html! {
        <aside class="side-panel participants" data-testid="participant-list" aria-label={tr.t(Text::Participants)}>
            <h2>{ format!("{} ({})", tr.t(Text::Participants), props.others.len() + 1) }</h2>
            <ul>
                { row(&props.me, true) }
                { for props.others.iter().map(|p| row(p, false)) }
            </ul>
        </aside>
    }
}
