//! Opaque-response blocking (ORB): which `no-cors` responses from another
//! origin may reach the page at all (Fetch § "Opaque-response blocking",
//! the "opaque-response-safelisted check"; the explainer is
//! <https://github.com/annevk/orb>). CSS, JavaScript, images and media may
//! be embedded across origins without CORS; ORB keeps every other response
//! (HTML, JSON, XML, CSV, PDF, …) out of the page's process, so a
//! `<script>` or `<img>` cannot be pointed at an API to read it through a
//! side channel.
//!
//! [`opaque_response_blocking`] runs the algorithm under a browser's
//! [`OrbRules`] (profile data); this module imports only
//! [`crate::blocked`], so [`crate::profile`] can hold its rules without an
//! import circle. Callers give it the response's MIME type essence, `nosniff`,
//! status and body ([`OrbInput`]).

pub use crate::blocked::{OrbBlock, OrbStep, SniffedAs};

/// How a browser runs ORB (one value per browser, in its profile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrbRules {
    /// Whether the browser blocks opaque responses at all.
    pub enabled: bool,
    /// A 206 must be the first part of its resource (`Content-Range:
    /// bytes 0-…`): "validate a partial response given 0".
    pub first_partial_checked: bool,
    /// Step 11: an `image/`, `audio/` or `video/` type whose body sniffs
    /// as none of these is blocked (otherwise it goes on to the last step).
    pub media_type_mismatch_blocked: bool,
    /// What stands in for the last step, "if response's body parses as
    /// JavaScript and does not parse as JSON, then return true; return
    /// false".
    pub last_step: LastStep,
    /// What `fetch()` gets for a blocked response (an element always gets a
    /// network error: it fires `error`).
    pub fetch_gets: Blocked,
}

/// What stands in for ORB's JavaScript parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LastStep {
    /// The standard: block unless the body is JavaScript that is not JSON.
    /// corsim has no JavaScript parser: it counts a body as JavaScript
    /// unless it is JSON ([`parses_as_json`]) or sniffs as HTML or XML
    /// ([`sniff_data`]), which is what a parse of those would reject.
    ParseJavaScript,
    /// Chromium's ORB "v0.1": no parse; block what sniffs as HTML, XML or
    /// JSON, or starts with a JSON parser breaker (`)]}'`, `{}&&`,
    /// `for(;;);`, `while(1);`), allow the rest ([`sniff_data`]).
    SniffData,
}

/// What the page gets instead of a blocked response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// A network error (`fetch()` rejects; an element fires `error`).
    NetworkError,
    /// The response with its body taken away: `fetch()` resolves as usual
    /// (an opaque response, whose body script cannot read anyway).
    EmptyBody,
}

impl OrbRules {
    /// The Fetch standard: ORB, its JavaScript parse, network errors.
    pub const SPEC: OrbRules = OrbRules {
        enabled: true,
        first_partial_checked: true,
        media_type_mismatch_blocked: true,
        last_step: LastStep::ParseJavaScript,
        fetch_gets: Blocked::NetworkError,
    };
    /// No opaque-response blocking (WebKit, recorded: a `<script>` of
    /// `application/pdf` runs, an `<img>` of `text/csv` with a GIF body
    /// loads).
    pub const NONE: OrbRules = OrbRules { enabled: false, ..OrbRules::SPEC };

    /// Chromium's ("ORB v0.1"; recorded in `tests/corpus/checks-chromium-*.jsonl`,
    /// `gate-orb-*`): CORB's sniffers for HTML, XML, JSON objects and parser
    /// breakers stand in for the JavaScript parse (a `<script>` of
    /// `application/json` `[1]` runs), any 206 passes, an `image/`,
    /// `audio/` or `video/` type whose body is none of these goes on to the
    /// sniffers (a `<script>` of `image/png` reaches the script's own type
    /// check, which logs it: `initiators-chromium-*`), and `fetch()` gets a
    /// blocked response as an opaque one; nothing is logged.
    pub const CHROMIUM: OrbRules = OrbRules {
        enabled: true,
        first_partial_checked: false,
        media_type_mismatch_blocked: false,
        last_step: LastStep::SniffData,
        fetch_gets: Blocked::EmptyBody,
    };

