use crate::call::Command;
use crate::components::controls::Controls;
use crate::components::media::{Media, Playback};
use crate::components::participant_list::ParticipantList;
use crate::components::tile::Tile;
use crate::i18n::{use_tr, Text};
use crate::state::{Link, Phase, State};
use std::rc::Rc;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct RoomProps {
    pub state: Rc<State>,
    pub on_command: Callback<Command>,
}

/// The meeting room: a presented screen on stage if any, the tile grid,
/// the participant list and the controls bar.
#[function_component]
pub fn Room(props: &RoomProps) -> Html {
    let tr = use_tr();
    let list_open = use_state_eq(|| false);
    let s = &props.state;
    let Some(me) = &s.me else { return html! {} };
    let mut me_now = me.clone();
    me_now.media.mic = s.local.mic;
    me_now.media.camera = s.local.camera;

    let stage = match (&s.local.screen, s.presenter()) {
        (Some(own), _) => Some((own.clone(), me.name.clone())),
        (None, Some(p)) => p.screen.clone().map(|st| (st, p.info.name.clone())),
        (None, None) => None,
    };
    let tiles = s.peers.values().map(|p| {
        html! {
            <Tile key={p.info.id.0} name={p.info.name.clone()} role={p.info.role} media={p.info.media.clone()}
                stream={p.main.clone()} link={p.link} />
        }
    });
    let banner = match (&s.phase, s.local.share_refused) {
        (Phase::Reconnecting, _) => Some(Text::Reconnecting),
        (_, true) => Some(Text::ScreenShareRefused),
        _ => None,
    };
    html! {
        <section class={classes!("room", stage.is_some().then_some("presenting"), (*list_open).then_some("with-list"))}
            data-testid="room">
            <header class="room-header">
                <h1>{ s.meeting.as_ref().map(|m| m.title.to_string()).unwrap_or_default() }</h1>
                if let Some(text) = banner {
                    <div class="banner" role="status" data-testid="banner">{ tr.t(text) }</div>
                }
            </header>
            <div class="room-main">
            if let Some((stream, name)) = stage {
                <div class="stage" data-testid="stage">
                    <Media {stream} playback={Playback::Video { mirror: false }} label={name.to_string()} />
                    <div class="stage-label">{ format!("{} {}", tr.t(Text::ScreenOf), name) }</div>
                </div>
            }
            <div class="grid" data-count={(s.peers.len() + 1).to_string()}>
                <Tile name={me.name.clone()} role={me.role} media={me_now.media.clone()} stream={s.local.stream.clone()}
                    link={Link::Connected} is_me=true />
                { for tiles }
            </div>
            if s.peers.is_empty() {
                <p class="alone">{ tr.t(Text::WaitingForOthers) }</p>
            }
            </div>
            if *list_open {
                <ParticipantList me={me_now.clone()} others={s.peers.values().map(|p| p.info.clone()).collect::<Vec<_>>()} />
            }
            <Controls mic={s.local.mic} camera={s.local.camera} sharing={s.local.screen.is_some()}
                participants={s.peers.len() + 1} on_command={props.on_command.clone()}
                on_toggle_list={{ let l = list_open.clone(); Callback::from(move |()| l.set(!*l)) }} />
        </section>
    }
}
