//! Potentially trustworthy origins and URLs (Secure Contexts § 3.1 "Is
//! origin potentially trustworthy?", § 3.2 "Is url potentially
//! trustworthy?"): what mixed content blocking lets through, and what makes
//! a page a secure context.
//!
//! Loopback hosts (`127.0.0.0/8`, `::1`) and `localhost` names are
//! trustworthy even over `http:`; Chromium 156 was observed fetching
//! `http://127.0.0.1:…` and `http://localhost:…` from an `https:` page (they
//! are exempt from mixed content blocking).

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::origin::Origin;

/// "Is origin potentially trustworthy?" (Secure Contexts § 3.1): `https`
/// and `wss` origins; loopback IP hosts; `localhost` and `*.localhost` (the
/// user agent follows "let localhost be localhost"). Opaque origins are not.
///
/// ```
/// use corsim::{secure_context::is_origin_potentially_trustworthy, Origin};
/// assert!(is_origin_potentially_trustworthy(&Origin::parse("http://127.0.0.1:8001").unwrap()));
/// assert!(!is_origin_potentially_trustworthy(&Origin::parse("http://app.example").unwrap()));
/// ```
pub fn is_origin_potentially_trustworthy(origin: &Origin) -> bool {
    let Origin::Tuple(tuple) = origin else { return false };
    matches!(tuple.scheme(), "https" | "wss") || is_loopback_host(tuple.host())
}

/// "Is url potentially trustworthy?" (Secure Contexts § 3.2): `about:blank`,
/// `about:srcdoc` and `data:` URLs are; a `file:` URL is (its origin is);
/// otherwise its origin decides (a `blob:` URL's origin is the one it wraps).
///
/// ```
/// use corsim::secure_context::is_url_potentially_trustworthy;
/// assert!(is_url_potentially_trustworthy(&"http://localhost:3000/api".parse().unwrap()));
/// assert!(!is_url_potentially_trustworthy(&"http://api.example/".parse().unwrap()));
/// ```
pub fn is_url_potentially_trustworthy(url: &Url) -> bool {
    match url.scheme() {
        "about" => matches!(url.path(), "blank" | "srcdoc"),
        "data" | "file" => true,
        // A special URL's origin is its own scheme, host and port: decided
        // without building it.
        "https" | "wss" => true,
        "http" | "ws" | "ftp" => url.host().is_some_and(|host| is_loopback_host(&host)),
        _ => is_origin_potentially_trustworthy(&Origin::of_url(url)),
    }
}

/// A host that names this machine: `127.0.0.0/8`, `::1`, `localhost`,
/// `*.localhost` (with or without the final dot).
pub fn is_loopback_host<S: AsRef<str>>(host: &Host<S>) -> bool {
    match host {
        Host::Ipv4(ip) => is_loopback_v4(*ip),
        Host::Ipv6(ip) => *ip == Ipv6Addr::LOCALHOST,
        Host::Domain(name) => {
            let name = name.as_ref().strip_suffix('.').unwrap_or(name.as_ref());
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

fn is_loopback_v4(ip: Ipv4Addr) -> bool {
    ip.octets()[0] == 127
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn potentially_trustworthy_urls() {
        let cases: &[(&str, bool)] = &[
            ("https://api.example/", true),
            ("wss://api.example/", true),
            ("http://api.example/", false),
            ("ws://api.example/", false),
            ("http://127.0.0.1:8002/x", true),
            ("http://127.255.0.9/", true),
            ("http://128.0.0.1/", false),
            ("http://[::1]:8003/", true),
            ("http://[::2]/", false),
            ("http://localhost:8002/", true),
            ("http://LOCALHOST./", true),
            ("http://api.localhost/", true),
            ("http://localhost.example/", false),
            ("http://notlocalhost/", false),
            ("http://10.0.0.1/", false),
            ("http://192.168.1.1/", false),
            ("data:,hi", true),
            ("about:blank", true),
            ("about:srcdoc", true),
            ("about:config", false),
            ("file:///etc/hosts", true),
            ("blob:https://app.example/0b4c", true),
            ("blob:http://app.example/0b4c", false),
            ("ftp://api.example/", false),
        ];
        for &(url, want) in cases {
            assert_eq!(is_url_potentially_trustworthy(&url.parse().unwrap()), want, "{url}");
        }
    }

    #[test]
    fn opaque_origins_are_not_trustworthy() {
        assert!(!is_origin_potentially_trustworthy(&Origin::Opaque));
    }
}
