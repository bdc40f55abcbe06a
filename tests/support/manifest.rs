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
    corsim::recordings::manifest_entries(&text).unwrap_or_else(|e| panic!("corpus/MANIFEST {e}"))
}
