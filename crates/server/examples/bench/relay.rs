//! `bench relay`: meetings of two, each participant sending `Signal`s to the
//! other at `PER_SENDER` a second (under the server's 60 a second per
//! connection), as many pairs as the total rate needs. Each signal carries
//! its send time; the receiver takes the difference. Relay latency
//! percentiles and the server's CPU over the measured window.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sala_protocol::{ClientMsg, Generation, PeerId, ServerMsg, Signal, HEARTBEAT_INTERVAL_SECS};
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

use crate::client::{self, Ws};
use crate::server::{cpu_of, ServerProc};
use crate::BoxError;

/// Signals a second from each participant.
const PER_SENDER: u32 = 50;
/// Sent before measuring, so that start-up is not measured.
const WARM_UP: Duration = Duration::from_secs(2);

pub async fn run(bin: &Path, rate: u32, secs: u64) -> Result<(), BoxError> {
    let pairs = rate.div_ceil(2 * PER_SENDER) as usize;
    let nofile = crate::raise_nofile(4 * pairs as u64 + 4096)?;
    let cap = (
        "SALA_MAX_CONNECTIONS_PER_IP",
        (2 * pairs + 1000).to_string(),
    );
    let server = ServerProc::start(bin, &[cap])?;
    println!(
        "server {} pid {} (nofile {nofile}); {pairs} meetings of 2, each sending {PER_SENDER}/s: {} msg/s for {secs} s",
        server.addr,
        server.pid(),
        2 * pairs as u32 * PER_SENDER
    );
    let window = Duration::from_secs(secs);
    let barrier = Arc::new(Barrier::new(2 * pairs + 1));
    let epoch = Instant::now();
    let mut tasks = JoinSet::new();
    for p in 0..pairs {
        let meeting = client::create_meeting(server.addr).await?;
        for side in 0..2 {
            let i = 2 * p + side;
            let mut ws = client::connect(server.addr, client::source(i)).await?;
            let (_, present) = client::join(&mut ws, &meeting, &format!("R{i}")).await?;
            let barrier = barrier.clone();
            tasks.spawn(async move {
                let partner = match present.first() {
                    Some(peer) => Ok(*peer),
                    None => partner_joined(&mut ws).await,
                };
                barrier.wait().await;
                let partner = partner?;
                pair_member(ws, i, partner, epoch, window).await
            });
        }
    }
    barrier.wait().await;
    let measure_from = Instant::now() + WARM_UP;
    tokio::time::sleep_until(measure_from.into()).await;
    let (server_cpu0, client_cpu0) = (server.cpu()?, cpu_of("/proc/self/stat")?);
    tokio::time::sleep(window).await;
    let (server_cpu1, client_cpu1) = (server.cpu()?, cpu_of("/proc/self/stat")?);
    let mut latencies = Vec::new();
    let mut sent = 0u64;
    while let Some(done) = tasks.join_next().await {
        let (mut l, s) = done??;
        latencies.append(&mut l);
        sent += s;
    }
    latencies.sort_unstable();
    let pct = |p: f64| -> f64 {
        let at = ((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1));
        latencies.get(at).copied().unwrap_or(0) as f64 / 1000.0
    };
    let w = window.as_secs_f64();
    println!(
        "sent {sent} ({:.0}/s), received in the window {} ({:.0}/s)",
        sent as f64 / w,
        latencies.len(),
        latencies.len() as f64 / w
    );
    println!(
        "relay latency ms: p50 {:.2}  p90 {:.2}  p99 {:.2}  p99.9 {:.2}  max {:.2}",
        pct(0.50),
        pct(0.90),
        pct(0.99),
        pct(0.999),
        latencies.last().copied().unwrap_or(0) as f64 / 1000.0
    );
    println!(
        "CPU over the window (of one core): server {:.0} %, bench client {:.0} %",
        (server_cpu1 - server_cpu0).as_secs_f64() / w * 100.0,
        (client_cpu1 - client_cpu0).as_secs_f64() / w * 100.0
    );
    println!("server after: {}", server.usage()?);
    Ok(())
}

async fn partner_joined(ws: &mut Ws) -> Result<PeerId, BoxError> {
    loop {
        match client::recv(ws).await? {
            Some(ServerMsg::PeerJoined { peer }) => return Ok(peer.id),
            Some(_) => continue,
            None => return Err("closed before the partner joined".into()),
        }
    }
}

/// Sends stamped signals to `partner` for the warm-up and `window`, and
/// returns the latencies (µs) of those received that were sent inside the
/// window, and how many it sent in the window.
async fn pair_member(
    mut ws: Ws,
    i: usize,
    partner: PeerId,
    epoch: Instant,
    window: Duration,
) -> Result<(Vec<u32>, u64), BoxError> {
    let start = Instant::now();
    let (from, until) = (start + WARM_UP, start + WARM_UP + window);
    let period = Duration::from_secs(1) / PER_SENDER;
    let phase = period * (i as u32 % 97) / 97;
    let mut tick = tokio::time::interval_at((start + phase).into(), period);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut ping = tokio::time::interval(Duration::from_secs(HEARTBEAT_INTERVAL_SECS));
    let drained = tokio::time::sleep_until((until + Duration::from_secs(1)).into());
    tokio::pin!(drained);
    let mut latencies = Vec::with_capacity((window.as_secs() as usize + 1) * PER_SENDER as usize);
    let mut sent = 0u64;
    let mut nonce = 0;
    loop {
        tokio::select! {
            msg = client::recv(&mut ws) => match msg? {
                Some(ServerMsg::Signal { signal: Signal::Candidate { candidate, .. }, .. }) => {
                    let now = epoch.elapsed().as_micros() as u64;
                    let stamp: u64 = candidate.parse().unwrap_or(now);
                    let sent_at = epoch + Duration::from_micros(stamp);
                    if sent_at >= from && sent_at < until {
                        latencies.push(now.saturating_sub(stamp).min(u32::MAX as u64) as u32);
                    }
                }
                Some(ServerMsg::Error { error }) => return Err(format!("server error: {error:?}").into()),
                Some(_) => {}
                None => return Err("the server closed a relay socket".into()),
            },
            _ = tick.tick(), if Instant::now() < until => {
                let now = Instant::now();
                let signal = Signal::Candidate {
                    generation: Generation(0),
                    candidate: epoch.elapsed().as_micros().to_string(),
                    sdp_mid: None,
                    sdp_m_line_index: None,
                };
                client::send(&mut ws, &ClientMsg::Signal { to: partner, signal }).await?;
                if now >= from {
                    sent += 1;
                }
            }
            _ = ping.tick() => {
                nonce += 1;
                client::send(&mut ws, &ClientMsg::Ping { nonce, rtt_ms: None }).await?;
            }
            () = &mut drained => break,
        }
    }
    let _ = client::send(&mut ws, &ClientMsg::Leave).await;
    let _ = ws.close(None).await;
    Ok((latencies, sent))
}
