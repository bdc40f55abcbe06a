//! Request headers (Fetch § "Headers"): forbidden request-headers,
//! CORS-safelisted request-headers, CORS-unsafe request-header names, and the
//! `no-cors` safelist, with the profile's deviations.

use crate::header_list::{get_decode_split, is_http_whitespace, is_tchar, lower_into, trim_bytes, HeaderList, TokenBytes, TokenList};
use crate::method;
use crate::profile::Profile;

/// Names that are forbidden in every profile (Fetch's list).
const FORBIDDEN_NAMES: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// "Forbidden request-header" (Fetch § "Headers"): script may not set it;
/// `fetch()` drops it silently.
///
/// ```
/// use corsim::{request_header::is_forbidden, Profile};
/// let p = &Profile::CHROMIUM;
/// assert!(is_forbidden(p, b"Cookie", b"a=b"));
/// assert!(is_forbidden(p, b"Sec-Fetch-Mode", b"cors"));
/// assert!(is_forbidden(p, b"X-HTTP-Method-Override", b"GET, track "));
/// assert!(!is_forbidden(p, b"X-HTTP-Method-Override", b"PATCH"));
/// assert!(is_forbidden(p, b"User-Agent", b"x"));
/// assert!(!is_forbidden(&Profile::SPEC, b"User-Agent", b"x"));
/// ```
pub fn is_forbidden(profile: &Profile, name: &[u8], value: &[u8]) -> bool {
    let mut buf = [0u8; 48];
    let Some(lower) = lower_into(name, &mut buf) else {
        // Long names are forbidden only by prefix.
        return starts_with_ignore_case(name, b"proxy-") || starts_with_ignore_case(name, b"sec-");
    };
    let lower: &[u8] = lower;
    if FORBIDDEN_NAMES.iter().any(|n| n.as_bytes() == lower) {
        return true;
    }
    if lower.starts_with(b"proxy-") || lower.starts_with(b"sec-") {
        return true;
    }
    if profile.user_agent_forbidden && (lower == b"user-agent" || lower == b"access-control-request-private-network") {
        return true;
    }
    if matches!(lower, b"x-http-method" | b"x-http-method-override" | b"x-method-override") {
        return get_decode_split(value).iter().any(|m| method::is_forbidden(m));
    }
    false
}

fn starts_with_ignore_case(name: &[u8], prefix: &[u8]) -> bool {
    name.get(..prefix.len()).is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// "CORS-unsafe request-header byte" (Fetch § "Headers").
pub fn is_cors_unsafe_request_header_byte(b: u8) -> bool {
    matches!(
        b,
        0x00..=0x08 | 0x0a..=0x1f | b'"' | b'(' | b')' | b':' | b'<' | b'>' | b'?' | b'@' | b'[' | b'\\' | b']' | b'{' | b'}' | 0x7f
    )
}

/// "CORS-safelisted request-header" (Fetch § "Headers") for a name and
/// value, with the profile's extras.
///
/// ```
/// use corsim::{request_header::is_cors_safelisted, Profile};
/// let p = &Profile::CHROMIUM;
/// assert!(is_cors_safelisted(p, b"Content-Type", b"text/plain; charset=utf-8"));
/// assert!(!is_cors_safelisted(p, b"Content-Type", b"application/json"));
/// assert!(is_cors_safelisted(p, b"Range", b"bytes=0-100"));
/// assert!(!is_cors_safelisted(p, b"Range", b"bytes=-100"));
/// assert!(is_cors_safelisted(p, b"DPR", b"2"));
/// assert!(!is_cors_safelisted(&Profile::SPEC, b"DPR", b"2"));
/// ```
pub fn is_cors_safelisted(profile: &Profile, name: &[u8], value: &[u8]) -> bool {
    // 1. A value longer than 128 bytes is never safelisted.
    if value.len() > 128 {
        return false;
    }
    let mut buf = [0u8; 48];
    let Some(lower) = lower_into(name, &mut buf) else { return false };
    let lower: &[u8] = lower;
    match lower {
        b"accept" => {
            !value.iter().any(|&b| is_cors_unsafe_request_header_byte(b))
                && (!profile.accept_ascii_only || value.is_ascii())
        }
        b"accept-language" | b"content-language" => value
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(&b)),
        b"content-type" => {
            if value.iter().any(|&b| is_cors_unsafe_request_header_byte(b)) {
                return false;
            }
            match mime_type_and_subtype(value) {
                Some((ty, subtype)) => {
                    let is = |t: &[u8], s: &[u8]| ty.eq_ignore_ascii_case(t) && subtype.eq_ignore_ascii_case(s);
                    is(b"application", b"x-www-form-urlencoded") || is(b"multipart", b"form-data") || is(b"text", b"plain")
                }
                None => false,
            }
        }
        b"range" => match parse_single_range(value, profile.range_unit_case_sensitive) {
            Some((start, _)) => start.is_some(),
            None => false,
        },
        _ if profile.client_hints_safelisted => is_chromium_client_hint(lower, value),
        _ => false,
    }
}

