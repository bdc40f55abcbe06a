//! The Public Suffix List as compact data, and its algorithm
//! (publicsuffix.org, "Formal algorithm").
//!
//! The rules are those the `psl` crate compiles in: `build.rs` reads them
//! from that crate's generated source, checks every one against `psl`'s own
//! answers, and writes them here in a small text form (one rule a line, its
//! labels reversed, each line sharing a prefix with the one before). So the
//! list stays the one `cargo update -p psl` brings, without linking psl's
//! code (about a megabyte of WebAssembly; this is about 75 KB, 34 KB
//! gzipped). Names are ASCII, as the URL parser gives hosts (punycode).
//!
//! This file is also compiled into `build.rs` (for the encoding and the
//! check), so it uses nothing from the rest of the crate.

/// The rules: `co.uk`, wildcards `*.ck`, exceptions `!www.ck`; sorted.
pub struct Rules {
    sorted: Vec<Box<str>>,
}

/// The text form of a rule set: for each rule in the order of its reversed
/// labels (`uk.co`), one byte `b' ' + n` (the `n` bytes it shares with the
/// previous reversed rule), then the rest of its reversed form, then `\n`.
pub fn encode(rules: &[String]) -> Vec<u8> {
    let mut reversed: Vec<String> = rules.iter().map(|r| reverse_labels(r)).collect();
    reversed.sort();
    reversed.dedup();
    let mut out = Vec::new();
    let mut previous = "";
    for r in &reversed {
        let shared = r.bytes().zip(previous.bytes()).take_while(|(a, b)| a == b).count().min(94);
        out.push(b' ' + shared as u8);
        out.extend_from_slice(&r.as_bytes()[shared..]);
        out.push(b'\n');
        previous = r;
    }
    out
}

/// `co.uk` ↔ `uk.co`.
fn reverse_labels(name: &str) -> String {
    let mut labels: Vec<&str> = name.split('.').collect();
    labels.reverse();
    labels.join(".")
}

impl Rules {
    /// The rules of an [`encode`]d text (lines that are not ASCII are skipped).
    pub fn decode(text: &[u8]) -> Rules {
        let mut sorted = Vec::new();
        let mut previous: Vec<u8> = Vec::new();
        for line in text.split(|&b| b == b'\n') {
            let Some((&shared, rest)) = line.split_first() else { continue };
            previous.truncate(usize::from(shared.saturating_sub(b' ')));
            previous.extend_from_slice(rest);
            if let Ok(reversed) = std::str::from_utf8(&previous) {
                sorted.push(reverse_labels(reversed).into_boxed_str());
            }
        }
        sorted.sort_unstable();
        Rules { sorted }
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.sorted.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    fn has(&self, prefix: &str, rule: &str) -> bool {
        self.sorted
            .binary_search_by(|r| {
                let r = r.as_bytes();
                let (head, tail) = r.split_at(prefix.len().min(r.len()));
                head.cmp(prefix.as_bytes()).then_with(|| tail.cmp(rule.as_bytes()))
            })
            .is_ok()
    }

    /// The public suffix of `name` by the prevailing rule (an exception
    /// first, else the matching rule with the most labels), or `None` when
    /// no rule matches (the list's implicit `*` rule: an unlisted suffix).
    pub fn public_suffix<'a>(&self, name: &'a str) -> Option<&'a str> {
        // Each start of a label, from the whole name down to its last label.
        let starts = std::iter::once(0).chain(name.match_indices('.').map(|(i, _)| i + 1));
        for start in starts.clone() {
            if self.has("!", &name[start..]) {
                // An exception rule: the suffix is the rule less its first label.
                return name[start..].find('.').map(|dot| &name[start + dot + 1..]);
            }
        }
        for start in starts {
            let suffix = &name[start..];
            if self.has("", suffix) {
                return Some(suffix);
            }
            if let Some(dot) = suffix.find('.') {
                if self.has("*.", &suffix[dot + 1..]) {
                    return Some(suffix);
                }
            }
        }
        None
    }

    /// The registrable domain of `name`: its public suffix and the label
    /// before it; `None` when the suffix is unlisted or is the whole name.
    pub fn registrable_domain<'a>(&self, name: &'a str) -> Option<&'a str> {
        let suffix = self.public_suffix(name)?;
        let before = name.len().checked_sub(suffix.len() + 1)?;
        if name.as_bytes()[before] != b'.' {
            return None;
        }
        let start = name[..before].rfind('.').map_or(0, |dot| dot + 1);
        Some(&name[start..])
    }
}
