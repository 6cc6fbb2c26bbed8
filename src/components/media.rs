use web_sys::{HtmlMediaElement, MediaStream};
use yew::prelude::*;

/// How a stream is played.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Playback {
    /// Picture only (always muted); `mirror` for one's own camera.
    Video { mirror: bool },
    /// Sound only, from an invisible element.
    Audio,
}

#[derive(PartialEq, Properties)]
pub struct MediaProps {
    pub stream: MediaStream,
    pub playback: Playback,
    #[prop_or_default]
    pub label: AttrValue,
}

/// A `<video>` or `<audio>` element playing `stream`.
#[function_component]
pub fn Media(props: &MediaProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(Clone::clone(&props.stream), move |stream| {
            let element = node.cast::<HtmlMediaElement>();
            if let Some(el) = &element {
                el.set_src_object(Some(stream));
            }
            move || {
                if let Some(el) = element {
                    el.set_src_object(None);
                }
            }
        });
    }
    match props.playback {
        Playback::Video { mirror } => html! {
            <video ref={node} class={classes!("video", mirror.then_some("mirror"))}
                autoplay=true playsinline=true muted=true aria-label={props.label.clone()} />
        },
        Playback::Audio => html! { <audio ref={node} autoplay=true /> },
    }
}