/// Chromium's extra safelisted headers and their value rules
/// (`services/network/public/cpp/cors/cors.cc`).
fn is_chromium_client_hint(lower_name: &[u8], value: &[u8]) -> bool {
    let digits = |v: &[u8]| !v.is_empty() && v.iter().all(u8::is_ascii_digit);
    let decimal = |v: &[u8]| match v.iter().position(|&b| b == b'.') {
        Some(i) => digits(&v[..i]) && digits(&v[i + 1..]),
        None => digits(v),
    };
    match lower_name {
        b"intervention" => true,
        b"device-memory" | b"dpr" | b"downlink" => decimal(value),
        b"width" | b"viewport-width" | b"rtt" => digits(value),
        b"ect" => matches!(value, b"slow-2g" | b"2g" | b"3g" | b"4g"),
        b"save-data" => value.eq_ignore_ascii_case(b"on"),
        _ => false,
    }
}

/// Whether `lower_name` is one of Chromium's extra safelisted names.
fn is_chromium_client_hint_name(lower_name: &[u8]) -> bool {
    matches!(
        lower_name,
        b"intervention" | b"device-memory" | b"dpr" | b"downlink" | b"width" | b"viewport-width" | b"rtt" | b"ect" | b"save-data"
    )
}

/// The essence (`type/subtype`, lower-cased) of a MIME type, parsed as the
/// WHATWG MIME Sniffing standard's "parse a MIME type" does; `None` on failure.
pub fn mime_essence(value: &[u8]) -> Option<Vec<u8>> {
    let (ty, subtype) = mime_type_and_subtype(value)?;
    Some(essence_of(ty, subtype))
}

/// `type/subtype` lower-cased, in one allocation.
fn essence_of(ty: &[u8], subtype: &[u8]) -> Vec<u8> {
    let mut essence = Vec::with_capacity(ty.len() + 1 + subtype.len());
    essence.extend(ty.iter().map(u8::to_ascii_lowercase));
    essence.push(b'/');
    essence.extend(subtype.iter().map(u8::to_ascii_lowercase));
    essence
}

/// The type and subtype of a MIME type as written (case kept), parsed as
/// [`mime_essence`] parses them; `None` on failure. Borrowed: no allocation.
fn mime_type_and_subtype(value: &[u8]) -> Option<(&[u8], &[u8])> {
    // 1. Remove leading and trailing HTTP whitespace.
    let input = trim_bytes(value, is_http_whitespace);
    // 2–4. The type: code points up to "/", a non-empty token.
    let slash = input.iter().position(|&b| b == b'/')?;
    let ty = &input[..slash];
    if ty.is_empty() || !ty.iter().all(|&b| is_tchar(b)) {
        return None;
    }
    // 5–8. The subtype: up to ";", trailing whitespace removed, a non-empty token.
    let rest = &input[slash + 1..];
    let end = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
    let subtype = trim_bytes(&rest[..end], is_http_whitespace);
    if subtype.is_empty() || !subtype.iter().all(|&b| is_tchar(b)) {
        return None;
    }
    Some((ty, subtype))
}

