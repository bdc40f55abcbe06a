//! The URL parser, remembering the hosts it parsed.
//!
//! URL Standard §4.4, "URL parsing", is the `url` crate's. A batch parses
//! many URLs on few hosts, and parsing the host is much of a parse: for an
//! IPv4 host two thirds of it (the crate writes the address out through
//! `fmt` to serialize it), for a domain about 40% (the IDNA mapping).
//! [`UrlParser`] remembers where the last few `http:` and `https:` URLs it
//! parsed end their scheme, host and port, and parses a URL that starts
//! with one of those as a path-absolute URL against it: the parser then
//! copies the host instead of parsing it again. The `Url` is the one
//! `Url::parse` gives (the property tests below hold it to that).

use url::{ParseError, Url};

/// The `url` crate's parser, remembering the scheme, host and port of the
/// last [`UrlParser::REMEMBERED`] `http:`/`https:` URLs it parsed.
///
/// ```
/// use corsim::url_parser::UrlParser;
/// let mut urls = UrlParser::new();
/// let first = urls.parse("http://127.0.0.1:8002/s/1/a").unwrap();
/// // Same host and port: the path is parsed against the first URL's.
/// let second = urls.parse("http://127.0.0.1:8002/s/2/a?q#f").unwrap();
/// assert_eq!(second, url::Url::parse("http://127.0.0.1:8002/s/2/a?q#f").unwrap());
/// assert_eq!(first.host(), second.host());
/// ```
#[derive(Clone, Debug, Default)]
pub struct UrlParser {
    /// Each remembered URL with path `/` and nothing after it, its
    /// serialization being the scheme, host and port followed by that `/`.
    bases: Vec<Url>,
    /// Where the next base goes once [`UrlParser::REMEMBERED`] are held.
    next: usize,
}

impl UrlParser {
    /// How many hosts a parser remembers.
    pub const REMEMBERED: usize = 8;

    /// A parser that remembers nothing yet.
    pub fn new() -> UrlParser {
        UrlParser::default()
    }

    /// `input` parsed as `Url::parse(input)` parses it (URL Standard §4.4,
    /// the basic URL parser with no base), remembering its host.
    pub fn parse(&mut self, input: &str) -> Result<Url, ParseError> {
        for base in &self.bases {
            if let Some(path) = path_after(input, base) {
                return Url::options().base_url(Some(base)).parse(path);
            }
        }
        let url = Url::parse(input)?;
        self.remember(&url);
        Ok(url)
    }

    /// Keep `url`'s scheme, host and port, if it is an `http:` or `https:`
    /// URL without credentials (those the shortcut is proven for).
    fn remember(&mut self, url: &Url) {
        if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
            return;
        }
        let mut base = url.clone();
        base.set_query(None);
        base.set_fragment(None);
        base.set_path("/");
        if self.bases.len() < Self::REMEMBERED {
            self.bases.push(base);
        } else {
            self.bases[self.next] = base;
            self.next = (self.next + 1) % Self::REMEMBERED;
        }
    }
}

