//! [proptest](https://docs.rs/proptest) strategies to compose: page origins
//! (the tricky ones included: `null`, ports, IPv6, upper-case hosts as
//! typed, look-alikes of your allowed origins), requests as `fetch()` makes
//! them (CORS-safelisted and not), and servers' CORS header sets. Behind the
//! `proptest` feature.
//!
//! The one property most servers want, "every request my front end makes
//! from my allowed origins can be read; from every other origin it cannot",
//! is [`FrontEnd`] + [`allowed_origin`] + [`other_origin`] with the harness:
//!
//! ```
//! use corsim::harness::Page;
//! use corsim::strategies::{allowed_origin, other_origin, FrontEnd};
//! use corsim::{CredentialsMode, HttpRequest, HttpResponse, Origin};
//! use proptest::prelude::*;
//!
//! // The server under test: an exact allow-list.
//! fn server(req: &HttpRequest) -> HttpResponse {
//!     let origin = req.headers.get("origin").unwrap_or_default();
//!     let mut res = HttpResponse::new(if req.is_preflight { 204 } else { 200 }).header("Vary", "Origin");
//!     if origin == b"https://app.example" {
//!         res = res.header("Access-Control-Allow-Origin", "https://app.example")
//!             .header("Access-Control-Allow-Credentials", "true")
//!             .header("Access-Control-Allow-Methods", "PUT, DELETE")
//!             .header("Access-Control-Allow-Headers", "Authorization, Content-Type");
//!     }
//!     res
//! }
//!
//! let allowed = [Origin::parse("https://app.example").unwrap()];
//! // A page on the API's own origin is same-origin: it may read too.
//! let may_read = [allowed[0].clone(), Origin::parse("https://api.example").unwrap()];
//! let front_end = FrontEnd::new(["https://api.example/items", "https://api.example/items/1"])
//!     .methods(["GET", "POST", "PUT", "DELETE"])
//!     .header("Authorization", ["Bearer t"])
//!     .header("Content-Type", ["application/json", "text/plain"])
//!     .credentials([CredentialsMode::Include, CredentialsMode::Omit]);
//!
//! proptest!(ProptestConfig::with_cases(64), |(origin in allowed_origin(&allowed), init in front_end.requests())| {
//!     let outcome = Page::from_origin(origin).fetch(init).against_fn(server);
//!     prop_assert!(outcome.is_readable(), "{}", outcome.describe());
//! });
//! proptest!(ProptestConfig::with_cases(64), |(origin in other_origin(&may_read), init in front_end.requests())| {
//!     let outcome = Page::from_origin(origin).fetch(init).against_fn(server);
//!     prop_assert!(!outcome.is_readable(), "{}", outcome.describe());
//! });
//! ```
//!
//! Every strategy shrinks towards the plainest case: the first URL and
//! method, fewer headers, the first look-alike, so a failure ends on the
//! smallest request and origin that show it.

use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::strategy::ValueTree;

pub use crate::lookalike::{look_alikes, LookAlike};
use crate::origin::Origin;
use crate::request::{CredentialsMode, RequestInit};
use crate::response::HttpResponse;

/// Host names for generated origins: plain, deep, single-label, punycode,
/// with digits and hyphens.
fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(vec!["app.example", "api.example", "example.com", "www.example.com", "a.b.c.example.org", "localhost"])
            .prop_map(str::to_owned),
        2 => "[a-z][a-z0-9-]{0,8}[a-z0-9]\\.(example|test|com)",
        1 => Just("xn--bcher-kva.example".to_owned()),
        1 => Just("intranet".to_owned()),
        1 => (0u8..=255, 0u8..=255).prop_map(|(a, b)| format!("10.0.{a}.{b}")),
        1 => Just("127.0.0.1".to_owned()),
        1 => select(vec!["[::1]", "[2001:db8::1]", "[fe80::1]"]).prop_map(str::to_owned),
    ]
}

