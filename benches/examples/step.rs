//! One kind of step, repeated: a steady target for `valgrind --tool=callgrind`
//! (instruction counts are repeatable on a loaded machine; wall time is not).
//!
//! `cargo build --release -p corsim-benches --example step`, then
//! `valgrind --tool=callgrind target/release/examples/step miss 1000`
//! (kinds: `miss`, `hit`, `simple`, each also as `miss-quiet` and so on,
//! without the event log); divide the total by the count.
//!
//! It also counts the heap allocations the engine makes per step (a counting
//! global allocator; the server closure's clones of the scripted responses
//! are not counted) and prints them.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The system allocator, counting allocations while `COUNTING` is set.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn counting(on: bool) {
    COUNTING.with(|c| c.set(on));
}

use corsim::fetch::{run, run_quiet};
use corsim::{HttpResponse, Origin, PreflightCache, Profile, Timestamp};
use corsim_benches::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let kind = args.next().unwrap_or_else(|| "miss".to_owned());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let p = &Profile::CHROMIUM;
    let origin = Origin::parse(ORIGIN).unwrap();
    let (pre_resp, actual_resp) = (preflight_response(), actual_response());
    let server = |r: &corsim::HttpRequest| -> HttpResponse {
        counting(false);
        let response = if r.is_preflight { pre_resp.clone() } else { actual_resp.clone() };
        counting(true);
        response
    };
    // `-quiet` (`miss-quiet`, ...): without the event log, as `corsim run`
    // and a harness batch run a fetch.
    let (kind, quiet) = match kind.strip_suffix("-quiet") {
        Some(k) => (k.to_owned(), true),
        None => (kind, false),
    };
    let init = match kind.as_str() {
        "simple" => simple_request(),
        _ => preflighted_request(),
    };
    let mut cache = PreflightCache::new();
    let mut requests = 0;
    for _ in 0..n {
        if kind == "miss" {
            cache = PreflightCache::new();
        }
        counting(true);
        let verdict = if quiet {
            run_quiet(p, origin.clone(), black_box(&init), &mut cache, Timestamp::ZERO, server)
        } else {
            run(p, origin.clone(), black_box(&init), &mut cache, Timestamp::ZERO, server)
        };
        requests += verdict.requests.len();
        drop(verdict);
        counting(false);
    }
    let allocations = ALLOCATIONS.load(Relaxed);
    println!(
        "{n} {kind} steps, {requests} requests, {allocations} allocations ({:.1} a step; reallocations counted, the server's response clones not)",
        allocations as f64 / n.max(1) as f64
    );
}
