use gloo_timers::callback::Interval;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use web_sys::{AnalyserNode, AudioContext, AudioContextState, MediaStream};
use yew::prelude::*;

thread_local! {
    /// One audio context for every meter on the page (browsers limit them).
    static CONTEXT: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

fn context() -> Option<AudioContext> {
    CONTEXT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = AudioContext::new().ok();
        }
        c.clone()
    })
}

/// Steps of the level, so a meter re-renders only when it visibly changes.
const STEPS: f32 = 10.0;

/// Maps an RMS amplitude to 0..=1 over a 60 dB range, in [`STEPS`] steps.
pub fn level_from_rms(rms: f32) -> f32 {
    if rms <= 0.0 {
        return 0.0;
    }
    let db = 20.0 * rms.log10();
    (((db + 60.0) / 60.0).clamp(0.0, 1.0) * STEPS).round() / STEPS
}

/// Level at which a participant counts as speaking (about −42 dBFS).
pub const SPEAKING: f32 = 0.3;

fn sample(analyser: &AnalyserNode, buf: &mut [f32]) -> f32 {
    analyser.get_float_time_domain_data(buf);
    let rms = (buf.iter().map(|x| x * x).sum::<f32>() / buf.len() as f32).sqrt();
    level_from_rms(rms)
}

/// Audio level (0..=1) of the first audio track of `stream`, sampled ten times
/// a second. The analyser is disconnected when the stream changes or on unmount.
#[hook]
pub fn use_audio_level(stream: Option<MediaStream>) -> f32 {
    let level = use_state_eq(|| 0.0f32);
    {
        let level = level.clone();
        use_effect_with(stream, move |stream| {
            let setup = stream
                .as_ref()
                .filter(|s| s.get_audio_tracks().length() > 0)
                .and_then(|stream| {
                    let ctx = context()?;
                    let source = ctx.create_media_stream_source(stream).ok()?;
                    let analyser = ctx.create_analyser().ok()?;
                    analyser.set_fft_size(512);
                    source.connect_with_audio_node(&analyser).ok()?;
                    let mut buf = vec![0.0f32; 512];
                    let tick = Interval::new(100, move || {
                        if ctx.state() == AudioContextState::Suspended {
                            // Allowed once the page has had a user gesture; harmless before.
                            drop(ctx.resume());
                        }
                        level.set(sample(&analyser, &mut buf));
                    });
                    Some((source, tick))
                });
            move || {
                if let Some((source, tick)) = setup {
                    drop(tick);
                    if let Err(err) = source.disconnect() {
                        web_sys::console::warn_2(&JsValue::from_str("disconnect"), &err);
                    }
                }
            }
        });
    }
    *level
}

#[cfg(test)]
mod tests {
    use super::level_from_rms;

    #[test]
    fn level_maps_decibels_to_steps() {
        for (rms, level) in [
            (0.0, 0.0),
            (0.0005, 0.0),
            (0.001, 0.0),
            (0.01, 0.3),
            (0.1, 0.7),
            (1.0, 1.0),
            (4.0, 1.0),
        ] {
            assert_eq!(level_from_rms(rms), level, "rms {rms}");
        }
    }
}