/// An origin as someone types it (in a config file, an allow-list): any
/// case, default ports sometimes written out, sometimes a trailing `/`. Each
/// parses with [`Origin::parse`], which normalizes it as the browser
/// serializes it.
///
/// ```
/// use corsim::{strategies::origin_text, Origin};
/// use proptest::prelude::*;
/// proptest!(|(text in origin_text())| {
///     prop_assert!(Origin::parse(&text).is_ok(), "{text}");
/// });
/// ```
pub fn origin_text() -> BoxedStrategy<String> {
    (
        select(vec!["https", "http", "HTTPS"]),
        host(),
        prop_oneof![3 => Just(None), 1 => Just(Some(443u16)), 1 => Just(Some(80)), 2 => select(vec![8080u16, 8443, 3000, 65535]).prop_map(Some)],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(scheme, host, port, upper, slash)| {
            let host = if upper { host.to_ascii_uppercase() } else { host };
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            format!("{scheme}://{host}{port}{}", if slash { "/" } else { "" })
        })
        .boxed()
}

/// Any page origin, `null` (an opaque origin) included.
///
/// ```
/// use corsim::strategies::origin;
/// use proptest::prelude::*;
/// proptest!(|(o in origin())| {
///     let s = o.serialize();
///     prop_assert!(s == "null" || s.starts_with("http://") || s.starts_with("https://"));
///     prop_assert_eq!(s.to_ascii_lowercase(), s, "browsers serialize origins in lower case");
/// });
/// ```
pub fn origin() -> BoxedStrategy<Origin> {
    prop_oneof![
        9 => origin_text().prop_map(|t| Origin::parse(&t).expect("origin_text always parses")),
        1 => Just(Origin::Opaque),
    ]
    .boxed()
}

/// One of your allowed origins (shrinks towards the first).
///
/// # Panics
/// When `allowed` is empty.
pub fn allowed_origin(allowed: &[Origin]) -> BoxedStrategy<Origin> {
    assert!(!allowed.is_empty(), "allowed_origin: give at least one origin");
    select(allowed.to_vec()).boxed()
}

/// A look-alike of `trusted` (see [`look_alikes`]), shrinking towards the
/// first kind: prefix, suffix, unescaped dot, subdomain, sibling, `http://`,
/// another port, `null`.
///
/// ```
/// use corsim::{strategies::look_alike, Origin};
/// use proptest::prelude::*;
/// let app = Origin::parse("https://app.example").unwrap();
/// proptest!(|(o in look_alike(&app))| { prop_assert_ne!(o, app.clone()); });
/// ```
pub fn look_alike(trusted: &Origin) -> BoxedStrategy<Origin> {
    first_first(look_alikes(trusted, "evil").into_iter().map(|(_, o)| o).collect())
}

/// An origin that is none of `allowed`: mostly look-alikes of them (the
/// origins a careless check lets through), then any other origin, `null`
/// included. Shrinks towards the first look-alike of the first allowed
/// origin. List the server's own origin in `allowed` too: a page there is
/// same-origin and reads everything.
///
/// ```
/// use corsim::{strategies::other_origin, Origin};
/// use proptest::prelude::*;
/// let allowed = vec![Origin::parse("https://app.example").unwrap(), Origin::parse("http://localhost:3000").unwrap()];
/// proptest!(|(o in other_origin(&allowed))| { prop_assert!(!allowed.contains(&o)); });
/// ```
pub fn other_origin(allowed: &[Origin]) -> BoxedStrategy<Origin> {
    let mut alikes: Vec<Origin> = Vec::new();
    for a in allowed {
        for (_, o) in look_alikes(a, "evil") {
            if !allowed.contains(&o) && !alikes.contains(&o) {
                alikes.push(o);
            }
        }
    }
    let allowed_owned = allowed.to_vec();
    let others = origin().prop_filter("an allowed origin", move |o| !allowed_owned.contains(o));
    if alikes.is_empty() {
        others.boxed()
    } else {
        prop_oneof![3 => first_first(alikes), 1 => others].boxed()
    }
}

/// One of `values`, shrinking by trying every earlier value in order, so a
/// failure ends on the first value that shows it (`select` and `prop_oneof!`
/// stop at the first earlier value that passes, and can end on a later one).
fn first_first<T: Clone + std::fmt::Debug + 'static>(values: Vec<T>) -> BoxedStrategy<T> {
    FirstFirst(std::sync::Arc::new(values)).boxed()
}

#[derive(Debug)]
struct FirstFirst<T>(std::sync::Arc<Vec<T>>);

struct FirstFirstTree<T> {
    values: std::sync::Arc<Vec<T>>,
    current: usize,
    failing: usize,
    candidate: usize,
}

impl<T: Clone + std::fmt::Debug> Strategy for FirstFirst<T> {
    type Tree = FirstFirstTree<T>;
    type Value = T;

