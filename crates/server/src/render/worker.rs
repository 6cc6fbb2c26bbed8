//! The child side: `sala-server render-worker deck|still` reads the upload on stdin, renders
//! it with `sala-slides` and writes a [`wire`](super::wire) reply on stdout.
//!
//! It runs under the limits its parent set before exec (address space, CPU time, no core
//! file). When an allocation fails under the address-space limit, [`Allocator`] ends the
//! process at once with [`EXIT_OUT_OF_MEMORY`], so the parent can tell "out of memory" from a
//! crash (Rust's own handler would abort, like any other fatal error).

use std::alloc::{GlobalAlloc, Layout};
use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use tikv_jemallocator::Jemalloc;

use super::{wire, RenderKind};

/// The worker's exit status when an allocation failed.
pub const EXIT_OUT_OF_MEMORY: i32 = 86;

/// Set once this process is a render worker; the server itself keeps Rust's usual handling.
static IN_WORKER: AtomicBool = AtomicBool::new(false);

/// jemalloc, except that in a render worker a failed allocation ends the process with
/// [`EXIT_OUT_OF_MEMORY`]. Installed as the global allocator by `main.rs`.
pub struct Allocator;

// SAFETY: every call is passed to `Jemalloc` unchanged; only a null result is looked at.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { Jemalloc.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        checked(unsafe { Jemalloc.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { Jemalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        checked(unsafe { Jemalloc.realloc(ptr, layout, new_size) })
    }
}

fn checked(ptr: *mut u8) -> *mut u8 {
    if ptr.is_null() && IN_WORKER.load(Ordering::Relaxed) {
        // SAFETY: `_exit` ends the process without running anything that could allocate.
        unsafe { libc::_exit(EXIT_OUT_OF_MEMORY) }
    }
    ptr
}

/// The worker's whole life. Exit status 0 whenever a reply was written (pages or a refusal).
pub fn main(kind: RenderKind) -> ExitCode {
    IN_WORKER.store(true, Ordering::Relaxed);
    let limits = kind.limits();
    let mut input = Vec::new();
    // One byte over the limit is enough for the renderer to refuse the file as too large.
    let cap = u64::try_from(limits.max_input_bytes).unwrap_or(u64::MAX) + 1;
    if let Err(e) = std::io::stdin().lock().take(cap).read_to_end(&mut input) {
        eprintln!("sala-server render-worker: cannot read the upload: {e}");
        return ExitCode::FAILURE;
    }
    let rendered = match kind {
        RenderKind::Deck => sala_slides::render(&input, &limits),
        RenderKind::Still => sala_slides::render_still(&input, &limits).map(|page| vec![page]),
    };
    drop(input);
    let reply = rendered.map_err(|e| (wire::Refusal::from(&e), e.to_string()));
    let mut out = std::io::stdout().lock();
    match out
        .write_all(&wire::encode(&reply))
        .and_then(|()| out.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sala-server render-worker: cannot write the reply: {e}");
            ExitCode::FAILURE
        }
    }
}
