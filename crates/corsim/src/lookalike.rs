//! Origins that look like a trusted one: what a careless origin check (a
//! suffix match, a prefix match, a regular expression with an unescaped dot,
//! "any subdomain", "any scheme") lets through. Shared by the property-test
//! strategies and the audit.

use std::fmt;

use crate::origin::Origin;

/// How an attacker's origin resembles a trusted one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum LookAlike {
    /// Text put before the host: `https://evilapp.example` for
    /// `https://app.example` (passes an "ends with" check). Put before a
    /// host that has a parent domain (`evilapp.example.com`) it is also a
    /// plain subdomain of that parent, which "any subdomain of example.com"
    /// lets through too: the audit tells the two apart by the other origins
    /// the server takes.
    Prefix,
    /// Text put after the host: `https://app.example.evil.test` (passes a
    /// "starts with" check or an unanchored pattern).
    Suffix,
    /// A dot of the host replaced: `https://appxexample` (passes a regular
    /// expression whose `.` was not escaped).
    UnescapedDot,
    /// A subdomain of the trusted host: `https://evil.app.example` (passes
    /// "any subdomain"; an XSS or takeover there reads the response).
    Subdomain,
    /// Another host under the trusted host's parent domain:
    /// `https://evil.example.com` for `https://app.example.com`.
    Sibling,
    /// The trusted host over plain `http://` (a network attacker can inject
    /// script into it).
    Insecure,
    /// The trusted host on another port (another service on that host).
    OtherPort,
    /// The opaque origin `null` (sandboxed iframes, `data:` URLs, some
    /// redirects), which any site can take on.
    Null,
}

impl LookAlike {
    /// Every kind, in the order [`look_alikes`] lists them.
    #[cfg_attr(not(test), allow(dead_code))] // the canonical order, checked by the tests
    pub const ALL: [LookAlike; 8] = [
        LookAlike::Prefix,
        LookAlike::Suffix,
        LookAlike::UnescapedDot,
        LookAlike::Subdomain,
        LookAlike::Sibling,
        LookAlike::Insecure,
        LookAlike::OtherPort,
        LookAlike::Null,
    ];

    /// A kebab-case name: `prefix`, `unescaped-dot`, …
    pub fn name(self) -> &'static str {
        match self {
            LookAlike::Prefix => "prefix",
            LookAlike::Suffix => "suffix",
            LookAlike::UnescapedDot => "unescaped-dot",
            LookAlike::Subdomain => "subdomain",
            LookAlike::Sibling => "sibling",
            LookAlike::Insecure => "insecure",
            LookAlike::OtherPort => "other-port",
            LookAlike::Null => "null",
        }
    }
}