    fn new_tree(&self, runner: &mut proptest::test_runner::TestRunner) -> proptest::strategy::NewTree<Self> {
        assert!(!self.0.is_empty(), "no values to choose from");
        let i = any::<proptest::sample::Index>().new_tree(runner)?.current().index(self.0.len());
        Ok(FirstFirstTree { values: self.0.clone(), current: i, failing: i, candidate: 0 })
    }
}

impl<T: Clone + std::fmt::Debug> proptest::strategy::ValueTree for FirstFirstTree<T> {
    type Value = T;

    fn current(&self) -> T {
        self.values[self.current].clone()
    }

    fn simplify(&mut self) -> bool {
        // Called while the current value fails: try the earlier ones in order.
        self.failing = self.current;
        if self.candidate < self.failing {
            self.current = self.candidate;
            self.candidate += 1;
            true
        } else {
            false
        }
    }

    fn complicate(&mut self) -> bool {
        if self.current == self.failing {
            return false;
        }
        self.current = self.failing;
        true
    }
}

/// CORS-safelisted request headers with safelisted values: what a simple
/// request may carry without a preflight.
fn safelisted_header() -> impl Strategy<Value = (String, String)> {
    select(vec![
        ("Accept", "application/json"),
        ("Accept", "*/*"),
        ("Accept-Language", "en-US,en;q=0.9"),
        ("Content-Language", "de"),
        ("Content-Type", "text/plain"),
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Content-Type", "multipart/form-data; boundary=x"),
        ("Range", "bytes=0-99"),
    ])
    .prop_map(|(n, v)| (n.to_owned(), v.to_owned()))
}

/// Headers that make a request need a preflight: `Authorization`, a JSON
/// `Content-Type`, custom `X-` headers, safelisted names with unsafe values.
fn unsafe_header() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        select(vec![
            ("Authorization", "Bearer token"),
            ("Content-Type", "application/json"),
            ("X-Requested-With", "XMLHttpRequest"),
            ("X-CSRF-Token", "abc"),
            ("If-None-Match", "\"v1\""),
            ("Accept", "application/json\u{7f}"),
            ("Range", "bytes=0-1,5-6"),
        ])
        .prop_map(|(n, v)| (n.to_owned(), v.to_owned())),
        ("X-[A-Z][a-z]{1,8}", "[a-z0-9]{1,8}").prop_map(|(n, v)| (n, v)),
    ]
}

fn credentials() -> impl Strategy<Value = CredentialsMode> {
    select(vec![CredentialsMode::SameOrigin, CredentialsMode::Include, CredentialsMode::Omit])
}

/// A request `fetch()` sends without a preflight: `GET`, `HEAD` or `POST`
/// with CORS-safelisted headers only.
///
/// ```
/// use corsim::strategies::simple_request;
/// use corsim::{fetch::Route, Fetch, Origin, Profile};
/// use proptest::prelude::*;
/// proptest!(|(init in simple_request("https://api.example/x"))| {
///     let fetch = Fetch::new(&Profile::CHROMIUM, Origin::parse("https://app.example").unwrap(), &init);
///     prop_assert!(fetch.request().is_some());
/// });
/// ```
pub fn simple_request(url: &str) -> BoxedStrategy<RequestInit> {
    let url = url.to_owned();
    (select(vec!["GET", "HEAD", "POST", "get", "post"]), prop::collection::vec(safelisted_header(), 0..3), credentials())
        .prop_map(move |(method, headers, credentials)| {
            let mut init = RequestInit::get(url.clone()).method(method).credentials(credentials);
            // One value per name, so the combined values stay safelisted.
            for (n, v) in headers {
                if !init.headers.iter().any(|(m, _)| m.eq_ignore_ascii_case(&n)) {
                    init = init.header(n, v);
                }
            }
            init
        })
        .boxed()
}

