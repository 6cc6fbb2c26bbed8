//! `bench idle N`: N participants join (10 to a meeting), stay idle with a
//! heartbeat, then leave; the server's memory and threads at each stage.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sala_protocol::{ClientMsg, HEARTBEAT_INTERVAL_SECS};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;

use crate::client::{self, Ws};
use crate::server::ServerProc;
use crate::BoxError;

/// Participants per meeting (a room holds at most `MESH_CAPACITY` = 12).
const PER_MEETING: usize = 10;
/// Connections being opened and joined at once.
const CONNECTING: usize = 128;
/// How long memory must hold still to count as settled: longer than the
/// server's 30 s between handing freed memory back (`malloc_trim` in
/// `main.rs`), so that one happened in it, and than the 10 s an idle tokio
/// blocking thread lives.
const STEADY: Duration = Duration::from_secs(35);

pub async fn run(bin: &Path, n: usize) -> Result<(), BoxError> {
    let nofile = crate::raise_nofile(n as u64 + 4096)?;
    // The cap is raised for the bench: it is not what is measured.
    let cap = ("SALA_MAX_CONNECTIONS_PER_IP", (n + 1000).to_string());
    let server = ServerProc::start(bin, &[cap])?;
    println!(
        "server {} pid {} (nofile {nofile}); {n} participants, {PER_MEETING} a meeting, from {} source addresses",
        server.addr,
        server.pid(),
        client::SOURCES
    );
    let (start, _) = server
        .settle(u64::MAX, Duration::from_secs(3), Duration::from_secs(3))
        .await?;
    println!("start:      {start}");

    let mut meetings = Vec::new();
    for _ in 0..n.div_ceil(PER_MEETING) {
        meetings.push(client::create_meeting(server.addr).await?);
    }
    let joined = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let gate = Arc::new(Semaphore::new(CONNECTING));
    let (leave_tx, leave_rx) = watch::channel(false);
    let began = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..n {
        let meeting = meetings[i / PER_MEETING].clone();
        let (joined, failed, gate, leave) = (
            joined.clone(),
            failed.clone(),
            gate.clone(),
            leave_rx.clone(),
        );
        let addr = server.addr;
        tasks.spawn(async move {
            let permit = gate.acquire_owned().await;
            let ws = tokio::time::timeout(Duration::from_secs(60), async {
                let mut ws = client::connect(addr, client::source(i)).await?;
                client::join(&mut ws, &meeting, &format!("P{i}")).await?;
                Ok::<Ws, BoxError>(ws)
            })
            .await
            .unwrap_or_else(|_| Err("not connected and joined within 60 s".into()));
            drop(permit);
            match ws {
                Ok(ws) => {
                    joined.fetch_add(1, Ordering::Relaxed);
                    stay(ws, i, leave).await;
                }
                Err(e) => {
                    if failed.fetch_add(1, Ordering::Relaxed) < 5 {
                        eprintln!("participant {i}: {e}");
                    }
                }
            }
        });
    }
    let bound = Instant::now() + Duration::from_secs(600);
    while joined.load(Ordering::Relaxed) + failed.load(Ordering::Relaxed) < n {
        if Instant::now() > bound {
            return Err("joining took over 10 minutes".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let join_time = began.elapsed();
    let (all, _) = server
        .settle(u64::MAX, STEADY, Duration::from_secs(180))
        .await?;
    let (ok, bad) = (
        joined.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
    );
    println!(
        "all joined: {all}  — {ok} joined, {bad} failed, in {:.1} s; {:.1} KiB a participant over start",
        join_time.as_secs_f64(),
        all.rss_kib.saturating_sub(start.rss_kib) as f64 / ok.max(1) as f64
    );

    leave_tx.send_replace(true);
    let leaving = tokio::time::timeout(Duration::from_secs(120), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if leaving.is_err() {
        tasks.abort_all();
        println!("(some participants had not finished leaving after 120 s)");
    }
    // A room lingers a minute after its last participant (`EMPTY_LINGER`),
    // then closes and frees what it held: wait for every room to close.
    let left_at = Instant::now();
    let bound = left_at + Duration::from_secs(300);
    loop {
        let (opened, closed) = (
            server.log_lines("room opened")?,
            server.log_lines("room closed")?,
        );
        if closed >= opened {
            break;
        }
        if Instant::now() > bound {
            return Err(format!(
                "{} of {opened} rooms still open after 300 s",
                opened - closed
            )
            .into());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    println!(
        "rooms closed {:.0} s after the last leave",
        left_at.elapsed().as_secs_f64()
    );
    // Settled: the record writes of the leaving done, the blocking threads
    // that made them gone, freed memory handed back.
    let (left, took) = server
        .settle(start.threads + 2, STEADY, Duration::from_secs(180))
        .await?;
    println!(
        "all left:   {left}  — settled after {:.0} s",
        took.as_secs_f64()
    );
    Ok(())
}

/// Idles with a heartbeat (the server drops sockets silent for
/// `HEARTBEAT_TIMEOUT_SECS`), reading whatever comes, until told to leave.
async fn stay(mut ws: Ws, i: usize, mut leave: watch::Receiver<bool>) {
    let period = Duration::from_secs(HEARTBEAT_INTERVAL_SECS);
    // Spread the pings over the period.
    let phase = Duration::from_millis((i as u64 * 7919) % (period.as_millis() as u64));
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + phase, period);
    let mut nonce = 0;
    loop {
        tokio::select! {
            msg = client::recv(&mut ws) => match msg {
                Ok(Some(_)) => continue,
                _ => return,
            },
            _ = ping.tick() => {
                nonce += 1;
                if client::send(&mut ws, &ClientMsg::Ping { nonce, rtt_ms: None }).await.is_err() {
                    return;
                }
            }
            _ = leave.changed() => break,
        }
    }
    let _ = client::send(&mut ws, &ClientMsg::Leave).await;
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while let Ok(Some(_)) = client::recv(&mut ws).await {}
    })
    .await;
    let _ = ws.close(None).await;
}
