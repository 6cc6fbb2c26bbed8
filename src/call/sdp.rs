//! Audio packetization on both sides of a connection, by SDP (pure text in,
//! text out; tested natively).
//!
//! Opus parameters in an SDP are the receiver's wishes: the far side's
//! encoder follows them. So the description we *send* carries how we want to
//! receive, and the remote description we *apply* is rewritten with how we
//! want to send (browsers have no API for the packet time):
//! - `useinbandfec=1` — redundancy that conceals a lost packet from the next;
//! - `usedtx=1` — a silent participant sends a packet every 400 ms instead of
//!   fifty a second: in a mesh, most of the audio on a thin downlink is silence;
//! - `a=ptime` — the packet time. Each RTP/SRTP/UDP/IP packet costs ~60 bytes of
//!   headers: at 20 ms that is 24 kbit/s per sender before any voice, more
//!   than Opus itself at the floor. While either direction is on an audio
//!   tier, a connection uses [`THIN_PTIME_MS`]; crossing back renegotiates.

/// Packet time on the video tiers: twice the browsers' 20 ms. Half the
/// packets, so that when a link is cut the audio already in flight does not
/// drown it in headers before the ladder reacts (measured: with 20 ms, a
/// participant on a 64 kbit/s link in a three-person mesh sends ~72 kbit/s of
/// audio at the floor, and its signalling socket starves). Costs 20 ms of delay.
pub const NORMAL_PTIME_MS: u32 = 40;
/// Packet time asked for on the audio tiers: a third of the headers, 40 ms more delay.
pub const THIN_PTIME_MS: u32 = 60;

/// `sdp` with our audio wishes in every audio section that offers Opus.
pub fn with_audio_prefs(sdp: &str, ptime_ms: u32) -> String {
    let mut out = String::with_capacity(sdp.len() + 128);
    let mut opus: Option<String> = None;
    let mut audio = false;
    for line in sdp.split("\r\n").filter(|l| !l.is_empty()) {
        if line.starts_with("m=") {
            audio = line.starts_with("m=audio");
            opus = None;
        }
        if audio {
            if line.starts_with("a=ptime:") {
                continue; // ours goes after the Opus parameters
            }
            if let Some(pt) = opus_payload_type(line) {
                opus = Some(pt.to_owned());
            }
            if let Some(params) = opus.as_deref().and_then(|pt| {
                line.strip_prefix("a=fmtp:")?
                    .strip_prefix(pt)?
                    .strip_prefix(' ')
            }) {
                let pt = opus.as_deref().unwrap_or_default();
                out.push_str(&format!("a=fmtp:{pt} {}\r\n", with_opus_params(params)));
                out.push_str(&format!("a=ptime:{ptime_ms}\r\n"));
                continue;
            }
        }
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

/// The payload type of an `a=rtpmap:<pt> opus/48000/2` line.
fn opus_payload_type(line: &str) -> Option<&str> {
    let (pt, codec) = line.strip_prefix("a=rtpmap:")?.split_once(' ')?;
    codec
        .to_ascii_lowercase()
        .starts_with("opus/")
        .then_some(pt)
}

/// Opus fmtp parameters with FEC and DTX on, the others kept in order.
fn with_opus_params(params: &str) -> String {
    let mut kept: Vec<&str> = params
        .split(';')
        .map(str::trim)
        .filter(|p| {
            let key = p.split('=').next().unwrap_or_default();
            !p.is_empty() && key != "useinbandfec" && key != "usedtx"
        })
        .collect();
    kept.extend(["useinbandfec=1", "usedtx=1"]);
    kept.join(";")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n\
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\n\
        a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\n\
        a=fmtp:111 minptime=10;useinbandfec=0\r\na=rtpmap:63 red/48000/2\r\n\
        a=fmtp:63 111/111\r\na=rtpmap:9 G722/8000\r\na=ptime:20\r\n\
        m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n\
        a=rtpmap:96 VP8/90000\r\na=fmtp:96 x-google-start-bitrate=300\r\n";

    #[test]
    fn opus_gets_fec_dtx_and_the_packet_time() {
        let out = with_audio_prefs(OFFER, THIN_PTIME_MS);
        assert!(
            out.contains("a=fmtp:111 minptime=10;useinbandfec=1;usedtx=1\r\na=ptime:60\r\n"),
            "{out}"
        );
        assert_eq!(
            out.matches("a=ptime:").count(),
            1,
            "the old ptime is replaced: {out}"
        );
        // Other codecs and the video section are untouched.
        assert!(out.contains("a=fmtp:63 111/111\r\n"));
        assert!(out.contains("a=fmtp:96 x-google-start-bitrate=300\r\n"));
        assert!(out.ends_with("\r\n"));
        assert_eq!(out.lines().count(), OFFER.lines().count());
    }

    #[test]
    fn applying_twice_changes_only_the_packet_time() {
        let thin = with_audio_prefs(OFFER, THIN_PTIME_MS);
        assert_eq!(with_audio_prefs(&thin, THIN_PTIME_MS), thin);
        let normal = with_audio_prefs(&thin, NORMAL_PTIME_MS);
        assert_eq!(normal, thin.replace("a=ptime:60", "a=ptime:40"));
    }

    #[test]
    fn without_opus_or_audio_nothing_changes() {
        let video_only =
            "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\na=ptime:20\r\n";
        assert_eq!(with_audio_prefs(video_only, THIN_PTIME_MS), video_only);
        let g722 = "v=0\r\nm=audio 9 RTP/SAVPF 9\r\na=rtpmap:9 G722/8000\r\n";
        assert_eq!(with_audio_prefs(g722, THIN_PTIME_MS), g722);
    }
}
