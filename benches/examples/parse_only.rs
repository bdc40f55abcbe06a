//! The floor for `corsim run`: read a JSON Lines file and parse every line
//! with serde_json, doing nothing else. `run-vs-parse.sh` times it beside
//! `corsim run` on the same file.

use std::io::{BufRead, BufReader};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_only FILE");
        std::process::exit(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("parse_only: cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let mut objects = 0usize;
    for line in BufReader::new(file).split(b'\n').map_while(Result::ok) {
        if let Ok(serde_json::Value::Object(_)) = serde_json::from_slice(&line) {
            objects += 1;
        }
    }
    println!("{objects} objects");
}
