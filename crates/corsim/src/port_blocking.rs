//! Port blocking (Fetch § "Port blocking"): requests to ports that other
//! protocols listen on never leave the browser.
//!
//! The list is the Fetch standard's table, stated once here; each browser's
//! list is the standard's with named differences ([`BadPorts`], a
//! [`crate::Profile`] field). A blocked fetch fails before any request is
//! sent (Chromium: `net::ERR_UNSAFE_PORT`), and no CORS header can change
//! that: only another port can.

use url::Url;

/// The Fetch standard's bad ports (§ "Port blocking", the first column of
/// its table, as of whatwg/fetch 2026-07), sorted.
pub const FETCH_BAD_PORTS: [u16; 83] = [
    0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
    109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526,
    530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045,
    4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
];

/// Which ports a browser refuses: the standard's list, less some.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BadPorts {
    /// The standard's list as it is.
    Fetch,
    /// The standard's list without these ports.
    FetchExcept(&'static [u16]),
}

impl BadPorts {
    /// Whether `port` is a bad port for this browser.
    pub fn contains(self, port: u16) -> bool {
        let listed = FETCH_BAD_PORTS.binary_search(&port).is_ok();
        match self {
            BadPorts::Fetch => listed,
            BadPorts::FetchExcept(allowed) => listed && !allowed.contains(&port),
        }
    }
}

/// "A port is a bad port if it is listed in the first column of the
/// following table" (Fetch § "Port blocking").
///
/// ```
/// use corsim::port_blocking::is_bad_port;
/// assert!(is_bad_port(6000));
/// assert!(!is_bad_port(8080));
/// ```
pub fn is_bad_port(port: u16) -> bool {
    BadPorts::Fetch.contains(port)
}

/// "Should request be blocked due to a bad port" (Fetch § "Port blocking"):
/// the URL's scheme is an HTTP(S) scheme and its port is a bad port. A URL
/// without a port (the scheme's default) is never blocked.
///
/// ```
/// use corsim::port_blocking::{should_block_bad_port, BadPorts};
/// let url = "http://api.example:6667/".parse().unwrap();
/// assert!(should_block_bad_port(BadPorts::Fetch, &url));
/// assert!(!should_block_bad_port(BadPorts::Fetch, &"http://api.example/".parse().unwrap()));
/// ```
pub fn should_block_bad_port(bad_ports: BadPorts, url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.port().is_some_and(|port| bad_ports.contains(port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_unique() {
        assert!(FETCH_BAD_PORTS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn bad_port_table() {
        // (URL, blocked by the standard's list, blocked with 4190 and 6679 allowed)
        let cases: &[(&str, bool, bool)] = &[
            ("http://a.example:6000/", true, true),
            ("http://a.example:25/", true, true),
            ("https://a.example:6667/x", true, true),
            ("http://a.example:10080/", true, true),
            ("http://a.example:0/", true, true),
            ("http://a.example:4190/", true, false),
            ("http://a.example:6679/", true, false),
            ("http://a.example:8080/", false, false),
            ("http://a.example:6668/", true, true),
            ("http://a.example:6670/", false, false),
            // The scheme's default port is no port at all.
            ("http://a.example:80/", false, false),
            ("https://a.example:443/", false, false),
            // Only HTTP(S) URLs are subject to it.
            ("ftp://a.example:6000/", false, false),
            ("ws://a.example:6000/", false, false),
        ];
        let except = BadPorts::FetchExcept(&[4190, 6679]);
        for &(url, fetch, chromium) in cases {
            let url: Url = url.parse().unwrap();
            assert_eq!(should_block_bad_port(BadPorts::Fetch, &url), fetch, "{url}");
            assert_eq!(should_block_bad_port(except, &url), chromium, "{url}");
        }
    }
}
