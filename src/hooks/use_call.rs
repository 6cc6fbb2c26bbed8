use crate::call::{CallHandle, Command};
use crate::pass::Pass;
use crate::state::State;
use sala_protocol::MeetingId;
use yew::prelude::*;

/// Runs the call engine for `meeting` while the calling component is mounted.
/// Returns the state to render and the callback that sends [`Command`]s.
/// On unmount the engine leaves the meeting and stops camera, microphone and screen.
///
/// ```ignore
/// let (state, command) = use_call(meeting_id, pass);
/// let mute = command.reform(|_| Command::SetMic(false));
/// ```
#[hook]
pub fn use_call(meeting: MeetingId, pass: Pass) -> (UseReducerHandle<State>, Callback<Command>) {
    let state = use_reducer(State::default);
    let command = use_state(Callback::<Command>::noop);
    {
        let dispatcher = state.dispatcher();
        let set_command = command.setter();
        use_effect_with((meeting, pass), move |(meeting, pass)| {
            let handle = CallHandle::start(
                meeting.clone(),
                pass.clone(),
                Callback::from(move |a| dispatcher.dispatch(a)),
            );
            set_command.set(handle.callback());
            move || drop(handle)
        });
    }
    (state, (*command).clone())
}