/// The rest of `input` after `base`'s scheme, host and port, when parsing
/// it as a path-absolute URL against `base` gives what parsing `input`
/// whole gives.
///
/// Parsing `input` whole reads the scheme, `//`, the host and the port,
/// which are `base`'s (they are written as the parser writes them, and
/// parsing a serialized host gives that host), and enters the *path start
/// state* at the rest's `/`, then the *path state* after it. Parsing the rest
/// against `base`: from the *relative state* (no scheme), `/` leads to the
/// *relative slash state*, which takes `base`'s host and port and enters the
/// *path state* after that `/`, unless the next code point is `/` or `\`
/// (then it reads a host). The parser removes every ASCII tab and newline
/// before it starts, so a rest holding any is left to the whole parse;
/// C0 controls and spaces are trimmed at the end of both alike.
fn path_after<'a>(input: &'a str, base: &Url) -> Option<&'a str> {
    let serialized = base.as_str();
    let prefix = &serialized[..serialized.len() - 1];
    let rest = input.strip_prefix(prefix)?;
    let bytes = rest.as_bytes();
    let shortcut = bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && !bytes.iter().any(|b| matches!(b, b'\t' | b'\n' | b'\r'));
    shortcut.then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use url::Position;

    /// The same `Url` as `Url::parse`, compared part by part.
    fn same(parser: &mut UrlParser, input: &str) {
        let ours = parser.parse(input);
        let theirs = Url::parse(input);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a.as_str(), b.as_str(), "{input:?}");
                assert_eq!(
                    (a.scheme(), a.host(), a.port(), a.path(), a.query(), a.fragment()),
                    (b.scheme(), b.host(), b.port(), b.path(), b.query(), b.fragment()),
                    "{input:?}"
                );
                assert_eq!(a[..Position::BeforePath].len(), b[..Position::BeforePath].len(), "{input:?}");
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "{input:?}"),
            _ => panic!("{input:?}: {ours:?} against {theirs:?}"),
        }
    }

    const HOSTS: [&str; 10] = [
        "http://127.0.0.1:8002",
        "https://api.example",
        "http://api.example",
        "https://[::1]:8443",
        "http://xn--bcher-kva.example",
        "https://a.example:1",
        "http://localhost",
        "https://127.0.0.1",
        "http://0x7f.1:80",
        "HTTP://API.example",
    ];

    #[test]
    fn tricky_rests() {
        let rests = [
            "/", "/a", "//evil", "/\\evil", "/\t/evil", "/\n/evil", "/\r\\x", "/a/../b", "/./", "/..", "/%2e%2e/x", "/a b",
            "/\u{e9}", "/a?q=\u{263A}#\u{1F600}", "/?", "/#", "/a\\b", "/a\t", "/a ", "/a\u{0}", "/a\u{1f} ", "/[::1]", "/@x",
            "/:8080", "/a%", "/a%zz", ":8002/x", ":80/x", "/%00", "/\u{FFFD}", "", "?q", "#f", "x", ".example/x", "@evil/x",
        ];
        let mut parser = UrlParser::new();
        for host in HOSTS {
            for rest in rests {
                // Twice: the first parse may be a whole one that remembers the host.
                same(&mut parser, &format!("{host}{rest}"));
                same(&mut parser, &format!("{host}{rest}"));
            }
        }
        // Credentials, other schemes and bad URLs are parsed whole.
        for input in ["http://u:p@127.0.0.1:8002/x", "ftp://127.0.0.1:8002/x", "ws://127.0.0.1:8002/x", "http://127.0.0.1:8002:9/x", "http://[::1/x"] {
            same(&mut parser, input);
        }
    }

    #[test]
    fn it_remembers_no_more_than_its_share() {
        let mut parser = UrlParser::new();
        for i in 0..100 {
            same(&mut parser, &format!("http://h{i}.example/x"));
            assert!(parser.bases.len() <= UrlParser::REMEMBERED);
        }
        same(&mut parser, "http://h99.example/y");
        same(&mut parser, "http://h0.example/y");
    }

    fn rest() -> impl Strategy<Value = String> {
        const MARKS: &[&str] = &["/", "\\", "..", ".", "%2e", "?", "#", ":", "@", "[", "\t", "\n", " "];
        let piece = prop_oneof![
            13 => prop::sample::select(MARKS).prop_map(str::to_owned),
            1 => "[a-z0-9]{1,4}",
            1 => "\\PC",
            1 => any::<char>().prop_map(String::from),
        ];
        proptest::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// Whatever follows a remembered host, the parse is `Url::parse`'s.
        #[test]
        fn parses_as_the_url_crate(first in 0..HOSTS.len(), second in 0..HOSTS.len(), a in rest(), b in rest()) {
            let mut parser = UrlParser::new();
            same(&mut parser, &format!("{}{a}", HOSTS[first]));
            same(&mut parser, &format!("{}{b}", HOSTS[second]));
            same(&mut parser, &format!("{}/{b}", HOSTS[first]));
            same(&mut parser, &format!("{}{a}{b}", HOSTS[second]));
        }
    }
}