/// "Parse a single range header value" (Fetch § "Headers") with
/// allowWhitespace false:
/// `bytes=START-END` where either may be empty but not both, and
/// START ≤ END when both are given. Digits that overflow fail.
pub fn parse_single_range(value: &[u8], unit_case_sensitive: bool) -> Option<(Option<u64>, Option<u64>)> {
    let unit = value.get(..5)?;
    let unit_ok = if unit_case_sensitive { unit == b"bytes" } else { unit.eq_ignore_ascii_case(b"bytes") };
    if !unit_ok {
        return None;
    }
    let rest = value[5..].strip_prefix(b"=")?;
    let dash = rest.iter().position(|&b| b == b'-')?;
    let (start, end) = (&rest[..dash], &rest[dash + 1..]);
    let number = |d: &[u8]| -> Result<Option<u64>, ()> {
        if d.is_empty() {
            return Ok(None);
        }
        if !d.iter().all(u8::is_ascii_digit) {
            return Err(());
        }
        std::str::from_utf8(d).map_err(|_| ())?.parse::<u64>().map(Some).map_err(|_| ())
    };
    let start = number(start).ok()?;
    let end = number(end).ok()?;
    match (start, end) {
        (None, None) => None,
        (Some(s), Some(e)) if s > e => None,
        pair => Some(pair),
    }
}

/// "CORS-unsafe request-header names" (Fetch § "Headers"): the names of
/// headers that are not safelisted, plus every safelisted one when their
/// values together exceed the profile's total (1024 bytes), lower-cased,
/// unique and sorted.
///
/// Pass the header list as the browser sends it (combined, forbidden
/// headers removed).
///
/// ```
/// use corsim::{HeaderList, Profile, request_header::cors_unsafe_request_header_names};
/// let mut h = HeaderList::new();
/// h.append("X-Trace", "1");
/// h.append("Content-Type", "application/json");
/// h.append("Accept", "*/*");
/// let names = cors_unsafe_request_header_names(&Profile::CHROMIUM, &h);
/// assert_eq!(names.iter().collect::<Vec<_>>(), ["content-type", "x-trace"]);
/// assert_eq!(names.joined(), "content-type,x-trace");
/// ```
pub fn cors_unsafe_request_header_names(profile: &Profile, headers: &HeaderList) -> TokenList {
    // One string for the names, however many, sized at the first.
    let mut unsafe_names = TokenBytes::for_names(headers);
    let mut safelist_value_size = 0usize;
    for h in headers {
        if is_cors_safelisted(profile, h.name, h.value) {
            safelist_value_size += h.value.len();
        } else {
            unsafe_names.push(h.name, true);
        }
    }
    // Past the total, the safelisted ones are unsafe too (lower-cased only then).
    if profile.safelist_total_limit.is_some_and(|limit| safelist_value_size > limit) {
        for h in headers.iter().filter(|h| is_cors_safelisted(profile, h.name, h.value)) {
            unsafe_names.push(h.name, true);
        }
    }
    unsafe_names.finish(Some(profile.unique_preflight_header_names))
}

/// Why a request header is CORS-unsafe: the rule of "CORS-safelisted
/// request-header" (Fetch § "Headers") it fails, or the 1024-byte total of
/// "CORS-unsafe request-header names".
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "because", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum UnsafeBecause {
    /// `Authorization`: a CORS non-wildcard request-header name, never safelisted.
    Authorization,
    /// The name is not one the profile safelists.
    NameNotSafelisted,
    /// The value is longer than 128 bytes.
    ValueTooLong,
    /// A `Content-Type` whose MIME type parses, to another essence.
    MimeEssence {
        /// The essence, lower-case (`application/json`).
        essence: String,
    },
    /// The value has a CORS-unsafe request-header byte.
    UnsafeByte,
    /// A `Content-Type` value that is not a MIME type.
    NotAMimeType,
    /// The value does not follow the rule for this name (`Accept-Language`,
    /// `Range`, a client hint, a non-ASCII `Accept` in Firefox).
    ValueNotSafelisted,
    /// Safelisted on its own, but the safelisted values add up to more than
    /// the profile's total (1024 bytes).
    TotalTooLong,
}

