use crate::call::Command;
use crate::components::controls::Controls;
use crate::components::device_settings::DeviceSettings;
use crate::components::media::{Media, Playback};
use crate::components::participant_list::ParticipantList;
use crate::components::tile::Tile;
use crate::i18n::{use_tr, Text};
use crate::state::{DataSaver, Link, Phase, Quality, State};
use sala_protocol::QualityTier;
use std::rc::Rc;
use yew::prelude::*;

/// The side panel beside the tiles, one at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Participants,
    Devices,
}

#[derive(PartialEq, Properties)]
pub struct RoomProps {
    pub state: Rc<State>,
    pub on_command: Callback<Command>,
}

/// The meeting room: a presented screen on stage if any, the tile grid,
/// a side panel (participants or devices) and the controls bar.
#[function_component]
pub fn Room(props: &RoomProps) -> Html {
    let tr = use_tr();
    let panel = use_state_eq(|| None::<Panel>);
    let s = &props.state;
    let Some(me) = &s.me else { return html! {} };
    let mut me_now = me.clone();
    me_now.media.mic = s.local.mic;
    me_now.media.camera = s.local.camera;
    me_now.media.tier = s.quality.send;
    me_now.media.receive = s.quality.receive;

    let stage = match (&s.local.screen, s.presenter()) {
        (Some(own), _) => Some((Clone::clone(own), me.name.clone())),
        (None, Some(p)) => p.screen.clone().map(|st| (st, p.info.name.clone())),
        (None, None) => None,
    };
    let tiles = s.peers.values().map(|p| {
        html! {
            <Tile key={p.info.id.0} name={p.info.name.clone()} role={p.info.role} media={p.info.media.clone()}
                stream={p.main.clone()} link={p.link} />
        }
    });
    let banner = match (&s.phase, s.local.share_refused, &s.local.device_error) {
        (Phase::Reconnecting, ..) => Some(Text::Reconnecting),
        (_, true, _) => Some(Text::ScreenShareRefused),
        (_, _, Some(err)) => Some(err.text()),
        _ => None,
    };
    let quality_banner = quality_text(&s.quality);
    let side = match *panel {
        Some(Panel::Participants) => html! {
            <ParticipantList me={me_now.clone()} others={s.peers.values().map(|p| p.info.clone()).collect::<Vec<_>>()} />
        },
        Some(Panel::Devices) => html! {
            <DeviceSettings devices={s.devices.clone()} local={s.local.clone()} quality={s.quality}
                on_command={props.on_command.clone()} />
        },
        None => html! {},
    };
    let on_panel = {
        let panel = panel.clone();
        Callback::from(move |p: Panel| panel.set((*panel != Some(p)).then_some(p)))
    };
    html! {
        <section class={classes!("room", stage.is_some().then_some("presenting"), panel.is_some().then_some("with-panel"))}
            data-testid="room">
            <header class="room-header">
                <h1>{ s.meeting.as_ref().map(|m| m.title.to_string()).unwrap_or_default() }</h1>
                if let Some(text) = banner {
                    <div class="banner" role="status" data-testid="banner">{ tr.t(text) }</div>
                }
                if let Some(text) = quality_banner {
                    <div class="banner quality" role="status" data-testid="quality-banner"
                        data-tier={s.quality.tier().as_str()}>{ tr.t(text) }</div>
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
            { side }
            <Controls mic={s.local.mic} camera={s.local.camera} sharing={s.local.screen.is_some()}
                participants={s.peers.len() + 1} panel={*panel} on_command={props.on_command.clone()} {on_panel} />
        </section>
    }
}

/// The plain-language line about one's own link, if it is not at full quality.
fn quality_text(q: &Quality) -> Option<Text> {
    let chosen = matches!(q.saver, DataSaver::ReceiveAudioOnly | DataSaver::AudioOnly);
    match q.tier() {
        QualityTier::VideoHigh => None,
        QualityTier::AudioSlides if chosen => Some(Text::DataSaverOn),
        QualityTier::VideoLow => Some(Text::WeakConnectionLowVideo),
        QualityTier::AudioSlides => Some(Text::WeakConnectionAudioSlides),
        QualityTier::AudioMinimal => Some(Text::WeakConnectionAudioOnly),
    }
}