    /// Firefox's (recorded, `gate-orb-*`): the standard's steps, a
    /// `<script>` of `application/json` `[1]` refused (the body is
    /// validated as JavaScript that is not JSON), a 206 without
    /// `Content-Range: bytes 0-…` refused; `fetch()` gets a blocked
    /// response as an opaque one; nothing is logged.
    pub const FIREFOX: OrbRules = OrbRules { fetch_gets: Blocked::EmptyBody, ..OrbRules::SPEC };
}

/// What ORB looks at in a response.
#[derive(Clone, Copy, Debug)]
pub struct OrbInput<'a> {
    /// The MIME type essence from `Content-Type` (lower case), `None` when
    /// there is none or it does not parse ("failure").
    pub essence: Option<&'a str>,
    /// "Determine nosniff": `X-Content-Type-Options` starts with `nosniff`.
    pub nosniff: bool,
    /// The status.
    pub status: u16,
    /// The `Content-Range` header's value, if any.
    pub content_range: Option<&'a [u8]>,
    /// The body (the standard looks at its first 1024 bytes, then at all of
    /// it for the JavaScript parse).
    pub body: &'a [u8],
}

/// The opaque-response-safelisted check (Fetch § "Opaque-response
/// blocking"; explainer, "Processing model"): `Ok` when a `no-cors`
/// response from another origin may reach the page, else the step that
/// blocked it. Without a media element's range requests, the "no-cors
/// media request state" is never "subsequent" and a 206 is always a first
/// partial response.
pub fn opaque_response_blocking(rules: &OrbRules, input: &OrbInput<'_>) -> Result<(), OrbBlock> {
    if !rules.enabled {
        return Ok(());
    }
    let block = |step| Err(OrbBlock { mime: input.essence.unwrap_or_default().to_owned(), step });
    // 1–3. The MIME type's lists.
    if let Some(essence) = input.essence {
        if is_opaque_safelisted(essence) {
            return Ok(());
        }
        if is_opaque_blocklisted_never_sniffed(essence) {
            return block(OrbStep::NeverSniffed);
        }
        if input.status == 206 && is_opaque_blocklisted(essence) {
            return block(OrbStep::PartialBlocklisted);
        }
        if input.nosniff && (is_opaque_blocklisted(essence) || essence == "text/plain") {
            return block(OrbStep::NosniffBlocklisted);
        }
    }
    // 4–5. A 206 that is not the start of its resource.
    if rules.first_partial_checked && input.status == 206 && !input.content_range.is_some_and(starts_at_zero) {
        return block(OrbStep::PartialNotFirst);
    }
    // 6–8. A body that sniffs as an image, audio or video passes. corsim
    // takes an empty body as the media its type names: a scenario without
    // a body stands for a valid resource of its type (FORMAT.md).
    let head = &input.body[..input.body.len().min(1024)];
    let media_type = input.essence.is_some_and(|e| e.starts_with("image/") || e.starts_with("audio/") || e.starts_with("video/"));
    if is_image_pattern(head) || is_audio_or_video_pattern(head) || (head.is_empty() && media_type) {
        return Ok(());
    }
    // 7–11.
    if input.nosniff {
        return block(OrbStep::Nosniff);
    }
    if !(200..=299).contains(&input.status) {
        return block(OrbStep::ErrorStatus);
    }
    let Some(essence) = input.essence else { return Ok(()) };
    if rules.media_type_mismatch_blocked && (essence.starts_with("audio/") || essence.starts_with("image/") || essence.starts_with("video/")) {
        return block(OrbStep::MediaTypeNotMedia);
    }
    // 12–13. The JavaScript parse, or what stands in for it.
    match rules.last_step {
        LastStep::SniffData => match sniff_data(input.body) {
            Some(sniffed) => block(OrbStep::Sniffed(sniffed)),
            None => Ok(()),
        },
        LastStep::ParseJavaScript => {
            if parses_as_json(input.body) {
                block(OrbStep::Sniffed(SniffedAs::Json))
            } else if let Some(sniffed @ (SniffedAs::Html | SniffedAs::Xml)) = sniff_data(input.body) {
                block(OrbStep::Sniffed(sniffed))
            } else {
                Ok(())
            }
        }
    }
}