/// A request `fetch()` preflights: a method other than `GET`, `HEAD` and
/// `POST`, or at least one CORS-unsafe header.
pub fn preflighted_request(url: &str) -> BoxedStrategy<RequestInit> {
    let url = url.to_owned();
    (
        select(vec!["PUT", "DELETE", "PATCH", "GET", "POST", "OPTIONS", "put", "patch", "PURGE"]),
        prop::collection::vec(unsafe_header(), 0..3),
        prop::collection::vec(safelisted_header(), 0..2),
        credentials(),
    )
        .prop_map(move |(method, mut unsafe_headers, safe, credentials)| {
            let safelisted_method = matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "POST");
            if safelisted_method && unsafe_headers.is_empty() {
                unsafe_headers.push(("X-Requested-With".to_owned(), "XMLHttpRequest".to_owned()));
            }
            let mut init = RequestInit::get(url.clone()).method(method).credentials(credentials);
            for (n, v) in unsafe_headers.into_iter().chain(safe) {
                if !init.headers.iter().any(|(m, _)| m.eq_ignore_ascii_case(&n)) {
                    init = init.header(n, v);
                }
            }
            init
        })
        .boxed()
}

/// Any request `fetch()` in `cors` mode makes to `url`, simple or
/// preflighted.
pub fn fetch_request(url: &str) -> BoxedStrategy<RequestInit> {
    prop_oneof![simple_request(url), preflighted_request(url)].boxed()
}

/// The requests one front end makes: its URLs, methods, headers (each with
/// the values it sends) and credentials modes. [`FrontEnd::requests`] picks
/// one URL, one method, any subset of the headers and one credentials mode,
/// shrinking towards the first URL, the first method, no headers and the
/// first credentials mode.
///
/// ```
/// use corsim::{strategies::FrontEnd, CredentialsMode};
/// use proptest::prelude::*;
/// let fe = FrontEnd::new(["https://api.example/items"]).methods(["GET", "PUT"])
///     .header("Authorization", ["Bearer a"]).credentials([CredentialsMode::Include]);
/// proptest!(|(init in fe.requests())| {
///     prop_assert!(init.method == "GET" || init.method == "PUT");
///     prop_assert_eq!(init.credentials, CredentialsMode::Include);
/// });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontEnd {
    urls: Vec<String>,
    methods: Vec<String>,
    headers: Vec<(String, Vec<String>)>,
    credentials: Vec<CredentialsMode>,
}

impl FrontEnd {
    /// A front end calling these URLs with `GET`, no headers and the default
    /// credentials mode (`same-origin`).
    ///
    /// # Panics
    /// When `urls` is empty.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(urls: I) -> FrontEnd {
        let urls: Vec<String> = urls.into_iter().map(Into::into).collect();
        assert!(!urls.is_empty(), "FrontEnd::new: give at least one URL");
        FrontEnd { urls, methods: vec!["GET".into()], headers: Vec::new(), credentials: vec![CredentialsMode::SameOrigin] }
    }

    /// The methods it uses (the first is the one failures shrink to).
    pub fn methods<I: IntoIterator<Item = S>, S: Into<String>>(mut self, methods: I) -> FrontEnd {
        self.methods = methods.into_iter().map(Into::into).collect();
        assert!(!self.methods.is_empty(), "FrontEnd::methods: give at least one method");
        self
    }

    /// A header it may send, with the values it sends.
    pub fn header<I: IntoIterator<Item = S>, S: Into<String>>(mut self, name: &str, values: I) -> FrontEnd {
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        assert!(!values.is_empty(), "FrontEnd::header: give at least one value");
        self.headers.push((name.to_owned(), values));
        self
    }

    /// The credentials modes it uses.
    pub fn credentials<I: IntoIterator<Item = CredentialsMode>>(mut self, modes: I) -> FrontEnd {
        self.credentials = modes.into_iter().collect();
        assert!(!self.credentials.is_empty(), "FrontEnd::credentials: give at least one mode");
        self
    }

    /// Its requests.
    pub fn requests(&self) -> BoxedStrategy<RequestInit> {
        let header_choices: Vec<BoxedStrategy<(String, String)>> = self
            .headers
            .iter()
            .map(|(name, values)| {
                let name = name.clone();
                select(values.clone()).prop_map(move |v| (name.clone(), v)).boxed()
            })
            .collect();
        let n = self.headers.len();
        (
            select(self.urls.clone()),
            select(self.methods.clone()),
            subsequence((0..n).collect::<Vec<usize>>(), 0..=n),
            header_choices,
            select(self.credentials.clone()),
        )
            .prop_map(|(url, method, which, values, credentials)| {
                let mut init = RequestInit::get(url).method(method).credentials(credentials);
                for i in which {
                    let (n, v) = values[i].clone();
                    init = init.header(n, v);
                }
                init
            })
            .boxed()
    }
}

