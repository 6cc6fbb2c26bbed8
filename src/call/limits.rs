//! How much camera video each connection may carry. In a full mesh every
//! participant encodes its camera once per other participant, so the budget per
//! connection shrinks as the meeting grows: the same uplink and CPU then carry
//! five small streams instead of five large ones. Pure policy, no web-sys; the
//! thin-link ladder refines these numbers per connection later.

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