/// Whether a `Content-Range` value is `bytes 0-LAST/COMPLETE` (or `/*`):
/// the first part ("validate a partial response" with an expected start of
/// 0; any case for `bytes`, as Fetch's "parse a single range header value"
/// takes the unit).
fn starts_at_zero(value: &[u8]) -> bool {
    let digits = |b: &[u8]| !b.is_empty() && b.iter().all(u8::is_ascii_digit);
    if !value.get(..8).is_some_and(|p| p.eq_ignore_ascii_case(b"bytes 0-")) {
        return false;
    }
    let rest = &value[8..];
    match rest.iter().position(|&b| b == b'/') {
        Some(slash) => digits(&rest[..slash]) && (&rest[slash + 1..] == b"*" || digits(&rest[slash + 1..])),
        None => false,
    }
}

/// "Opaque-safelisted MIME type": a JavaScript MIME type, `text/css` or
/// `image/svg+xml`.
pub fn is_opaque_safelisted(essence: &str) -> bool {
    essence == "text/css" || essence == "image/svg+xml" || is_javascript_mime(essence)
}

/// "Opaque-blocklisted MIME type": an HTML, JSON or XML MIME type that is
/// not `image/svg+xml` (MIME Sniffing § "MIME type groups").
pub fn is_opaque_blocklisted(essence: &str) -> bool {
    essence == "text/html"
        || essence == "application/json"
        || essence == "text/json"
        || essence.ends_with("+json")
        || essence == "text/xml"
        || essence == "application/xml"
        || (essence.ends_with("+xml") && essence != "image/svg+xml")
}

/// "Opaque-blocklisted-never-sniffed MIME type": blocked whatever the body.
pub fn is_opaque_blocklisted_never_sniffed(essence: &str) -> bool {
    matches!(
        essence,
        "application/dash+xml"
            | "application/gzip"
            | "application/msexcel"
            | "application/mspowerpoint"
            | "application/msword"
            | "application/msword-template"
            | "application/pdf"
            | "application/vnd.apple.mpegurl"
            | "application/vnd.ces-quickpoint"
            | "application/vnd.ces-quicksheet"
            | "application/vnd.ces-quickword"
            | "application/vnd.ms-excel"
            | "application/vnd.ms-excel.sheet.macroenabled.12"
            | "application/vnd.ms-powerpoint"
            | "application/vnd.ms-powerpoint.presentation.macroenabled.12"
            | "application/vnd.ms-word"
            | "application/vnd.ms-word.document.12"
            | "application/vnd.ms-word.document.macroenabled.12"
            | "application/vnd.msword"
            | "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            | "application/vnd.openxmlformats-officedocument.presentationml.template"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.template"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.template"
            | "application/vnd.presentation-openxml"
            | "application/vnd.presentation-openxmlm"
            | "application/vnd.spreadsheet-openxml"
            | "application/vnd.wordprocessing-openxml"
            | "application/x-gzip"
            | "application/x-protobuf"
            | "application/x-protobuffer"
            | "application/zip"
            | "audio/mpegurl"
            | "multipart/byteranges"
            | "multipart/signed"
            | "text/event-stream"
            | "text/csv"
            | "text/vtt"
    )
}

/// "JavaScript MIME type" (MIME Sniffing § "MIME type groups").
pub fn is_javascript_mime(essence: &str) -> bool {
    matches!(
        essence,
        "application/ecmascript"
            | "application/javascript"
            | "application/x-ecmascript"
            | "application/x-javascript"
            | "text/ecmascript"
            | "text/javascript"
            | "text/javascript1.0"
            | "text/javascript1.1"
            | "text/javascript1.2"
            | "text/javascript1.3"
            | "text/javascript1.4"
            | "text/javascript1.5"
            | "text/jscript"
            | "text/livescript"
            | "text/x-ecmascript"
            | "text/x-javascript"
    )
}

/// Whether `bytes` starts with `pattern` where `mask` is set (MIME
/// Sniffing § "Matching a MIME type pattern").
fn pattern_matches(bytes: &[u8], pattern: &[u8], mask: &[u8]) -> bool {
    bytes.len() >= pattern.len() && pattern.iter().zip(mask).zip(bytes).all(|((&p, &m), &b)| b & m == p)
}

/// The image type pattern matching algorithm (MIME Sniffing § 6.1): ICO,
/// CUR, BMP, GIF, WebP, PNG, JPEG.
pub fn is_image_pattern(bytes: &[u8]) -> bool {
    const FULL: [u8; 14] = [0xFF; 14];
    let starts = |p: &[u8]| pattern_matches(bytes, p, &FULL[..p.len()]);
    starts(b"\x00\x00\x01\x00")
        || starts(b"\x00\x00\x02\x00")
        || starts(b"BM")
        || starts(b"GIF87a")
        || starts(b"GIF89a")
        || pattern_matches(bytes, b"RIFF\0\0\0\0WEBPVP", b"\xFF\xFF\xFF\xFF\0\0\0\0\xFF\xFF\xFF\xFF\xFF\xFF")
        || starts(b"\x89PNG\r\n\x1A\n")
        || starts(b"\xFF\xD8\xFF")
}