/// A value of `Access-Control-Allow-Origin` as servers send them for a page
/// on `origin`: exact, `*`, `null`, with a trailing slash, upper-case, the
/// default port written out, several origins, empty.
///
/// ```
/// use corsim::{strategies::allow_origin_value, Origin};
/// use proptest::prelude::*;
/// proptest!(|(v in allow_origin_value(&Origin::parse("https://app.example").unwrap()))| {
///     prop_assert!(!v.contains('\n'));
/// });
/// ```
pub fn allow_origin_value(origin: &Origin) -> BoxedStrategy<String> {
    let o = origin.serialize().to_owned();
    let with_default_port = match origin {
        Origin::Tuple(t) if !o.rsplit_once(':').is_some_and(|(_, p)| p.chars().all(|c| c.is_ascii_digit())) => {
            format!("{o}:{}", t.port())
        }
        _ => o.clone(),
    };
    select(vec![
        o.clone(),
        "*".to_owned(),
        "null".to_owned(),
        format!("{o}/"),
        o.to_ascii_uppercase(),
        with_default_port,
        format!("{o}, https://other.example"),
        format!("{o} https://other.example"),
        "https://other.example".to_owned(),
        String::new(),
        format!(" {o} "),
    ])
    .boxed()
}

/// A set of CORS response headers a server might send to a page on
/// `origin`, each header present or not: `Access-Control-Allow-Origin` from
/// [`allow_origin_value`], `-Allow-Credentials`, `-Allow-Methods`,
/// `-Allow-Headers`, `-Expose-Headers`, `-Max-Age` and `Vary`, with the
/// values and mistakes seen in the wild.
pub fn cors_headers(origin: &Origin) -> BoxedStrategy<Vec<(String, String)>> {
    fn maybe(name: &'static str, values: Vec<&'static str>) -> BoxedStrategy<Option<(String, String)>> {
        prop::option::of(select(values).prop_map(move |v| (name.to_owned(), v.to_owned()))).boxed()
    }
    (
        prop::option::weighted(0.8, allow_origin_value(origin).prop_map(|v| ("Access-Control-Allow-Origin".to_owned(), v))),
        maybe("Access-Control-Allow-Credentials", vec!["true", "TRUE", "false", "1"]),
        maybe("Access-Control-Allow-Methods", vec!["GET, POST, PUT, DELETE", "*", "get, put", "GET", "PUT;DELETE", ""]),
        maybe(
            "Access-Control-Allow-Headers",
            vec!["Authorization, Content-Type", "*", "*, Authorization", "content-type", "X-Requested-With", "Bad Header"],
        ),
        maybe("Access-Control-Expose-Headers", vec!["X-Total", "*", "x-total, x-page", "Set-Cookie"]),
        maybe("Access-Control-Max-Age", vec!["600", "0", "-1", "86400", "abc"]),
        maybe("Vary", vec!["Origin", "Accept-Encoding", "*"]),
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g].into_iter().flatten().collect())
        .boxed()
}

/// A response with a status (2xx mostly, errors and redirects sometimes)
/// and a [`cors_headers`] set for `origin`.
///
/// ```
/// use corsim::{fetch::run, strategies::{cors_response, fetch_request}, Origin, PreflightCache, Profile, Timestamp};
/// use proptest::prelude::*;
/// let page = Origin::parse("https://app.example").unwrap();
/// proptest!(|(init in fetch_request("https://api.example/x"), pre in cors_response(&page), actual in cors_response(&page))| {
///     let v = run(&Profile::CHROMIUM, page.clone(), &init, &mut PreflightCache::new(), Timestamp::ZERO,
///         |r| if r.is_preflight { pre.clone() } else { actual.clone() });
///     if v.is_ok() && init.credentials == corsim::CredentialsMode::Include {
///         // `*` never shares a credentialed response.
///         let acao = actual.headers.get("access-control-allow-origin");
///         prop_assert_ne!(acao.as_deref(), Some(&b"*"[..]));
///     }
/// });
/// ```
pub fn cors_response(origin: &Origin) -> BoxedStrategy<HttpResponse> {
    (select(vec![200u16, 204, 201, 404, 401, 403, 500, 302]), cors_headers(origin))
        .prop_map(|(status, headers)| {
            let mut r = HttpResponse::new(status);
            for (n, v) in headers {
                r = r.header(&n, &v);
            }
            if status == 302 {
                r = r.header("Location", "/elsewhere");
            }
            r
        })
        .boxed()
}
