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
const SPEAKING: f32 = 0.3;

/// Samples (of 100 ms) a speaker stays marked after their last loud one, so the
/// ring does not flicker between words.
const HOLD_SAMPLES: u32 = 8;

/// What a meter shows: the level now, and whether the person is speaking.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AudioLevel {
    pub level: f32,
    pub speaking: bool,
}

/// Turns a run of levels into [`AudioLevel`]s with a hold on "speaking".
#[derive(Debug, Default)]
struct Speech {
    /// Samples since the last loud one; `None` before any.
    quiet_for: Option<u32>,
}

impl Speech {
    fn next(&mut self, level: f32) -> AudioLevel {
        self.quiet_for = if level >= SPEAKING {
            Some(0)
        } else {
            self.quiet_for.map(|n| n.saturating_add(1))
        };
        AudioLevel {
            level,
            speaking: self.quiet_for.is_some_and(|n| n < HOLD_SAMPLES),
        }
    }
}

fn sample(analyser: &AnalyserNode, buf: &mut [f32]) -> f32 {
    analyser.get_float_time_domain_data(buf);
    let rms = (buf.iter().map(|x| x * x).sum::<f32>() / buf.len() as f32).sqrt();
    level_from_rms(rms)
}

/// Audio level (0..=1) of the first audio track of `stream`, sampled ten times
/// a second, and whether someone is speaking. The analyser is disconnected when
/// the stream changes or on unmount.
#[hook]
pub fn use_audio_level(stream: Option<MediaStream>) -> AudioLevel {
    let level = use_state_eq(AudioLevel::default);
    {
        let level = level.clone();
        use_effect_with(stream, move |stream| {
            let silent = level.clone();
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
                    let mut speech = Speech::default();
                    let tick = Interval::new(100, move || {
                        if ctx.state() == AudioContextState::Suspended {
                            // Allowed once the page has had a user gesture; harmless before.
                            drop(ctx.resume());
                        }
                        level.set(speech.next(sample(&analyser, &mut buf)));
                    });
                    Some((source, tick))
                });
            move || {
                silent.set(AudioLevel::default());
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
    use super::{level_from_rms, Speech, HOLD_SAMPLES};

    #[test]
    fn speaking_holds_between_words_and_ends_after_silence() {
        let mut speech = Speech::default();
        assert!(!speech.next(0.0).speaking, "silence from the start");
        assert!(speech.next(0.6).speaking);
        for i in 1..HOLD_SAMPLES {
            assert!(speech.next(0.1).speaking, "held through quiet sample {i}");
        }
        assert!(!speech.next(0.1).speaking, "released after the hold");
        assert!(speech.next(0.3).speaking, "the threshold itself counts");
    }

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