/// Why the header `name: value` is CORS-unsafe in `profile` (Fetch §
/// "Headers"); `over_total` says whether the safelisted values of the
/// request add up to more than the profile's total (see
/// [`cors_unsafe_request_header_names`]). `None` when it is safelisted.
///
/// ```
/// use corsim::{request_header::{why_cors_unsafe, UnsafeBecause}, Profile};
/// let p = &Profile::CHROMIUM;
/// assert_eq!(why_cors_unsafe(p, b"X-Trace", b"1", false), Some(UnsafeBecause::NameNotSafelisted));
/// assert_eq!(why_cors_unsafe(p, b"Content-Type", b"application/json", false),
///            Some(UnsafeBecause::MimeEssence { essence: "application/json".into() }));
/// assert_eq!(why_cors_unsafe(p, b"Accept", b"*/*", false), None);
/// assert_eq!(why_cors_unsafe(p, b"Accept", b"*/*", true), Some(UnsafeBecause::TotalTooLong));
/// ```
pub fn why_cors_unsafe(profile: &Profile, name: &[u8], value: &[u8], over_total: bool) -> Option<UnsafeBecause> {
    if is_cors_non_wildcard_request_header_name(name) {
        return Some(UnsafeBecause::Authorization);
    }
    if is_cors_safelisted(profile, name, value) {
        return over_total.then_some(UnsafeBecause::TotalTooLong);
    }
    if value.len() > 128 {
        return Some(UnsafeBecause::ValueTooLong);
    }
    let mut buf = [0u8; 48];
    let lower: &[u8] = lower_into(name, &mut buf).unwrap_or_default();
    Some(match lower {
        b"content-type" => match mime_type_and_subtype(value) {
            Some(_) if value.iter().any(|&b| is_cors_unsafe_request_header_byte(b)) => UnsafeBecause::UnsafeByte,
            // The type and subtype are tokens: ASCII, so already UTF-8.
            Some((ty, subtype)) => UnsafeBecause::MimeEssence {
                essence: String::from_utf8(essence_of(ty, subtype)).unwrap_or_else(|e| crate::header_list::isomorphic_decode(e.as_bytes())),
            },
            None => UnsafeBecause::NotAMimeType,
        },
        b"accept" | b"accept-language" | b"content-language" | b"range" => UnsafeBecause::ValueNotSafelisted,
        _ if profile.client_hints_safelisted && is_chromium_client_hint_name(lower) => UnsafeBecause::ValueNotSafelisted,
        _ => UnsafeBecause::NameNotSafelisted,
    })
}

/// Whether the safelisted values of `headers` add up to more than the
/// profile's total, which makes them all CORS-unsafe (Fetch § "Headers":
/// "CORS-unsafe request-header names").
pub fn safelisted_values_over_total(profile: &Profile, headers: &HeaderList) -> bool {
    let Some(limit) = profile.safelist_total_limit else { return false };
    // The safelisted values are some of all the values: when all of them
    // fit, so do these, without deciding which are safelisted.
    if headers.iter().map(|h| h.value.len()).sum::<usize>() <= limit {
        return false;
    }
    let total: usize =
        headers.iter().filter(|h| is_cors_safelisted(profile, h.name, h.value)).map(|h| h.value.len()).sum();
    total > limit
}

/// "No-CORS-safelisted request-header" (Fetch § "Headers"): `Accept`,
/// `Accept-Language`, `Content-Language` or `Content-Type` with a safelisted
/// value. A `no-cors` request keeps only these.
pub fn is_no_cors_safelisted(profile: &Profile, name: &[u8], value: &[u8]) -> bool {
    ["accept", "accept-language", "content-language", "content-type"].iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name))
        && is_cors_safelisted(profile, name, value)
}

