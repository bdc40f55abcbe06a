//! The regular expressions of library options, matched the way each
//! library matches them (Python's `re.match` anchors at the start only,
//! `re.fullmatch` at both ends, PCRE as nginx and Apache use it anchors
//! nowhere). Read with `regex-lite`: the patterns people write for origins
//! (alternations, classes, `.*`, escapes) mean the same there; its classes
//! and case-insensitivity are ASCII-only, as origins are.

use super::OptionsError;

/// Where a pattern must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// At the start (Python's `re.match`).
    Start,
    /// The whole text (Python's `re.fullmatch`).
    Full,
    /// Anywhere (PCRE's search, as nginx and Apache use it).
    Search,
}

/// A compiled pattern.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    source: String,
    regex: regex_lite::Regex,
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for Pattern {}

impl Pattern {
    /// Compile `pattern` for `what` (named in the error).
    pub(crate) fn new(what: &str, pattern: &str, anchor: Anchor, case_insensitive: bool) -> Result<Pattern, OptionsError> {
        let flags = if case_insensitive { "(?i)" } else { "" };
        let anchored = match anchor {
            Anchor::Start => format!("{flags}^(?:{pattern})"),
            Anchor::Full => format!("{flags}^(?:{pattern})$"),
            Anchor::Search => format!("{flags}(?:{pattern})"),
        };
        let regex = regex_lite::RegexBuilder::new(&anchored)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| OptionsError(format!("{what} {pattern:?}: {e}")))?;
        Ok(Pattern { source: pattern.to_owned(), regex })
    }

    /// The groups of the first match (`$0` the whole match; an empty
    /// string for a group that did not take part), or `None`.
    pub(crate) fn captures(&self, text: &str) -> Option<Vec<String>> {
        let c = self.regex.captures(text)?;
        Some(c.iter().map(|m| m.map_or(String::new(), |m| m.as_str().to_owned())).collect())
    }

    /// Whether `text` matches.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }
}