/// The audio or video type pattern matching algorithm (MIME Sniffing §
/// 6.2): AIFF, MP3 with an ID3 tag, Ogg, MIDI, AVI, WAVE, and MP4 and WebM
/// by their signatures' first bytes.
pub fn is_audio_or_video_pattern(bytes: &[u8]) -> bool {
    const FULL: [u8; 12] = [0xFF; 12];
    let starts = |p: &[u8]| pattern_matches(bytes, p, &FULL[..p.len()]);
    starts(b"ID3")
        || starts(b"OggS\0")
        || starts(b"MThd\0\0\0\x06")
        || pattern_matches(bytes, b"FORM\0\0\0\0AIFF", b"\xFF\xFF\xFF\xFF\0\0\0\0\xFF\xFF\xFF\xFF")
        || pattern_matches(bytes, b"RIFF\0\0\0\0AVI ", b"\xFF\xFF\xFF\xFF\0\0\0\0\xFF\xFF\xFF\xFF")
        || pattern_matches(bytes, b"RIFF\0\0\0\0WAVE", b"\xFF\xFF\xFF\xFF\0\0\0\0\xFF\xFF\xFF\xFF")
        || starts(b"\x1A\x45\xDF\xA3")
        || (bytes.len() >= 12 && &bytes[4..8] == b"ftyp")
}

/// What a body sniffs as, the way Chromium's sniffers (those of CORB, kept
/// by its ORB) read it: `None` when it is none of these.
pub fn sniff_data(body: &[u8]) -> Option<SniffedAs> {
    if is_parser_breaker(body) {
        return Some(SniffedAs::ParserBreaker);
    }
    if sniffs_as_html(body) {
        return Some(SniffedAs::Html);
    }
    if skip_whitespace(body).get(..5).is_some_and(|p| p.eq_ignore_ascii_case(b"<?xml")) {
        return Some(SniffedAs::Xml);
    }
    if sniffs_as_json_object(body) {
        return Some(SniffedAs::Json);
    }
    None
}

fn skip_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')).unwrap_or(bytes.len());
    &bytes[start..]
}

/// A prefix that makes a response fail to run as a script, which APIs put
/// in front of JSON.
fn is_parser_breaker(body: &[u8]) -> bool {
    let body = skip_whitespace(body);
    [&b")]}'"[..], b"{}&&", b"for(;;);", b"while(1);"].iter().any(|p| body.starts_with(p))
}

/// HTML: after whitespace and `<!-- … -->` comments, one of the tags the
/// MIME Sniffing standard lists for HTML (any case).
fn sniffs_as_html(body: &[u8]) -> bool {
    const TAGS: [&[u8]; 16] = [
        b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font", b"<table", b"<a", b"<style", b"<title",
        b"<b", b"<body", b"<br", b"<p",
    ];
    let mut rest = skip_whitespace(body);
    loop {
        if rest.starts_with(b"<!--") {
            match rest.windows(3).position(|w| w == b"-->") {
                Some(end) => rest = skip_whitespace(&rest[end + 3..]),
                None => return false,
            }
            continue;
        }
        return TAGS.iter().any(|tag| {
            rest.get(..tag.len()).is_some_and(|p| p.eq_ignore_ascii_case(tag))
                && matches!(rest.get(tag.len()), Some(b' ' | b'>'))
        });
    }
}

/// JSON as Chromium sniffs it: `{`, then a string, then `:`.
fn sniffs_as_json_object(body: &[u8]) -> bool {
    let rest = skip_whitespace(body);
    let Some(rest) = rest.strip_prefix(b"{") else { return false };
    let rest = skip_whitespace(rest);
    let Some(mut rest) = rest.strip_prefix(b"\"") else { return false };
    loop {
        match rest.first() {
            None => return false,
            Some(b'\\') => rest = rest.get(2..).unwrap_or_default(),
            Some(b'"') => return skip_whitespace(&rest[1..]).first() == Some(&b':'),
            Some(_) => rest = &rest[1..],
        }
    }
}

