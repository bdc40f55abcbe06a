//! Origins (HTML § "Origin"; Fetch § "`Origin` header").
//!
//! An [`Origin`] is either an opaque origin, serialized as `null`, or a tuple
//! origin of scheme, host and port. Tuple origins come from the `url` crate,
//! so hosts are parsed and serialized exactly as the WHATWG URL standard says
//! (lower-case ASCII hosts, IPv6 in brackets, default ports dropped).

use std::fmt;

use url::Url;

use crate::error::InputError;

/// An origin: the security boundary CORS protects.
///
/// ```
/// use corsim::Origin;
/// let page = Origin::parse("https://App.Example:443").unwrap();
/// assert_eq!(page.serialize(), "https://app.example");
/// assert!(page.same_origin(&Origin::of_url(&"https://app.example/x".parse().unwrap())));
/// assert_eq!(Origin::parse("null").unwrap().serialize(), "null");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// An opaque origin (a sandboxed document, a `data:` URL). It serializes as
    /// `null` and is never same origin with anything but itself; corsim treats
    /// every opaque origin it is given as distinct from every URL's origin.
    Opaque,
    /// A tuple origin: scheme, host and port (the port is the scheme's default
    /// when the URL gives none).
    Tuple(TupleOrigin),
}

/// The scheme, host and port of a tuple origin, with its serialization kept.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TupleOrigin {
    scheme: String,
    host: url::Host<String>,
    port: u16,
    serialized: String,
}

impl TupleOrigin {
    /// The scheme, lower-case (`https`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }
    /// The host, as the URL parser normalized it.
    pub fn host(&self) -> &url::Host<String> {
        &self.host
    }
    /// The port (the scheme's default when the URL had none).
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Origin {
    /// The origin of a URL: a tuple for `http`, `https`, `ws`, `wss` and
    /// `ftp` URLs (and `blob:` URLs wrapping one), opaque otherwise.
    pub fn of_url(url: &Url) -> Origin {
        match url.origin() {
            url::Origin::Tuple(scheme, host, port) => {
                let serialized = url.origin().ascii_serialization();
                Origin::Tuple(TupleOrigin { scheme, host, port, serialized })
            }
            url::Origin::Opaque(_) => Origin::Opaque,
        }
    }

    /// Parse a serialized origin as a page's origin: `null` is opaque; anything
    /// else must be an absolute URL with a tuple origin and nothing after the
    /// host and port (no path other than `/`, no query, no fragment, no
    /// userinfo).
    pub fn parse(input: &str) -> Result<Origin, InputError> {
        if input == "null" {
            return Ok(Origin::Opaque);
        }
        let url = Url::parse(input).map_err(|e| InputError::new("origin", format!("{input:?} is not an origin: {e}")))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(InputError::new("origin", format!("{input:?} is not an origin: it has userinfo")));
        }
        if url.path() != "/" && !url.path().is_empty() || url.query().is_some() || url.fragment().is_some() {
            return Err(InputError::new(
                "origin",
                format!("{input:?} is not an origin: an origin has no path, query or fragment"),
            ));
        }
        match Origin::of_url(&url) {
            Origin::Opaque => Err(InputError::new(
                "origin",
                format!("{input:?} has an opaque origin; write \"null\" for a sandboxed page"),
            )),
            tuple => Ok(tuple),
        }
    }

    /// "Same origin": two tuple origins with equal scheme, host and port.
    /// Opaque origins are never same origin here (corsim never compares an
    /// opaque origin with itself).
    pub fn same_origin(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::Tuple(a), Origin::Tuple(b)) => a.scheme == b.scheme && a.host == b.host && a.port == b.port,
            _ => false,
        }
    }

    /// "Same origin" with a URL's origin, without building it (no allocation).
    pub fn same_origin_with_url(&self, url: &Url) -> bool {
        let Origin::Tuple(t) = self else { return false };
        if url.scheme() != t.scheme || url.port_or_known_default() != Some(t.port) {
            return false;
        }
        match (url.host(), &t.host) {
            (Some(url::Host::Domain(a)), url::Host::Domain(b)) => a == b,
            (Some(url::Host::Ipv4(a)), url::Host::Ipv4(b)) => a == *b,
            (Some(url::Host::Ipv6(a)), url::Host::Ipv6(b)) => a == *b,
            _ => false,
        }
    }

    /// Whether this is an opaque origin.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Origin::Opaque)
    }

    /// The ASCII serialization (`https://app.example:8443`, or `null`).
    pub fn serialize(&self) -> &str {
        match self {
            Origin::Opaque => "null",
            Origin::Tuple(t) => &t.serialized,
        }
    }

    /// Whether the origin's host is an IP address (Firefox does not cache
    /// preflights for those).
    pub fn host_is_ip(&self) -> bool {
        matches!(self, Origin::Tuple(TupleOrigin { host: url::Host::Ipv4(_) | url::Host::Ipv6(_), .. }))
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.serialize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_serialize() {
        let cases = [
            ("http://127.0.0.1:8001", Some("http://127.0.0.1:8001")),
            ("HTTP://LOCALHOST:80", Some("http://localhost")),
            ("https://[::1]:443/", Some("https://[::1]")),
            ("null", Some("null")),
            ("http://a.example/path", None),
            ("http://u:p@a.example", None),
            ("data:text/plain,hi", None),
            ("not a url", None),
        ];
        for (input, want) in cases {
            assert_eq!(Origin::parse(input).ok().map(|o| o.serialize().to_owned()).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn same_origin_rules() {
        let a = Origin::parse("http://127.0.0.1:8001").unwrap();
        let url = |s: &str| Origin::of_url(&Url::parse(s).unwrap());
        assert!(a.same_origin(&url("http://127.0.0.1:8001/x?y")));
        assert!(!a.same_origin(&url("http://localhost:8001/")));
        assert!(!a.same_origin(&url("https://127.0.0.1:8001/")));
        assert!(!a.same_origin(&url("http://127.0.0.1:8002/")));
        assert!(!Origin::Opaque.same_origin(&Origin::Opaque));
        assert!(url("data:,x").is_opaque());
        for u in ["http://127.0.0.1:8001/x", "http://localhost:8001/", "https://127.0.0.1:8001/", "data:,x", "http://[::1]:8001/"] {
            let parsed = Url::parse(u).unwrap();
            assert_eq!(a.same_origin_with_url(&parsed), a.same_origin(&Origin::of_url(&parsed)), "{u}");
        }
    }
}
