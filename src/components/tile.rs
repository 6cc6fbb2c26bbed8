use crate::components::icon::{icon, Glyph};
use crate::components::media::{Media, Playback};
use crate::hooks::use_audio_level;
use crate::i18n::{use_tr, Text};
use crate::state::Link;
use sala_protocol::{DisplayName, MediaState, QualityTier, Role};
use web_sys::MediaStream;
use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct TileProps {
    pub name: DisplayName,
    pub role: Role,
    pub media: MediaState,
    pub stream: Option<MediaStream>,
    pub link: Link,
    /// Our own tile: mirrored, never played back.
    #[prop_or_default]
    pub is_me: bool,
    /// Place in the raised-hands queue (1 = first), if the hand is up.
    #[prop_or_default]
    pub hand: Option<usize>,
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect()
}

/// One participant: video or initials, name, mic/camera state, speaking ring.
#[function_component]
pub fn Tile(props: &TileProps) -> Html {
    let tr = use_tr();
    let speaking = use_audio_level(props.stream.clone().filter(|_| props.media.mic)).speaking;
    let picture = match (&props.stream, props.media.camera) {
        (Some(stream), true) => html! {
            <Media stream={Clone::clone(stream)} playback={Playback::Video { mirror: props.is_me }} label={props.name.to_string()} />
        },
        _ => {
            html! { <div class="avatar" aria-hidden="true">{ initials(props.name.as_str()) }</div> }
        }
    };
    let sound = match (&props.stream, props.is_me) {
        (Some(stream), false) => {
            html! { <Media stream={Clone::clone(stream)} playback={Playback::Audio} /> }
        }
        _ => html! {},
    };
    // Where this participant's link stands: the lower of what they send and take.
    let tier_badge = match props.media.tier.min(props.media.receive) {
        QualityTier::VideoHigh => None,
        QualityTier::VideoLow => Some(Text::TierLowVideo),
        QualityTier::AudioSlides => Some(Text::TierAudioSlides),
        QualityTier::AudioMinimal => Some(Text::TierAudioOnly),
    };
    let link_note = match props.link {
        Link::Connected => None,
        Link::Connecting => Some(Text::PeerConnecting),
        Link::Retrying => Some(Text::PeerConnectionLost),
    };
    html! {
        <figure class={classes!("tile", speaking.then_some("speaking"))} data-testid="tile"
            data-name={props.name.to_string()} data-speaking={speaking.to_string()}>
            { picture }
            { sound }
            if let Some(note) = link_note.filter(|_| !props.is_me) {
                <div class="tile-note">{ tr.t(note) }</div>
            }
            <figcaption>
                if let Some(place) = props.hand {
                    <span class="badge hand" title={tr.t(Text::HandRaised)} data-testid="tile-hand">
                        { icon(Glyph::Hand) }{ place }
                    </span>
                }
                if !props.media.mic {
                    <span class="badge muted" title={tr.t(Text::Muted)} data-testid="tile-muted">{ icon(Glyph::MicOff) }</span>
                }
                <span class="tile-name">{ props.name.as_str() }</span>
                if props.is_me { <span class="tag">{ tr.t(Text::You) }</span> }
                if let Some(role) = Text::role_tag(props.role) {
                    <span class="tag role" data-testid="role-tag">{ tr.t(role) }</span>
                }
                if let Some(badge) = tier_badge {
                    <span class="tag tier" data-testid="tier-badge">{ tr.t(badge) }</span>
                }
                if speaking { <span class="sr-only">{ tr.t(Text::Speaking) }</span> }
            </figcaption>
        </figure>
    }
}
