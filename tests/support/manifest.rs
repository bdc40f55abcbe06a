//! The recorded corpora's folder and `corpus/MANIFEST`, shared by the tests
//! that read every listed corpus (`corpus.rs`, `messages.rs`).

use std::path::{Path, PathBuf};

use corsim::Browser;

/// `tests/corpus`.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every `FILE PROFILE` line of `corpus/MANIFEST`.
pub fn manifest() -> Vec<(String, Browser)> {
    let text = std::fs::read_to_string(corpus_dir().join("MANIFEST")).expect("corpus/MANIFEST");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let file = parts.next().expect("a file name").to_owned();
            let profile = parts.next().and_then(Browser::from_name).unwrap_or_else(|| panic!("bad MANIFEST line {l:?}"));
            (file, profile)
        })
        .collect()
}
