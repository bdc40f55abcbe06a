//! Writes the Public Suffix List's rules in compact form for `site.rs`
//! (`$OUT_DIR/public_suffix_rules.txt`; the format is in
//! `src/public_suffix.rs`).
//!
//! The rules come from the `psl` crate (a build-dependency, so Cargo.lock pins
//! the list and `cargo update -p psl` refreshes it): its published source is
//! the list compiled to nested `match`es on labels, one function per node of
//! the list's tree. This reads that tree (its labels and which function each
//! leads to), asks `psl` itself which names are suffixes to know each node's
//! rule, and then checks the compact rules against `psl` for every node of
//! the tree and names below it, failing the build on any difference. What
//! the WebAssembly build saves: psl's code is about 0.9 MB there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use psl::Psl;

#[allow(dead_code)]
#[path = "src/public_suffix.rs"]
mod public_suffix;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/public_suffix.rs");
    let list = psl_source();
    println!("cargo:rerun-if-changed={}", list.display());
    let source = std::fs::read_to_string(&list).unwrap_or_else(|e| panic!("cannot read {}: {e}", list.display()));
    let tree = parse_tree(&source);
    let (rules, names) = rules_of(&tree);
    let text = public_suffix::encode(&rules);
    let compact = public_suffix::Rules::decode(&text);
    check(&compact, &names);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR")).join("public_suffix_rules.txt");
    std::fs::write(&out, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// The path of the `psl` package's `src/list.rs`, from `cargo metadata`.
fn psl_source() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let run = |offline: bool| {
        let mut cmd = Command::new(&cargo);
        cmd.args(["metadata", "--format-version", "1"]).arg("--manifest-path").arg(&manifest);
        if offline {
            cmd.arg("--offline");
        }
        // The wasm build's nightly-only settings are not for this command.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("CARGO_UNSTABLE_") {
                cmd.env_remove(key);
            }
        }
        cmd.output().ok().filter(|o| o.status.success())
    };
    let output = run(true).or_else(|| run(false)).expect("`cargo metadata` failed: it locates the psl crate's source");
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    // The psl this package depends on, by the resolve's id.
    let this = packages
        .iter()
        .find(|p| p["manifest_path"].as_str().map(PathBuf::from).as_ref() == Some(&manifest))
        .and_then(|p| p["id"].as_str())
        .expect("this package in cargo metadata");
    let psl_id = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| n["id"] == this)
        .and_then(|n| n["deps"].as_array()?.iter().find(|d| d["name"] == "psl")?["pkg"].as_str())
        .expect("psl among this package's dependencies in cargo metadata");
    let package = packages.iter().find(|p| p["id"] == psl_id).expect("the psl package in cargo metadata");
    let manifest = PathBuf::from(package["manifest_path"].as_str().expect("manifest_path"));
    manifest.parent().expect("a package folder").join("src/list.rs")
}

/// One node of psl's tree: the labels below it and the function each leads
/// to (`None`: the wildcard label).
type Tree = BTreeMap<String, Vec<(Option<Vec<u8>>, String)>>;

/// psl's functions and, for each, its `match` arms `[bytes] => lookup_…(`
/// and `wild => lookup_…(`.
fn parse_tree(source: &str) -> Tree {
    let mut tree = Tree::new();
    for chunk in source.split("fn lookup").skip(1) {
        let name: String = chunk.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let name = format!("lookup{name}");
        let mut arms = Vec::new();
        let mut rest = chunk;
        while let Some(at) = rest.find("=> lookup_") {
            let before = rest[..at].trim_end();
            let callee: String =
                rest[at + 3..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let label = if before.ends_with("wild") {
                None
            } else if let Some(open) = before.rfind('[') {
                let bytes = before[open + 1..].trim_end_matches(']');
                Some(bytes.split(',').map(|b| b.trim().parse::<u8>().expect("a byte of a label")).collect())
            } else {
                panic!("an arm of {name} that is neither a label nor `wild`: {before:?}");
            };
            arms.push((label, callee));
            rest = &rest[at + 3..];
        }
        tree.insert(name, arms);
    }
    assert!(tree.contains_key("lookup"), "no `fn lookup` in psl's list.rs: its layout changed");
    tree
}

/// The rules, and every ASCII name the tree has a node for (with, for
/// wildcard nodes, a name the wildcard matches), to check them on: all but
/// the few where psl departs from the list's algorithm (see below).
fn rules_of(tree: &Tree) -> (Vec<String>, Vec<String>) {
    let (mut rules, mut names, mut quirks) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut stack: Vec<(String, Vec<String>)> = vec![("lookup".to_owned(), Vec::new())];
    while let Some((function, path)) = stack.pop() {
        let arms = tree.get(&function).map(Vec::as_slice).unwrap_or_default();
        let parent = path.iter().rev().cloned().collect::<Vec<_>>().join(".");
        let wildcard_below = arms.iter().any(|(label, _)| label.is_none());
        if wildcard_below {
            rules.insert(format!("*.{parent}"));
            names.insert(format!("wild.{parent}"));
        }
        for (label, callee) in arms {
            let Some(label) = label else { continue };
            let Ok(label) = String::from_utf8(label.clone()) else { continue };
            if !label.is_ascii() {
                continue;
            }
            let name = if parent.is_empty() { label.clone() } else { format!("{label}.{parent}") };
            let suffix = psl::List.suffix(name.as_bytes()).filter(|s| s.is_known()).map(|s| s.as_bytes().to_vec());
            let leaf = tree.get(callee).is_none_or(Vec::is_empty);
            match suffix {
                Some(s) if s == name.as_bytes() => {
                    rules.insert(name.clone());
                }
                // An exception rule (`!www.ck` beside `*.ck`): a leaf psl
                // answers with its parent.
                _ if wildcard_below && leaf => {
                    rules.insert(format!("!{name}"));
                }
                // A node beside a wildcard that has rules of its own below
                // (`*.r.cloud.int.apple` and `*.ap-north-1.r.cloud.int.apple`):
                // psl answers for the node itself as if the wildcard were not
                // there, where the list's algorithm matches the wildcard. The
                // compact rules follow the algorithm; such names are not
                // compared below.
                _ if wildcard_below => {
                    quirks.insert(name.clone());
                }
                _ => {}
            }
            names.insert(name);
            let mut below = path.clone();
            below.push(label);
            stack.push((callee.clone(), below));
        }
    }
    assert!(quirks.len() < 100, "{} nodes where psl's answers depart from the list's algorithm", quirks.len());
    (rules.into_iter().collect(), names.difference(&quirks).cloned().collect())
}

/// The registrable domain as `site.rs` defined it with `psl`.
fn psl_registrable_domain(name: &str) -> Option<String> {
    let domain = psl::List.domain(name.as_bytes())?;
    if !domain.suffix().is_known() {
        return None;
    }
    String::from_utf8(domain.as_bytes().to_vec()).ok()
}

/// Fails the build unless the compact rules give psl's answers for every
/// node's name and names one and two labels below it.
fn check(rules: &public_suffix::Rules, names: &[String]) {
    assert!(rules.len() > 5000, "only {} rules read from psl: its layout changed", rules.len());
    let mut wrong = Vec::new();
    for name in names {
        for probe in [name.clone(), format!("x.{name}"), format!("y.x.{name}")] {
            let ours = rules.registrable_domain(&probe).map(str::to_owned);
            let theirs = psl_registrable_domain(&probe);
            if ours != theirs {
                wrong.push(format!("{probe}: {ours:?}, psl {theirs:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{} names differ from psl, e.g. {:?}", wrong.len(), &wrong[..wrong.len().min(10)]);
}
