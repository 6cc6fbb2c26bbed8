//! From a `getStats()` report to the ladder's [`Counters`] (read at the JS
//! boundary in [`read`]); what two readings mean is `sala_ladder`'s.

use sala_ladder::Counters;
use wasm_bindgen::{JsCast, JsValue};

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

fn num(stat: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(stat, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_f64())
}

fn text(stat: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(stat, &JsValue::from_str(key))
        .ok()
        .and_then(|v| v.as_string())
}

/// Reads one `RTCStatsReport`. It is map-like, not a `Map` (an `instanceof`
/// check fails), but its `forEach(value, key)` is the same.
pub fn read(report: &JsValue) -> Counters {
    let mut c = Counters::default();
    // Ids of the nominated pairs' local candidates, and of our relay candidates.
    let mut nominated_local = Vec::new();
    let mut relay = Vec::new();
    report
        .unchecked_ref::<js_sys::Map>()
        .for_each(&mut |stat, _| match text(&stat, "type").as_deref() {
            Some("candidate-pair")
                if js_sys::Reflect::get(&stat, &"nominated".into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    == Some(true) =>
            {
                c.available_out_bps =
                    max_opt(c.available_out_bps, num(&stat, "availableOutgoingBitrate"));
                c.rtt_s = max_opt(c.rtt_s, num(&stat, "currentRoundTripTime"));
                c.bytes_sent += num(&stat, "bytesSent").unwrap_or(0.0);
                c.bytes_received += num(&stat, "bytesReceived").unwrap_or(0.0);
                nominated_local.extend(text(&stat, "localCandidateId"));
            }
            Some("local-candidate") if text(&stat, "candidateType").as_deref() == Some("relay") => {
                relay.extend(text(&stat, "id"));
            }
            // Audio only: it is always sent, so its RTCP reports are fresh; a
            // paused video stream keeps its last (stale) report for ever.
            Some("remote-inbound-rtp") if text(&stat, "kind").as_deref() == Some("audio") => {
                c.remote_fraction_lost =
                    max_opt(c.remote_fraction_lost, num(&stat, "fractionLost"));
                c.loss_reports += num(&stat, "roundTripTimeMeasurements").unwrap_or(0.0);
            }
            Some("outbound-rtp")
                if js_sys::Reflect::get(&stat, &"active".into())
                    .ok()
                    .and_then(|v| v.as_bool())
                    != Some(false) =>
            {
                c.bandwidth_limited |=
                    text(&stat, "qualityLimitationReason").as_deref() == Some("bandwidth");
            }
            Some("inbound-rtp") if text(&stat, "kind").as_deref() == Some("audio") => {
                c.packets_received += num(&stat, "packetsReceived").unwrap_or(0.0);
                c.packets_lost += num(&stat, "packetsLost").unwrap_or(0.0).max(0.0);
                c.concealed += num(&stat, "concealedSamples").unwrap_or(0.0);
                c.samples += num(&stat, "totalSamplesReceived").unwrap_or(0.0);
            }
            _ => {}
        });
    c.relayed = nominated_local.iter().any(|id| relay.contains(id));
    c
}
