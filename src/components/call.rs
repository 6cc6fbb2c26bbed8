use crate::components::call_ended::CallEnded;
use crate::components::join_form::JoinForm;
use crate::components::room::Room;
use crate::components::waiting_room::WaitingRoom;
use crate::hooks::use_call;
use crate::pass::Pass;
use crate::state::Phase;
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
#[function_component]
pub fn Call(props: &CallProps) -> Html {
    let (state, command) = use_call(props.meeting.id.clone(), props.pass.clone());
    match &state.phase {
        Phase::PreJoin | Phase::Joining => html! {
            <JoinForm title={props.meeting.title.clone()} media={state.media.clone()} local={state.local.clone()}
                devices={state.devices.clone()} joining={state.phase == Phase::Joining} on_command={command} />
        },
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
            let snapshot = std::rc::Rc::new((*state).clone());
            html! { <Room state={snapshot} host_key={props.pass.host_key()} on_command={command} /> }
        }
        Phase::Ended(end) => html! { <CallEnded end={*end} on_rejoin={props.on_rejoin.clone()} /> },
    }
}
