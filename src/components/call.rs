use crate::call::Command;
use crate::components::call_ended::CallEnded;
use crate::components::join_form::JoinForm;
use crate::components::room::Room;
use crate::components::waiting_room::WaitingRoom;
use crate::hooks::use_call;
use crate::joined::{self, Joined};
use crate::pass::Pass;
use crate::state::{Phase, State};
use sala_protocol::MeetingInfo;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct CallProps {
    pub meeting: MeetingInfo,
    pub pass: Pass,
    pub on_rejoin: Callback<()>,
}

/// One attempt at being in a meeting: join screen, room, then the end screen.
/// Mounting it starts capture; unmounting it leaves and releases the devices.
/// The screens after Join come with the in-call code (`crate::joined`): it is
/// fetched as the join screen opens, and asked for again on Join.
#[function_component]
pub fn Call(props: &CallProps) -> Html {
    let (state, command) = use_call(props.meeting.id.clone(), props.pass.clone());
    let joined = use_state(|| None::<Joined>);
    let pressed = !matches!(state.phase, Phase::PreJoin(_));
    {
        let joined = joined.setter();
        use_effect_with(pressed, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // A failure is the engine's to show: it loads the same chunk on Join.
                if let Ok(parts) = joined::load().await {
                    joined.set(Some(parts));
                }
            });
        });
    }
    match (&state.phase, *joined) {
        (Phase::Ended(end), _) => {
            html! { <CallEnded end={*end} on_rejoin={props.on_rejoin.clone()} /> }
        }
        (Phase::PreJoin(_) | Phase::Joining, _) | (_, None) => html! {
            <JoinForm title={props.meeting.title.clone()} media={state.media.clone()} local={state.local.clone()}
                devices={state.devices.clone()} joining={pressed}
                failure={match state.phase { Phase::PreJoin(failure) => failure, _ => None }} on_command={command} />
        },
        (_, Some(joined)) => (joined.view)(&state, props, &command),
    }
}

/// The screens past Join: the lobby and the room (in the in-call chunk).
pub fn joined_view(state: &State, props: &CallProps, command: &Callback<Command>) -> Html {
    match &state.phase {
        Phase::Waiting {
            excused,
            reconnecting,
        } => {
            let role = state
                .me
                .as_ref()
                .map_or(sala_protocol::Role::Participant, |m| m.role);
            html! {
                <WaitingRoom title={props.meeting.title.clone()} {role} local={state.local.clone()}
                    excused={*excused} reconnecting={*reconnecting} on_command={command} />
            }
        }
        Phase::InCall | Phase::Reconnecting => {
            let snapshot = std::rc::Rc::new(state.clone());
            html! { <Room state={snapshot} host_key={props.pass.host_key()} on_command={command} /> }
        }
        Phase::PreJoin(_) | Phase::Joining | Phase::Ended(_) => html! {},
    }
}
