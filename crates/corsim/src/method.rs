//! Methods (Fetch § "Methods").

use crate::header_list::is_token;

/// "Normalize" a method (Fetch § "Methods"): `DELETE`, `GET`, `HEAD`,
/// `OPTIONS`, `POST` and `PUT` are upper-cased when they match
/// case-insensitively; anything else is kept.
///
/// ```
/// assert_eq!(corsim::method::normalize("pUt"), "PUT");
/// assert_eq!(corsim::method::normalize("patch"), "patch");
/// ```
pub fn normalize(method: &str) -> String {
    const NORMALIZED: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];
    match NORMALIZED.iter().find(|m| m.eq_ignore_ascii_case(method)) {
        Some(m) => (*m).to_owned(),
        None => method.to_owned(),
    }
}

/// "Method" (Fetch § "Methods"): a token.
pub fn is_method(method: &str) -> bool {
    is_token(method.as_bytes())
}

/// "Forbidden method" (Fetch § "Methods"): `CONNECT`, `TRACE` or `TRACK`,
/// case-insensitively.
pub fn is_forbidden(method: &[u8]) -> bool {
    [&b"CONNECT"[..], b"TRACE", b"TRACK"].iter().any(|m| m.eq_ignore_ascii_case(method))
}

/// "CORS-safelisted method" (Fetch § "Methods"): exactly `GET`, `HEAD` or
/// `POST`.
pub fn is_cors_safelisted(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (m, norm, forbidden, safe) in [
            ("get", "GET", false, true),
            ("Get", "GET", false, true),
            ("post", "POST", false, true),
            ("options", "OPTIONS", false, false),
            ("patch", "patch", false, false),
            ("PROPFIND", "PROPFIND", false, false),
            ("connect", "connect", true, false),
            ("TRACK", "TRACK", true, false),
        ] {
            assert_eq!(normalize(m), norm);
            assert_eq!(is_forbidden(m.as_bytes()), forbidden, "{m}");
            assert_eq!(is_cors_safelisted(&normalize(m)), safe, "{m}");
        }
        assert!(!is_method("G(ET"));
        assert!(!is_method(""));
        assert!(is_method("M-SEARCH"));
    }
}
