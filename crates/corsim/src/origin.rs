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
/// Shared, not copied: a page's origin goes with every fetch it starts, and
/// copying it is a count, not three strings.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TupleOrigin(std::sync::Arc<TupleParts>);

#[derive(PartialEq, Eq, Hash)]
struct TupleParts {
    scheme: String,
    host: url::Host<String>,
    port: u16,
    serialized: String,
}

impl TupleOrigin {
    /// The scheme, lower-case (`https`).
    pub fn scheme(&self) -> &str {
        &self.0.scheme
    }
    /// The host, as the URL parser normalized it.
    pub fn host(&self) -> &url::Host<String> {
        &self.0.host
    }
    /// The port (the scheme's default when the URL had none).
    pub fn port(&self) -> u16 {
        self.0.port
    }
}

impl std::fmt::Debug for TupleOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let TupleParts { scheme, host, port, serialized } = &*self.0;
        f.debug_struct("TupleOrigin")
            .field("scheme", scheme)
            .field("host", host)
            .field("port", port)
            .field("serialized", serialized)
            .finish()
    }
}

impl Origin {
    /// The origin of a URL: a tuple for `http`, `https`, `ws`, `wss` and
    /// `ftp` URLs (and `blob:` URLs wrapping one), opaque otherwise.
    pub fn of_url(url: &Url) -> Origin {
        let origin = url.origin();
        // For a special scheme without userinfo, the serialized origin is the
        // URL's own text up to its port (the parser already dropped a default
        // port): a copy instead of formatting it again.
        let own_text = matches!(url.scheme(), "http" | "https" | "ws" | "wss" | "ftp")
            && url.username().is_empty()
            && url.password().is_none();
        let serialized =
            if own_text { url[..url::Position::AfterPort].to_owned() } else { origin.ascii_serialization() };
        debug_assert_eq!(serialized, origin.ascii_serialization(), "{url}");
        match origin {
            url::Origin::Tuple(scheme, host, port) => {
                Origin::Tuple(TupleOrigin(std::sync::Arc::new(TupleParts { scheme, host, port, serialized })))
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
        if let Some(error) = missing_scheme_error("origin", input) {
            return Err(error);
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
            (Origin::Tuple(a), Origin::Tuple(b)) => a.0.scheme == b.0.scheme && a.0.host == b.0.host && a.0.port == b.0.port,
            _ => false,
        }
    }

    /// "Same origin" with a URL's origin, without building it (no allocation).
    pub fn same_origin_with_url(&self, url: &Url) -> bool {
        let Origin::Tuple(t) = self else { return false };
        // A blob: URL's origin is that of the URL it wraps (URL § "origin").
        if url.scheme() == "blob" {
            return Url::parse(url.path()).is_ok_and(|inner| matches!(inner.scheme(), "http" | "https") && self.same_origin_with_url(&inner));
        }
        if url.scheme() != t.0.scheme || url.port_or_known_default() != Some(t.0.port) {
            return false;
        }
        match (url.host(), &t.0.host) {
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
            Origin::Tuple(t) => &t.0.serialized,
        }
    }

    /// Whether the origin's host is an IP address (Firefox does not cache
    /// preflights for those).
    pub fn host_is_ip(&self) -> bool {
        matches!(self, Origin::Tuple(t) if matches!(t.0.host, url::Host::Ipv4(_) | url::Host::Ipv6(_)))
    }
}

/// The schemes a URL typed by a person legitimately starts with; anything
/// else before a `:` (`localhost:3000`) is taken for a host whose scheme is
/// missing.
const KNOWN_SCHEMES: [&str; 12] =
    ["http", "https", "ws", "wss", "ftp", "file", "data", "blob", "about", "javascript", "mailto", "filesystem"];

/// What a person most likely meant by a URL or origin typed without its
/// scheme (`localhost:5000/api`, `127.0.0.1:8080`, `app.example`): the text
/// with `http://` put in front for `localhost` and IP addresses, `https://`
/// for other hosts. `None` when the text has a scheme, or would not be a URL
/// with a host even with one.
///
/// ```
/// use corsim::origin::with_missing_scheme;
/// assert_eq!(with_missing_scheme("localhost:5000/api").as_deref(), Some("http://localhost:5000/api"));
/// assert_eq!(with_missing_scheme("api.example.com").as_deref(), Some("https://api.example.com"));
/// assert_eq!(with_missing_scheme("https://app.example"), None);
/// assert_eq!(with_missing_scheme("data:,hi"), None);
/// ```
pub fn with_missing_scheme(input: &str) -> Option<String> {
    let input = input.trim();
    if input.is_empty() || input.contains("://") || input == "null" {
        return None;
    }
    if let Ok(url) = Url::parse(input) {
        if KNOWN_SCHEMES.contains(&url.scheme()) {
            return None;
        }
    }
    let input = input.trim_start_matches("//");
    let as_http = Url::parse(&format!("http://{input}")).ok()?;
    let host = as_http.host()?;
    // A host must look like one: a name with a dot, localhost, or an address.
    let scheme = match host {
        url::Host::Domain(d) if d == "localhost" || d.ends_with(".localhost") => "http",
        url::Host::Domain(d) if d.contains('.') && !d.starts_with('.') && !d.ends_with('.') => "https",
        url::Host::Domain(_) => return None,
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => "http",
    };
    Some(format!("{scheme}://{input}"))
}

/// The error for a URL or origin typed without its scheme, naming `field`
/// and suggesting the text with one ([`with_missing_scheme`]).
pub fn missing_scheme_error(field: &str, input: &str) -> Option<InputError> {
    let suggestion = with_missing_scheme(input)?;
    let kind = if field.contains("origin") || field == "trust" { "an origin" } else { "a URL" };
    Some(InputError::new(
        field,
        format!("{input:?} has no scheme, so it is not {kind}: write {suggestion:?} (the scheme, http:// or https://, is part of {kind})"),
    ))
}

/// Notes on an origin as typed that parsed, but may not say what was
/// meant: a trailing slash (browsers send the origin without one, and an
/// `Access-Control-Allow-Origin` with one never matches).
pub fn origin_notes(input: &str) -> Vec<String> {
    let mut notes = Vec::new();
    if let Ok(origin @ Origin::Tuple(_)) = Origin::parse(input) {
        if input.ends_with('/') {
            notes.push(format!(
                "{input:?} ends with a slash; an origin has none: browsers send `Origin: {origin}`, and an Access-Control-Allow-Origin of {input:?} never matches it"
            ));
        }
    }
    notes
}

/// The note for a page whose origin and a URL differ only in naming the
/// loopback host (`localhost` against `127.0.0.1` or `[::1]`): to a browser
/// they are different origins, so the request is cross-origin and the
/// server's CORS headers must name the page's origin exactly as it is.
///
/// ```
/// use corsim::{origin::loopback_alias_note, Origin};
/// let page = Origin::parse("http://localhost:3000").unwrap();
/// assert!(loopback_alias_note(&page, &"http://127.0.0.1:3000/api".parse().unwrap()).is_some());
/// assert!(loopback_alias_note(&page, &"http://localhost:5000/api".parse().unwrap()).is_none());
/// ```
pub fn loopback_alias_note(page: &Origin, url: &Url) -> Option<String> {
    let Origin::Tuple(p) = page else { return None };
    let loopback = |h: &url::Host<&str>| match h {
        url::Host::Domain(d) => *d == "localhost",
        url::Host::Ipv4(a) => a.is_loopback(),
        url::Host::Ipv6(a) => a.is_loopback(),
    };
    let page_host = match &p.0.host {
        url::Host::Domain(d) => url::Host::Domain(d.as_str()),
        url::Host::Ipv4(a) => url::Host::Ipv4(*a),
        url::Host::Ipv6(a) => url::Host::Ipv6(*a),
    };
    let url_host = url.host()?;
    if !loopback(&page_host) || !loopback(&url_host) || page.same_origin_with_url(url) {
        return None;
    }
    let same_name = page_host.to_string() == url_host.to_string();
    if same_name {
        return None;
    }
    Some(format!(
        "{} and {} name the same machine but are different origins to a browser: the request is cross-origin, and the server must allow `{}` exactly",
        page,
        Origin::of_url(url),
        page
    ))
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
    fn a_missing_scheme_is_named_with_the_fix() {
        let cases = [
            ("localhost:3000", Some("http://localhost:3000")),
            ("localhost:5000/api", Some("http://localhost:5000/api")),
            ("127.0.0.1:8080", Some("http://127.0.0.1:8080")),
            ("[::1]:8080", Some("http://[::1]:8080")),
            ("app.example.com", Some("https://app.example.com")),
            ("//app.example.com/x", Some("https://app.example.com/x")),
            ("http://localhost:3000", None),
            ("null", None),
            ("data:,x", None),
            ("not a url", None),
            ("word", None),
            ("", None),
        ];
        for (input, want) in cases {
            assert_eq!(with_missing_scheme(input).as_deref(), want, "{input}");
        }
        let e = Origin::parse("localhost:3000").unwrap_err();
        assert!(e.message.contains("has no scheme") && e.message.contains("\"http://localhost:3000\""), "{}", e.message);
        assert_eq!(origin_notes("https://app.example/").len(), 1);
        assert!(origin_notes("https://app.example").is_empty());
    }

    #[test]
    fn loopback_names_are_different_origins() {
        let page = Origin::parse("http://localhost:3000").unwrap();
        for (u, note) in [
            ("http://127.0.0.1:3000/", true),
            ("http://[::1]:5000/", true),
            ("http://localhost:5000/", false),
            ("http://app.example/", false),
        ] {
            assert_eq!(loopback_alias_note(&page, &Url::parse(u).unwrap()).is_some(), note, "{u}");
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
