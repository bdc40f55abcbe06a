//! # corsim: what the browser will do with your CORS headers
//!
//! corsim makes the CORS decisions a browser makes for a `fetch()`, as a pure
//! library: given the page's origin, the request and the server's answers, it
//! says which requests the browser sends (the exact preflight included),
//! whether script may read the response, which headers it sees, and, when it
//! fails, the browser's own reason name and console message.
//!
//! It follows the WHATWG Fetch standard, with each browser's deviations as a
//! [`Profile`] ([`Profile::CHROMIUM`] by default, [`Profile::SPEC`] for the
//! standard as written). It does no IO and reads no clock: a [`Fetch`] says
//! what to send, you hand back what came back, and the [`PreflightCache`] is a
//! value you own, with time passed in.
//!
//! Section names in these docs (Fetch § "CORS check") are those of the Fetch
//! standard at commit `586cd2a44c2a865b37c166dc0740f3fb8bb220d6` of
//! <https://github.com/whatwg/fetch> (2 July 2026).
//!
//! ```
//! use corsim::{fetch::run, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp, CredentialsMode};
//! let page = Origin::parse("https://app.example").unwrap();
//! let init = RequestInit::get("https://api.example/me").credentials(CredentialsMode::Include);
//! let verdict = run(&Profile::CHROMIUM, page, &init, &mut PreflightCache::new(), Timestamp::ZERO,
//!     |_request| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"));
//! let failure = verdict.outcome.unwrap_err();
//! assert_eq!(failure.cors_error().unwrap().error.name(), "WildcardOriginNotAllowed");
//! assert!(verdict.console[0].ends_with("must not be the wildcard '*' when the request's credentials mode is 'include'."));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "audit")]
pub mod audit;
pub mod blocked;
pub mod console;
pub mod cors_check;
pub mod cross_origin_resource_policy;
pub mod error;
#[cfg(feature = "explain")]
pub mod explain;
pub mod fetch;
pub mod gate;
#[cfg(feature = "harness")]
pub mod harness;
pub mod header_list;
pub mod initiator;
pub mod local_network_access;
#[cfg(any(feature = "audit", feature = "proptest"))]
mod lookalike;
pub mod method;
pub mod mixed_content;
pub mod opaque_response_blocking;
pub mod origin;
pub mod page;
pub mod port_blocking;
pub mod preflight;
pub mod preflight_cache;
pub mod profile;
#[cfg(feature = "serde")]
pub mod recordings;
pub mod request;
pub mod request_header;
pub mod response;
#[cfg(feature = "serde")]
pub mod scenario;
pub mod scheme_fetch;
pub mod secure_context;
#[cfg(feature = "server-models")]
pub mod server_model;
pub mod site;
#[cfg(feature = "proptest")]
pub mod strategies;
pub mod time;
pub mod url_parser;
pub mod verdict;

pub use error::{CorsError, CorsErrorStatus, FailureKind, InputError, NetError, TypeErrorKind};
pub use fetch::{Action, Fetch};
pub use verdict::{CheckName, CheckState, Event, Failure, Route, Verdict};
pub use header_list::{Header, HeaderList, TokenList};
pub use request::{CrossOrigin, Initiator};
pub use origin::Origin;
pub use preflight::HttpRequest;
pub use preflight_cache::PreflightCache;
pub use profile::{Browser, Profile};
pub use request::{CredentialsMode, Mode, RedirectMode, Request, RequestInit};
pub use response::{FilteredResponse, HttpResponse, ResponseType};
pub use time::Timestamp;
