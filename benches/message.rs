//! Reading a pasted console error back (`corsim::console::parse`): building
//! the parser, reading a three-line paste, and the facts and implied scenario.
//! Run with `cargo bench -p corsim-benches --bench message`.

use std::hint::black_box;

use corsim::console::parse::Parser;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const PASTE: &str = "Access to fetch at 'https://api.example.com/items' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.
POST https://api.example.com/items net::ERR_FAILED
Uncaught (in promise) TypeError: Failed to fetch";

fn message(c: &mut Criterion) {
    let mut g = c.benchmark_group("message");
    g.bench_function("build the parser (every template compiled)", |b| b.iter(Parser::new));
    let parser = Parser::new();
    g.throughput(Throughput::Bytes(PASTE.len() as u64));
    g.bench_function("read a three-line Chromium paste", |b| b.iter(|| parser.read(black_box(PASTE))));
    g.bench_function("read, facts and implied scenario", |b| {
        b.iter(|| parser.read(black_box(PASTE)).facts().scenario().unwrap())
    });
    g.finish();
}

criterion_group!(benches, message);
criterion_main!(benches);
