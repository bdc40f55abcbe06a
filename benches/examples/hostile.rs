//! Inputs built to hurt, at a size you choose: each is decided once and
//! timed, so that running it at 1×, 10× and 100× shows whether the cost
//! grows with the input's size (linear) or faster.
//!
//!   cargo run --release -p corsim-benches --example hostile -- 1000 10000 100000
//!
//! `HOSTILE_CASE=substring` runs only the cases whose name contains it (for
//! counting instructions per case under callgrind, which a loaded machine
//! does not disturb).
//!
//! Each case is one whole `fetch()` through the engine (`fetch::run_quiet`),
//! preflight included where the request needs one, against answers that
//! allow it, so every check reads the whole input.

use std::time::Instant;

use corsim::fetch::run_quiet;
use corsim::{CredentialsMode, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};

const PAGE: &str = "https://app.example";
const URL: &str = "https://api.example/x";

/// One hostile input of size `n`: the request and the server's answers.
struct Case {
    name: &'static str,
    /// Time a second fetch of the same request, answered from the preflight cache.
    cached: bool,
    init: RequestInit,
    preflight: HttpResponse,
    actual: HttpResponse,
}

fn allow(mut r: HttpResponse) -> HttpResponse {
    r = r.header("Access-Control-Allow-Origin", PAGE);
    r
}

fn cases(n: usize) -> Vec<Case> {
    let names: Vec<String> = (0..n).map(|i| format!("x-h{i}")).collect();
    let joined = names.join(", ");
    let mut out = Vec::new();

    // n distinct CORS-unsafe request headers, every one listed by the preflight.
    let mut init = RequestInit::get(URL).method("PUT");
    for name in &names {
        init = init.header(name.clone(), "1");
    }
    out.push(Case {
        name: "n distinct request headers, all allowed",
        cached: false,
        init: init.clone(),
        preflight: allow(HttpResponse::new(204)).header("Access-Control-Allow-Methods", "PUT").header("Access-Control-Allow-Headers", &joined),
        actual: allow(HttpResponse::new(200)),
    });
    out.push(Case {
        name: "the same, again: allowed by the preflight cache",
        cached: true,
        init,
        preflight: allow(HttpResponse::new(204)).header("Access-Control-Allow-Methods", "PUT").header("Access-Control-Allow-Headers", &joined),
        actual: allow(HttpResponse::new(200)),
    });

    // n request headers of one name (combined into one value).
    let mut init = RequestInit::get(URL).method("PUT");
    for _ in 0..n {
        init = init.header("X-Same", "v");
    }
    out.push(Case {
        name: "n same-named request headers",
        cached: false,
        init,
        preflight: allow(HttpResponse::new(204)).header("Access-Control-Allow-Methods", "PUT").header("Access-Control-Allow-Headers", "x-same"),
        actual: allow(HttpResponse::new(200)),
    });

    // A no-cors request with n safelisted headers of one name.
    let mut init = RequestInit::get(URL).mode(corsim::Mode::NoCors);
    for _ in 0..n {
        init = init.header("Accept", "a");
    }
    out.push(Case { name: "n no-cors Accept headers", cached: false, init, preflight: HttpResponse::new(204), actual: HttpResponse::new(200) });

    // A header value of n × 10 bytes, and an Access-Control-Allow-Origin as long.
    let big = "a".repeat(n * 10);
    out.push(Case {
        name: "one request header of 10n bytes",
        cached: false,
        init: RequestInit::get(URL).header("X-Big", big.clone()),
        preflight: allow(HttpResponse::new(204)).header("Access-Control-Allow-Headers", "x-big"),
        actual: allow(HttpResponse::new(200)).header("X-Long", &big),
    });

    // Access-Control-Allow-Methods with n methods, the request's last.
    let methods: Vec<String> = (0..n).map(|i| format!("M{i}")).collect();
    let last = methods.last().cloned().unwrap_or_else(|| "M0".to_owned());
    out.push(Case {
        name: "Access-Control-Allow-Methods of n methods",
        cached: false,
        init: RequestInit::get(URL).method(last),
        preflight: allow(HttpResponse::new(204)).header("Access-Control-Allow-Methods", &methods.join(",")),
        actual: allow(HttpResponse::new(200)),
    });

    // n response headers, every one exposed by name.
    let mut actual = allow(HttpResponse::new(200)).header("Access-Control-Expose-Headers", &joined);
    for name in &names {
        actual = actual.header(name, "1");
    }
    out.push(Case {
        name: "n response headers, all exposed",
        cached: false,
        init: RequestInit::get(URL).credentials(CredentialsMode::Include),
        preflight: HttpResponse::new(204),
        actual: actual.header("Access-Control-Allow-Credentials", "true"),
    });
    out
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![1_000, 10_000, 100_000] } else { sizes };
    let only = std::env::var("HOSTILE_CASE").unwrap_or_default();
    let page = Origin::parse(PAGE).expect("a page origin");
    let mut table: Vec<(&'static str, Vec<f64>)> = Vec::new();
    for &n in &sizes {
        for (i, case) in cases(n).into_iter().filter(|c| c.name.contains(only.as_str())).enumerate() {
            let mut cache = PreflightCache::new();
            let mut fetch = || {
                run_quiet(&Profile::CHROMIUM, page.clone(), &case.init, &mut cache, Timestamp::ZERO, |r| {
                    if r.is_preflight {
                        case.preflight.clone()
                    } else {
                        case.actual.clone()
                    }
                })
            };
            if case.cached {
                let first = fetch();
                assert!(first.outcome.is_ok(), "{}: the first fetch fails", case.name);
            }
            let start = Instant::now();
            let verdict = fetch();
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            assert!(verdict.outcome.is_ok(), "{}: {:?}", case.name, verdict.outcome.err().map(|f| f.kind));
            if table.len() <= i {
                table.push((case.name, Vec::new()));
            }
            table[i].1.push(ms);
        }
    }
    print!("{:<45}", "case (ms per fetch)");
    for n in &sizes {
        print!("{:>12}", format!("n={n}"));
    }
    println!();
    for (name, times) in table {
        print!("{name:<45}");
        for t in times {
            print!("{t:>12.2}");
        }
        println!();
    }
}
