//! The preflight cache: lookup and insert at 10, 1,000 and 1,000,000
//! entries (with an unbounded profile), and its memory per entry.
//! Run with `cargo bench -p corsim-benches --bench cache`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use corsim::preflight_cache::{CacheKey, CacheQuery, PreflightCache, PreflightResult};
use corsim::{Profile, Timestamp};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

/// Counts live heap bytes, to measure memory per entry.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Chromium's rules without its capacity, so a million entries fit.
fn profile() -> Profile {
    let mut p = Profile::CHROMIUM;
    p.cache.capacity = None;
    p
}

fn key(i: usize) -> CacheKey {
    CacheKey { origin: "https://app.example".into(), url: format!("https://api.example/v1/items/{i}"), credentials: None }
}

fn result() -> PreflightResult {
    PreflightResult {
        methods: ["PUT", "DELETE"].into_iter().collect(),
        headers: ["authorization", "content-type"].into_iter().collect(),
        credentials: false,
        max_age_secs: Some(600),
    }
}

fn filled(p: &Profile, n: usize) -> PreflightCache {
    let mut cache = PreflightCache::new();
    let r = result();
    for i in 0..n {
        cache.insert(p, key(i), &r, Timestamp::ZERO);
    }
    cache
}

fn cache(c: &mut Criterion) {
    let p = profile();
    let names: corsim::TokenList = ["authorization", "content-type"].into_iter().collect();
    let query = CacheQuery { method: "PUT", unsafe_headers: &names, credentials: false };
    let mut g = c.benchmark_group("cache");
    for n in [10usize, 1_000, 1_000_000] {
        let before = LIVE.load(Ordering::Relaxed);
        let mut cache = filled(&p, n);
        let bytes = LIVE.load(Ordering::Relaxed) - before;
        eprintln!("cache memory: {n} entries use {bytes} heap bytes, {:.0} bytes per entry", bytes as f64 / n as f64);
        let probe = key(n / 2);
        g.bench_function(format!("lookup hit at {n} entries"), |b| {
            b.iter(|| cache.lookup(&p, black_box(&probe), &query, Timestamp::from_millis(1)).is_ok())
        });
        let r = result();
        let mut next = n;
        g.bench_function(format!("insert new key at {n} entries"), |b| {
            b.iter_batched(
                || {
                    next += 1;
                    key(next)
                },
                |k| cache.insert(&p, k, &r, Timestamp::ZERO),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, cache);
criterion_main!(benches);
