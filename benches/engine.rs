//! Each decision on realistic inputs, a whole step, and whole recorded
//! scenarios. Run with `cargo bench -p corsim-benches --bench engine`.

use std::hint::black_box;

use corsim::cors_check::cors_check;
use corsim::fetch::run;
use corsim::preflight::{check_preflight_response, preflight_request, PreflightFor};
use corsim::request_header::cors_unsafe_request_header_names;
use corsim::response::readable_header_names;
use corsim::scenario::Scenario;
use corsim::{
    CredentialsMode, HttpResponse, Origin, PreflightCache, Profile, Request, ResponseType, Timestamp,
};
use corsim_benches::*;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn decisions(c: &mut Criterion) {
    let p = &Profile::CHROMIUM;
    let simple = Request::new(p, &simple_request()).unwrap();
    let pre = Request::new(p, &preflighted_request()).unwrap();
    let unsafe_names = cors_unsafe_request_header_names(p, &pre.headers);
    let mut g = c.benchmark_group("decision");
    g.bench_function("fetch() request checks (preflighted request)", |b| {
        let init = preflighted_request();
        b.iter(|| Request::new(p, black_box(&init)).unwrap())
    });
    g.bench_function("classify simple", |b| {
        b.iter(|| cors_unsafe_request_header_names(p, black_box(&simple.headers)).is_empty())
    });
    g.bench_function("classify preflighted", |b| {
        b.iter(|| cors_unsafe_request_header_names(p, black_box(&pre.headers)))
    });
    g.bench_function("build preflight", |b| {
        b.iter(|| preflight_request(p, black_box(&pre.url), &pre.method, &unsafe_names, ORIGIN))
    });
    let actual = actual_headers();
    g.bench_function("CORS check", |b| {
        b.iter(|| cors_check(p, black_box(ORIGIN), CredentialsMode::SameOrigin, black_box(&actual)))
    });
    let preflight = preflight_response();
    g.bench_function("preflight check", |b| {
        b.iter(|| {
            check_preflight_response(
                p,
                &PreflightFor {
                    method: &pre.method,
                    headers: &pre.headers,
                    unsafe_names: &unsafe_names,
                    credentials: CredentialsMode::SameOrigin,
                    serialized_origin: ORIGIN,
                },
                black_box(&preflight),
            )
        })
    });
    g.bench_function("readable header names", |b| {
        b.iter(|| readable_header_names(p, ResponseType::Cors, black_box(&actual), CredentialsMode::SameOrigin))
    });
    g.finish();
}

fn steps(c: &mut Criterion) {
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
    let mut g = c.benchmark_group("step");
    let init = preflighted_request();
    g.bench_function("preflighted step, cache miss (preflight, both checks, insert)", |b| {
        b.iter(|| {
            let mut cache = PreflightCache::new();
            run(p, origin.clone(), black_box(&init), &mut cache, Timestamp::ZERO, server)
        })
    });
    g.bench_function("preflighted step, cache hit", |b| {
        let mut cache = PreflightCache::new();
        let _warm = run(p, origin.clone(), &init, &mut cache, Timestamp::ZERO, server);
        b.iter(|| run(p, origin.clone(), black_box(&init), &mut cache, Timestamp::ZERO, server))
    });
    let simple = simple_request();
    g.bench_function("simple step", |b| {
        let mut cache = PreflightCache::new();
        b.iter(|| run(p, origin.clone(), black_box(&simple), &mut cache, Timestamp::ZERO, server))
    });
    g.finish();
}

fn corpus(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/corpus/");
    let mut g = c.benchmark_group("corpus");
    for file in ["chromium-156-public.jsonl", "firefox-153-public.jsonl", "webkit-2.50.6-public.jsonl"] {
        let text = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
        let scenarios: Vec<Scenario> = text.lines().map(|l| Scenario::parse(l).unwrap()).collect();
        g.throughput(Throughput::Elements(scenarios.len() as u64));
        g.bench_function(format!("simulate {file}"), |b| {
            b.iter(|| scenarios.iter().map(|s| s.simulate(None).steps.len()).sum::<usize>())
        });
        g.bench_function(format!("parse + simulate + serialize {file}"), |b| {
            b.iter(|| {
                text.lines()
                    .map(|l| serde_json::to_string(&Scenario::parse(l).unwrap().simulate(None)).unwrap().len())
                    .sum::<usize>()
            })
        });
        g.bench_function(format!("serde_json parse only {file}"), |b| {
            b.iter(|| text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap().is_object() as usize).sum::<usize>())
        });
    }
    g.finish();
}

criterion_group!(benches, decisions, steps, corpus);
criterion_main!(benches);
