use crate::call::Command;
use crate::components::chat_panel::ChatPanel;
use crate::components::consult_bar::{ConsultBar, Invitation};
use crate::components::controls::Controls;
use crate::components::device_settings::DeviceSettings;
use crate::components::invite_panel::InvitePanel;
use crate::components::lobby_bar::lobby_bar;
use crate::components::media::{Media, Playback};
use crate::components::oath_dialog::OathDialog;
use crate::components::participant_list::ParticipantList;
use crate::components::slide_stage::{slide_stage, still};
use crate::components::tile::Tile;
use crate::i18n::{use_tr, Text};
use crate::state::{DataSaver, Link, Phase, Quality, State, Upload};
use sala_protocol::{policy, HostKey, MeetingKind, QualityTier};
use std::rc::Rc;
use yew::prelude::*;

/// The side panel beside the tiles, one at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Participants,
    Devices,
    /// The host's invitation links.
    Invites,
    Chat,
}

#[derive(PartialEq, Properties)]
pub struct RoomProps {
    pub state: Rc<State>,
    /// Our host key, when we came in by the host link: we manage invitations.
    #[prop_or_default]
    pub host_key: Option<HostKey>,
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

    let stage = stage(s, props, &tr);
    let hand = |id| s.hands.iter().position(|h| *h == id).map(|i| i + 1);
    // The public gallery sends nothing to show: it has no tile, on its own
    // screen or anyone's; the participants list names it.
    let watching = policy::watches_only(me.role);
    let on_stage: Vec<_> = s
        .peers
        .values()
        .filter(|p| !policy::watches_only(p.info.role))
        .collect();
    let shown = on_stage.len() + usize::from(!watching);
    let tiles = on_stage.iter().map(|p| {
        html! {
            <Tile key={p.info.id.0} name={p.info.name.clone()} role={p.info.role} media={p.info.media.clone()}
                stream={p.main.clone()} link={p.link} hand={hand(p.info.id)} />
        }
    });
    let banner = match (
        &s.phase,
        s.local.share_refused,
        &s.local.device_error,
        &s.slides.upload,
    ) {
        (Phase::Reconnecting, ..) => Some(Text::Reconnecting),
        // The gallery is held for good; nothing of it to tell.
        _ if watching => None,
        _ if me.hold.mic => Some(Text::MutedByHost),
        _ if me.hold.camera => Some(Text::CameraStoppedByHost),
        (_, true, ..) => Some(Text::ScreenShareRefused),
        (_, _, Some(err), _) => Some(err.text()),
        (.., Upload::Failed(err)) => Some(err.text()),
        _ => None,
    };
    let quality_banner = quality_text(&s.quality);
    let consulting = s.consultation.is_some();
    let invites: Vec<Invitation> = s
        .consult_invites
        .iter()
        .filter_map(|(id, from)| {
            s.peers.get(from).map(|p| Invitation {
                id: *id,
                from: p.info.clone(),
            })
        })
        .collect();
    let side = match *panel {
        Some(Panel::Participants) => html! {
            <ParticipantList me={me_now.clone()} others={s.peers.values().map(|p| p.info.clone()).collect::<Vec<_>>()}
                hands={s.hands.clone()} oath_asked={s.oath_asked.clone()} locked={s.locked} lobby_on={s.lobby_on} hearing={s.meeting.as_ref().is_some_and(|m| m.kind == MeetingKind::Hearing)}
                consulting={consulting} consultations={s.consultations.clone()}
                on_command={props.on_command.clone()} />
        },
        Some(Panel::Devices) => html! {
            <DeviceSettings devices={s.devices.clone()} local={s.local.clone()} quality={s.quality}
                on_command={props.on_command.clone()} />
        },
        Some(Panel::Invites) => match (&props.host_key, &s.meeting) {
            (Some(key), Some(meeting)) => {
                html! { <InvitePanel meeting={meeting.id.clone()} host_key={key.clone()} /> }
            }
            _ => html! {},
        },
        Some(Panel::Chat) => html! {
            <ChatPanel messages={s.chat.clone()} me={me.id} read_only={!policy::may_chat(me.role)}
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
                if me.role.moderates() {
                    { lobby_bar(tr, &s.lobby, &props.on_command) }
                }
                <ConsultBar consulting_with={consulting.then(|| s.peers.values().map(|p| p.info.clone()).collect::<Vec<_>>())}
                    {invites} declined={s.consult_declined.clone()} on_command={props.on_command.clone()} />
            </header>
            <div class="room-main">
            { stage.unwrap_or_default() }
            <div class="grid" data-count={shown.to_string()}>
                if !watching {
                    <Tile name={me.name.clone()} role={me.role} media={me_now.media.clone()} stream={s.local.stream.clone()}
                        link={Link::Connected} is_me=true hand={hand(me.id)} />
                }
                { for tiles }
            </div>
            if on_stage.is_empty() {
                <p class="alone">{ tr.t(Text::WaitingForOthers) }</p>
            }
            </div>
            { side }
            if s.oath_asked.contains(&me.id) {
                <OathDialog on_command={props.on_command.clone()} />
            }
            <Controls mic={s.local.mic} camera={s.local.camera} sharing={s.local.screen.is_some()}
                held={me.hold} hand_up={s.hands.contains(&me.id)} {consulting} {watching}
                uploading={s.slides.upload == Upload::Rendering}
                participants={s.peers.len() + 1} messages={s.chat.len()} panel={*panel} hosting={props.host_key.is_some()}
                on_command={props.on_command.clone()} {on_panel} />
        </section>
    }
}

/// What takes the stage: a presented deck first, then a shared screen — ours,
/// or someone's, as live video or, on a link that takes no video, as stills.
fn stage(s: &State, props: &RoomProps, tr: &crate::i18n::Tr) -> Option<Html> {
    let me = s.me.as_ref()?;
    if let Some(p) = &s.slides.presentation {
        let is_presenter = p.presenter == me.id;
        let presenter_name = if is_presenter {
            me.name.to_string()
        } else {
            s.peers
                .get(&p.presenter)
                .map(|x| x.info.name.to_string())
                .unwrap_or_default()
        };
        return Some(html! {
            { slide_stage(*tr, &s.slides, &presenter_name, is_presenter, s.quality.receive, &props.on_command) }
        });
    }
    let screen_label = |name: &str| format!("{} {}", tr.t(Text::ScreenOf), name);
    if let Some(own) = &s.local.screen {
        let name = me.name.to_string();
        return Some(html! {
            <div class="stage" data-testid="stage">
                <Media stream={Clone::clone(own)} playback={Playback::Video { mirror: false }} label={name.clone()} />
                <div class="stage-label">{ screen_label(&name) }</div>
            </div>
        });
    }
    let sharer = s.peers.values().find(|p| p.info.media.screen.is_some())?;
    let name = sharer.info.name.to_string();
    // Stills when our link takes no video, or while no video of the screen
    // has reached us (its sender's link to us may be thin even if ours is not).
    let thin =
        s.quality.receive < QualityTier::VideoLow || sharer.info.media.stills_for.contains(&me.id);
    Some(
        match (thin, s.slides.stills.get(&sharer.info.id), &sharer.screen) {
            (false, _, Some(stream)) | (true, None, Some(stream)) => html! {
                <div class="stage" data-testid="stage" data-kind="video">
                    <Media stream={Clone::clone(stream)} playback={Playback::Video { mirror: false }} label={name.clone()} />
                    <div class="stage-label">{ screen_label(&name) }</div>
                </div>
            },
            (_, Some(page), _) => html! {
                <div class="stage" data-testid="stage" data-kind="still">
                    { still(&s.slides, page, s.quality.receive, &screen_label(&name), tr) }
                    <div class="stage-label">{ format!("{} · {}", screen_label(&name), tr.t(Text::ScreenAsStills)) }</div>
                </div>
            },
            (_, None, None) => html! {
                <div class="stage" data-testid="stage" data-kind="waiting">
                    <p class="stage-note">{ tr.t(Text::SlideLoading) }</p>
                    <div class="stage-label">{ screen_label(&name) }</div>
                </div>
            },
        },
    )
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
