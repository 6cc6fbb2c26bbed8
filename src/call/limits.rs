//! How much camera video each connection may carry. In a full mesh every
//! participant encodes its camera once per other participant, so the budget per
//! connection shrinks as the meeting grows: the same uplink and CPU then carry
//! five small streams instead of five large ones. Pure policy, no web-sys; the
//! quality tier of each connection (see [`SendPlan`]) refines them further.

use sala_protocol::QualityTier;

/// Encoder limits for one camera sender.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VideoLimits {
    /// Upper bound for the encoder, bits per second.
    pub max_bitrate: u32,
    /// Divides width and height of the captured picture (1.0 = as captured, 640×360).
    pub scale_down: f32,
    pub max_framerate: f32,
}

impl VideoLimits {
    /// The camera budget per connection when sending to `remote_peers` others.
    pub fn for_mesh(remote_peers: usize) -> Self {
        match remote_peers {
            0..=2 => Self {
                max_bitrate: 800_000,
                scale_down: 1.0,
                max_framerate: 24.0,
            },
            3..=4 => Self {
                max_bitrate: 350_000,
                scale_down: 1.5,
                max_framerate: 15.0,
            },
            _ => Self {
                max_bitrate: 200_000,
                scale_down: 2.0,
                max_framerate: 12.0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VideoLimits;

    #[test]
    fn the_budget_per_connection_shrinks_as_the_mesh_grows() {
        let sizes: Vec<_> = (0..=11).map(VideoLimits::for_mesh).collect();
        for pair in sizes.windows(2) {
            assert!(pair[1].max_bitrate <= pair[0].max_bitrate);
            assert!(pair[1].scale_down >= pair[0].scale_down);
            assert!(pair[1].max_framerate <= pair[0].max_framerate);
        }
        // Total camera upload stays near or under ~1.1 Mbit/s up to a six-person mesh.
        for remote in 1..=5 {
            let total = VideoLimits::for_mesh(remote).max_bitrate as usize * remote;
            assert!(total <= 1_600_000, "{remote} peers: {total} bit/s");
        }
        assert_eq!(
            VideoLimits::for_mesh(1).scale_down,
            1.0,
            "a two-person call keeps full picture"
        );
        assert_eq!(
            VideoLimits::for_mesh(5).scale_down,
            2.0,
            "six people: 320×180 each"
        );
    }
}

/// What one connection sends at a quality tier: the camera and screen
/// encoders (`None` = paused, no renegotiation) and the audio ceiling.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SendPlan {
    pub camera: Option<VideoLimits>,
    pub screen: Option<VideoLimits>,
    /// Opus ceiling, bits/s; `None` leaves the browser's choice (~32 kbit/s for voice).
    pub audio_max_bitrate: Option<u32>,
}

impl SendPlan {
    /// The plan for `tier` on one of `remote_peers` connections.
    pub fn new(remote_peers: usize, tier: QualityTier) -> Self {
        let mesh = VideoLimits::for_mesh(remote_peers);
        // Text on a shared screen must stay legible: keep its size, cut the rate.
        let screen = |max_bitrate, max_framerate| {
            Some(VideoLimits {
                max_bitrate,
                scale_down: 1.0,
                max_framerate,
            })
        };
        match tier {
            QualityTier::VideoHigh => Self {
                camera: Some(mesh),
                screen: screen(1_200_000, 15.0),
                audio_max_bitrate: None,
            },
            QualityTier::VideoLow => Self {
                camera: Some(VideoLimits {
                    max_bitrate: mesh.max_bitrate.min(150_000),
                    scale_down: mesh.scale_down * 2.0,
                    max_framerate: mesh.max_framerate.min(10.0),
                }),
                screen: screen(400_000, 5.0),
                audio_max_bitrate: None,
            },
            // No video at all: a shared screen reaches this receiver as
            // stills (uploaded on change, fetched at a paced rate).
            // A thin receiver's downlink is shared by everyone sending to it
            // (a full mesh: as many senders as we have connections), so the
            // Opus ceiling is its share, down to where speech stays clear.
            QualityTier::AudioSlides => Self {
                camera: None,
                screen: None,
                audio_max_bitrate: Some(audio_share(24_000, 10_000, remote_peers)),
            },
            QualityTier::AudioMinimal => Self {
                camera: None,
                screen: None,
                audio_max_bitrate: Some(audio_share(12_000, 8_000, remote_peers)),
            },
        }
    }
}

/// `budget` split between `senders`, never below `floor`.
fn audio_share(budget: u32, floor: u32, senders: usize) -> u32 {
    (budget / senders.max(1) as u32).max(floor)
}

/// Bits/s a connection's bandwidth estimate must show for each tier (ladder
/// order: audio minimal, audio + slides, video low, video high). Half the
/// camera ceiling plus audio: an encoder rarely runs at its ceiling, and an
/// estimate sees little beyond what is sent.
pub fn needs(remote_peers: usize) -> [u32; 4] {
    let camera = |tier| {
        SendPlan::new(remote_peers, tier)
            .camera
            .map_or(0, |c| c.max_bitrate)
    };
    const AUDIO: u32 = 30_000;
    [
        0,
        AUDIO,
        camera(QualityTier::VideoLow) / 2 + AUDIO,
        camera(QualityTier::VideoHigh) / 2 + AUDIO,
    ]
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    #[test]
    fn lower_tiers_never_send_more_and_audio_is_always_sent() {
        let tiers = [
            QualityTier::VideoHigh,
            QualityTier::VideoLow,
            QualityTier::AudioSlides,
            QualityTier::AudioMinimal,
        ];
        for peers in [1, 3, 5] {
            let plans: Vec<SendPlan> = tiers.iter().map(|t| SendPlan::new(peers, *t)).collect();
            let budget = |p: &SendPlan| {
                p.camera.map_or(0, |c| c.max_bitrate)
                    + p.screen.map_or(0, |s| s.max_bitrate)
                    + p.audio_max_bitrate.unwrap_or(32_000)
            };
            for pair in plans.windows(2) {
                assert!(
                    budget(&pair[1]) < budget(&pair[0]),
                    "{peers} peers: {pair:?}"
                );
            }
            assert!(
                plans[2].camera.is_none() && plans[3].camera.is_none(),
                "no camera below video-low"
            );
        }
        for peers in 1..=11 {
            let n = needs(peers);
            assert!(n.windows(2).all(|w| w[0] < w[1]), "{peers} peers: {n:?}");
        }
        assert_eq!(needs(1)[3], 430_000);
        // Audio + slides fits a 64 kbit/s link with room for audio.
        let slides = SendPlan::new(1, QualityTier::AudioSlides);
        assert_eq!((slides.camera, slides.screen), (None, None));
        assert_eq!(slides.audio_max_bitrate, Some(24_000));
        // With two senders into a thin receiver, each takes half, down to a floor.
        assert_eq!(
            SendPlan::new(2, QualityTier::AudioSlides).audio_max_bitrate,
            Some(12_000)
        );
        assert_eq!(
            SendPlan::new(5, QualityTier::AudioSlides).audio_max_bitrate,
            Some(10_000)
        );
        assert_eq!(
            SendPlan::new(2, QualityTier::AudioMinimal).audio_max_bitrate,
            Some(8_000)
        );
    }
}