impl fmt::Display for LookAlike {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The look-alikes of `trusted` an attacker can take on, each once, none
/// equal to `trusted`, in the order of [`LookAlike::ALL`]; `label` is the
/// attacker's text (`"evil"`). A kind that does not apply (no dot to
/// unescape, `Insecure` for an `http` origin) is left out; an opaque
/// `trusted` has no look-alikes.
///
/// ```
/// use corsim::{strategies::look_alikes, Origin};
/// let got: Vec<String> = look_alikes(&Origin::parse("https://app.example.com").unwrap(), "evil")
///     .into_iter().map(|(kind, o)| format!("{kind} {o}")).collect();
/// assert_eq!(got, [
///     "prefix https://evilapp.example.com",
///     "prefix https://evilexample.com",
///     "suffix https://app.example.com.evil.test",
///     "unescaped-dot https://appxexample.com",
///     "unescaped-dot https://app.examplexcom",
///     "subdomain https://evil.app.example.com",
///     "sibling https://evil.example.com",
///     "insecure http://app.example.com",
///     "other-port https://app.example.com:8443",
///     "null null",
/// ]);
/// ```
pub fn look_alikes(trusted: &Origin, label: &str) -> Vec<(LookAlike, Origin)> {
    let Origin::Tuple(t) = trusted else {
        return Vec::new();
    };
    let scheme = t.scheme();
    let host = t.host().to_string();
    let default_port = match scheme {
        "https" | "wss" => 443,
        "http" | "ws" => 80,
        _ => 0,
    };
    let port = if t.port() == default_port { String::new() } else { format!(":{}", t.port()) };
    let is_domain = matches!(t.host(), url::Host::Domain(_));
    let labels: Vec<&str> = host.split('.').collect();
    let mut candidates: Vec<(LookAlike, String)> = Vec::new();
    if is_domain {
        candidates.push((LookAlike::Prefix, format!("{scheme}://{label}{host}{port}")));
        // The registrable-looking parent: what an "ends with example.com" check trusts.
        if labels.len() >= 3 {
            candidates.push((LookAlike::Prefix, format!("{scheme}://{label}{}{port}", labels[1..].join("."))));
        }
    }
    candidates.push((LookAlike::Suffix, format!("{scheme}://{host}.{label}.test{port}")));
    if is_domain {
        for (i, _) in host.match_indices('.') {
            candidates.push((LookAlike::UnescapedDot, format!("{scheme}://{}x{}{port}", &host[..i], &host[i + 1..])));
        }
        candidates.push((LookAlike::Subdomain, format!("{scheme}://{label}.{host}{port}")));
        if labels.len() >= 3 {
            candidates.push((LookAlike::Sibling, format!("{scheme}://{label}.{}{port}", labels[1..].join("."))));
        }
    }
    if scheme == "https" {
        candidates.push((LookAlike::Insecure, format!("http://{host}{port}")));
    } else if scheme == "wss" {
        candidates.push((LookAlike::Insecure, format!("ws://{host}{port}")));
    }
    let other_port = if t.port() == 8443 { 8444 } else { 8443 };
    candidates.push((LookAlike::OtherPort, format!("{scheme}://{host}:{other_port}")));
    let mut out: Vec<(LookAlike, Origin)> = Vec::new();
    for (kind, text) in candidates {
        if let Ok(origin) = Origin::parse(&text) {
            if origin != *trusted && !out.iter().any(|(_, o)| *o == origin) {
                out.push((kind, origin));
            }
        }
    }
    out.push((LookAlike::Null, Origin::Opaque));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_come_in_the_canonical_order() {
        for trusted in ["https://app.example", "http://127.0.0.1:8001", "https://a.b.example:8443"] {
            let kinds: Vec<LookAlike> =
                look_alikes(&Origin::parse(trusted).unwrap(), "evil").into_iter().map(|(k, _)| k).collect();
            let positions: Vec<usize> =
                kinds.iter().map(|k| LookAlike::ALL.iter().position(|a| a == k).unwrap()).collect();
            assert!(positions.windows(2).all(|w| w[0] <= w[1]), "{trusted}: {kinds:?}");
        }
    }

    fn names(origin: &str) -> Vec<String> {
        look_alikes(&Origin::parse(origin).unwrap(), "evil").into_iter().map(|(k, o)| format!("{k} {o}")).collect()
    }

    #[test]
    fn ip_hosts_and_ports() {
        assert_eq!(
            names("http://127.0.0.1:8001"),
            ["suffix http://127.0.0.1.evil.test:8001", "other-port http://127.0.0.1:8443", "null null"]
        );
        assert_eq!(
            names("https://[::1]"),
            ["suffix https://[::1].evil.test", "insecure http://[::1]", "other-port https://[::1]:8443", "null null"]
                .into_iter()
                .filter(|s| Origin::parse(s.split(' ').nth(1).unwrap()).is_ok())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            names("https://localhost:8443"),
            [
                "prefix https://evillocalhost:8443",
                "suffix https://localhost.evil.test:8443",
                "subdomain https://evil.localhost:8443",
                "insecure http://localhost:8443",
                "other-port https://localhost:8444",
                "null null"
            ]
        );
        assert!(names("null").is_empty());
    }
}