/// Whether the whole body is one JSON text (RFC 8259), read in one pass
/// with an explicit stack (no recursion, so no depth limit to reach).
pub fn parses_as_json(body: &[u8]) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Open {
        Array,
        Object,
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while matches!(body.get(*i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            *i += 1;
        }
    };
    // Read a string starting at `i` (on the quote); the index after it.
    let string = |mut i: usize| -> Option<usize> {
        i += 1;
        loop {
            match *body.get(i)? {
                b'"' => return Some(i + 1),
                b'\\' => match *body.get(i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                    b'u' if body.get(i + 2..i + 6).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) => i += 6,
                    _ => return None,
                },
                0..=0x1F => return None,
                _ => i += 1,
            }
        }
    };
    let number = |mut i: usize| -> Option<usize> {
        if body.get(i) == Some(&b'-') {
            i += 1;
        }
        match body.get(i)? {
            b'0' => i += 1,
            b'1'..=b'9' => {
                while body.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => return None,
        }
        if body.get(i) == Some(&b'.') {
            i += 1;
            if !body.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while body.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if matches!(body.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(body.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !body.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while body.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        Some(i)
    };
    // Expecting a value at `i`.
    'value: loop {
        ws(&mut i);
        let next = match body.get(i) {
            Some(b'{') => {
                i += 1;
                ws(&mut i);
                if body.get(i) == Some(&b'}') {
                    i += 1;
                    None
                } else {
                    stack.push(Open::Object);
                    let Some(after) = (body.get(i) == Some(&b'"')).then(|| string(i)).flatten() else { return false };
                    i = after;
                    ws(&mut i);
                    if body.get(i) != Some(&b':') {
                        return false;
                    }
                    i += 1;
                    continue 'value;
                }
            }
            Some(b'[') => {
                i += 1;
                ws(&mut i);
                if body.get(i) == Some(&b']') {
                    i += 1;
                    None
                } else {
                    stack.push(Open::Array);
                    continue 'value;
                }
            }
            Some(b'"') => string(i),
            Some(b't') if body[i..].starts_with(b"true") => Some(i + 4),
            Some(b'f') if body[i..].starts_with(b"false") => Some(i + 5),
            Some(b'n') if body[i..].starts_with(b"null") => Some(i + 4),
            Some(b'-' | b'0'..=b'9') => number(i),
            _ => return false,
        };
        if let Some(after) = next {
            i = after;
        }
        // After a value: close what is open, or go on to the next member.
        loop {
            ws(&mut i);
            match (stack.last(), body.get(i)) {
                (None, None) => return true,
                (None, Some(_)) => return false,
                (Some(_), Some(b',')) => {
                    i += 1;
                    if stack.last() == Some(&Open::Object) {
                        ws(&mut i);
                        let Some(after) = (body.get(i) == Some(&b'"')).then(|| string(i)).flatten() else { return false };
                        i = after;
                        ws(&mut i);
                        if body.get(i) != Some(&b':') {
                            return false;
                        }
                        i += 1;
                    }
                    continue 'value;
                }
                (Some(Open::Array), Some(b']')) | (Some(Open::Object), Some(b'}')) => {
                    stack.pop();
                    i += 1;
                }
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_parse() {
        for ok in ["{}", "[]", "[1]", " {\"a\": [1, 2.5e3, true, null, \"x\\u00e9\"]} ", "0", "-1.5", "\"s\"", "[[[[]]]]"] {
            assert!(parses_as_json(ok.as_bytes()), "{ok}");
        }
        for bad in ["", "void 0;", "{a:1}", "[1,]", "{\"a\":1,}", "01", "[1", "{\"a\" 1}", ")]}'\n{}", "[1]]", "1 2", "\"\\x\""] {
            assert!(!parses_as_json(bad.as_bytes()), "{bad}");
        }
        // Deep nesting costs its size, no recursion.
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(parses_as_json(deep.as_bytes()));
    }

    #[test]
    fn sniffers() {
        assert_eq!(sniff_data(b"<!DOCTYPE html><html>"), Some(SniffedAs::Html));
        assert_eq!(sniff_data(b"  <!-- c --> <body>x"), Some(SniffedAs::Html));
        assert_eq!(sniff_data(b"<?xml version=\"1.0\"?><a/>"), Some(SniffedAs::Xml));
        assert_eq!(sniff_data(b"{\"a\":1}"), Some(SniffedAs::Json));
        assert_eq!(sniff_data(b")]}'\n{\"a\":1}"), Some(SniffedAs::ParserBreaker));
        assert_eq!(sniff_data(b"[1]"), None);
        assert_eq!(sniff_data(b"void 0;"), None);
        assert_eq!(sniff_data(b"<!-- unterminated"), None);
        assert!(is_image_pattern(b"GIF89a\x01\x00"));
        assert!(!is_image_pattern(b"<html>"));
        assert!(is_audio_or_video_pattern(b"\0\0\0\x18ftypmp42"));
    }

    fn input<'a>(essence: Option<&'a str>, nosniff: bool, status: u16, body: &'a [u8]) -> OrbInput<'a> {
        OrbInput { essence, nosniff, status, content_range: None, body }
    }

    #[test]
    fn each_step() {
        use OrbStep::*;
        let spec = OrbRules::SPEC;
        let chromium =
            OrbRules { last_step: LastStep::SniffData, first_partial_checked: false, media_type_mismatch_blocked: false, ..OrbRules::SPEC };
        let step = |rules: &OrbRules, i: OrbInput<'_>| opaque_response_blocking(rules, &i).err().map(|b| b.step);
        assert_eq!(step(&spec, input(Some("text/javascript"), true, 206, b"{\"a\":1}")), None, "safelisted first");
        assert_eq!(step(&spec, input(Some("text/csv"), false, 200, b"void 0;")), Some(NeverSniffed));
        assert_eq!(step(&spec, input(Some("application/json"), false, 206, b"void 0;")), Some(PartialBlocklisted));
        assert_eq!(step(&spec, input(Some("text/plain"), true, 200, b"void 0;")), Some(NosniffBlocklisted));
        assert_eq!(step(&spec, input(Some("text/plain"), false, 206, b"void 0;")), Some(PartialNotFirst));
        assert_eq!(step(&chromium, input(Some("text/plain"), false, 206, b"void 0;")), None, "Chromium lets any 206 through");
        let first = OrbInput { content_range: Some(b"bytes 0-6/7"), ..input(Some("text/plain"), false, 206, b"void 0;") };
        assert_eq!(opaque_response_blocking(&spec, &first), Ok(()));
        for (value, want) in [(&b"bytes 0-6/*"[..], true), (b"BYTES 0-6/7", true), (b"bytes 1-6/7", false), (b"bytes 0-/7", false), (b"bytes 0-6", false), (b"", false)] {
            assert_eq!(starts_at_zero(value), want, "{:?}", String::from_utf8_lossy(value));
        }
        assert_eq!(step(&spec, input(Some("text/html"), true, 200, b"GIF89a")), Some(NosniffBlocklisted));
        assert_eq!(step(&spec, input(Some("image/png"), true, 200, b"GIF89a")), None, "an image sniffed");
        assert_eq!(step(&spec, input(Some("application/octet-stream"), true, 200, b"void 0;")), Some(Nosniff));
        assert_eq!(step(&spec, input(None, false, 404, b"void 0;")), Some(ErrorStatus));
        assert_eq!(step(&spec, input(None, false, 200, b"{\"a\":1}")), None, "no type: allowed");
        assert_eq!(step(&spec, input(Some("image/png"), false, 200, b"<html>")), Some(MediaTypeNotMedia));
        assert_eq!(step(&chromium, input(Some("image/png"), false, 200, b"void 0;")), None, "Chromium: on to the sniffers");
        assert_eq!(step(&chromium, input(Some("image/png"), false, 200, b"<html>")), Some(Sniffed(SniffedAs::Html)));
        assert_eq!(step(&spec, input(Some("application/json"), false, 200, b"[1]")), Some(Sniffed(SniffedAs::Json)));
        assert_eq!(step(&chromium, input(Some("application/json"), false, 200, b"[1]")), None, "Chromium sniffs no array");
        assert_eq!(step(&spec, input(Some("text/plain"), false, 200, b")]}'\n{}")), None, "a parser breaker parses as neither");
        assert_eq!(step(&chromium, input(Some("text/plain"), false, 200, b")]}'\n{}")), Some(Sniffed(SniffedAs::ParserBreaker)));
        assert_eq!(step(&spec, input(Some("text/html"), false, 200, b"void 0;")), None);
        assert_eq!(step(&OrbRules::NONE, input(Some("text/csv"), true, 200, b"")), None);
    }
}
