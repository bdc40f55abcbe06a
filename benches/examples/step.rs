//! One kind of step, repeated: a steady target for `valgrind --tool=callgrind`
//! (instruction counts are repeatable on a loaded machine; wall time is not).
//!
//! `cargo build --release -p corsim-benches --example step`, then
//! `valgrind --tool=callgrind target/release/examples/step miss 1000`
//! (kinds: `miss`, `hit`, `simple`); divide the total by the count.

use std::hint::black_box;

use corsim::fetch::run;
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
        if r.is_preflight {
            pre_resp.clone()
        } else {
            actual_resp.clone()
        }
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
        requests += run(p, origin.clone(), black_box(&init), &mut cache, Timestamp::ZERO, server).requests.len();
    }
    println!("{n} {kind} steps, {requests} requests");
}