/// "CORS non-wildcard request-header name" (Fetch § "Headers"):
/// `Authorization`.
pub fn is_cors_non_wildcard_request_header_name(name: &[u8]) -> bool {
    name.eq_ignore_ascii_case(b"authorization")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::header_list::isomorphic_decode;

    #[test]
    fn content_type_table() {
        let p = &Profile::SPEC;
        let pass: &[&[u8]] = &[
            b"text/plain",
            b"text/plain;",
            b"text/plain;garbage",
            b"multipart/form-data",
            b"Text/Plain;charset=utf-8",
            b"  text/plain  ",
            b"TEXT/PLAIN",
        ];
        let fail: &[&[u8]] = &[
            b"text /plain",
            b"text\t/\tplain",
            b"text/plain;garbage\x01\x02",
            b"text/plain,",
            b",text/plain",
            b"text/plain,text/plain",
            b"text/plain\x0b",
            b"text/plain\x0c",
            b"application/www-form-urlencoded",
            b"application/x-www-form-urlencoded;\x7f",
            b"multipart/form-data;\"",
            b"text/plain/x",
            b"",
            b"text/plain\xe9",
        ];
        for v in pass {
            assert!(is_cors_safelisted(p, b"content-type", v), "{:?}", isomorphic_decode(v));
        }
        for v in fail {
            assert!(!is_cors_safelisted(p, b"content-type", v), "{:?}", isomorphic_decode(v));
        }
    }

    #[test]
    fn range_table() {
        let p = &Profile::SPEC;
        for v in [&b"bytes=100-200"[..], b"bytes=200-", b"bytes=0-0"] {
            assert!(is_cors_safelisted(p, b"range", v), "{:?}", isomorphic_decode(v));
        }
        let long = format!("bytes={}-{}", "1".repeat(61), "2".repeat(61));
        for v in [
            &b"100-200"[..],
            b"MB=100-200",
            b"bytes =100-200",
            b"bytes\t=100-200",
            b"bytes=  100-200",
            b"bytes=100 -200",
            b"bytes=100- 200",
            b"bytes=100-200hello",
            b"bytes=abc-def",
            b"bytes=100-200,300-400",
            b"bytes=-200",
            b"bytes=200-100",
            b"bytes 100-200",
            b",bytes=100-200",
            b"bytes=,100-200",
            b"Bytes=0-1",
            long.as_bytes(),
        ] {
            assert!(!is_cors_safelisted(p, b"range", v), "{:?}", isomorphic_decode(v));
        }
        assert!(is_cors_safelisted(&Profile::WEBKIT, b"range", b"Bytes=0-1"));
    }

    #[test]
    fn languages_and_accept() {
        let p = &Profile::CHROMIUM;
        assert!(is_cors_safelisted(p, b"accept-language", b"en-US,en;q=0.9"));
        assert!(is_cors_safelisted(p, b"content-language", b""));
        assert!(!is_cors_safelisted(p, b"accept-language", b"de:DE"));
        assert!(!is_cors_safelisted(p, b"content-language", b"d\xe9"));
        assert!(is_cors_safelisted(p, b"accept", b"text/\xe9"));
        assert!(!is_cors_safelisted(&Profile::FIREFOX, b"accept", b"text/\xe9"));
        assert!(!is_cors_safelisted(p, b"accept", b"a@b"));
        assert!(is_cors_safelisted(p, b"accept", "x".repeat(128).as_bytes()));
        assert!(!is_cors_safelisted(p, b"accept", "x".repeat(129).as_bytes()));
    }

    #[test]
    fn total_limit() {
        let mut h = HeaderList::new();
        for _ in 0..9 {
            h.append("Accept-Language", "x".repeat(120));
        }
        h.append("Content-Language", "de");
        // Entry by entry, each value is safelisted, but their total exceeds 1024.
        assert_eq!(
            cors_unsafe_request_header_names(&Profile::SPEC, &h),
            ["accept-language", "content-language"]
        );
        // Combined, as browsers send them, the one Accept-Language value is too long.
        assert_eq!(cors_unsafe_request_header_names(&Profile::SPEC, &h.combined()), ["accept-language"]);
    }

    #[test]
    fn forbidden_override_family() {
        let p = &Profile::SPEC;
        for v in [&b"TRACE"[..], b"track", b"trace,", b"GET,track ", b" connect"] {
            assert!(is_forbidden(p, b"X-HTTP-Method", v), "{:?}", isomorphic_decode(v));
        }
        for v in [&b"GETTRACE"[..], b"GET", b"\",TRACE\","] {
            assert!(!is_forbidden(p, b"X-Method-Override", v), "{:?}", isomorphic_decode(v));
        }
        assert!(is_forbidden(p, b"Proxy-Test", b""));
        assert!(!is_forbidden(p, b"X-Test", b""));
    }
}
