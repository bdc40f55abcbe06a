//! What makes a request, beyond `fetch()`: `XMLHttpRequest`, the elements
//! that fetch a resource (`<img>`, `<script>`, `<script type=module>`,
//! `<link rel=stylesheet>`, an `@font-face` source) and `navigator.sendBeacon`.
//!
//! Each initiator fixes the request's mode and credentials mode (HTML §
//! "CORS settings attributes" and § "create a potential-CORS request"; XHR §
//! `send()`; Beacon § `sendBeacon()`), what forces a preflight, and what the
//! page can observe of the outcome: a `fetch()` promise, an XHR `load` or
//! `error` event, an element's `load` or `error` event (no details), or, for
//! a beacon, nothing but `sendBeacon`'s return value.
//!
//! ```
//! use corsim::initiator::{CrossOrigin, Initiator};
//! use corsim::{CredentialsMode, Mode, RequestInit};
//! let img = RequestInit::get("https://cdn.example/a.gif").initiated_by(Initiator::Img);
//! assert_eq!(img.effective_modes(), (Mode::NoCors, CredentialsMode::Include));
//! let img = img.crossorigin(Some(CrossOrigin::Anonymous));
//! assert_eq!(img.effective_modes(), (Mode::Cors, CredentialsMode::SameOrigin));
//! ```
//!
//! [`run_in`] runs one and says what the page observes (the README's example):
//!
//! ```
//! use corsim::initiator::{run_in, CrossOrigin, Initiator, PageEvent};
//! use corsim::{page::PageContext, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
//!
//! let page = Origin::parse("https://app.example").unwrap();
//! let img = RequestInit::get("https://cdn.example/photo.jpg")
//!     .initiated_by(Initiator::Img)
//!     .crossorigin(Some(CrossOrigin::UseCredentials));
//! let run = run_in(&Profile::WEBKIT, page, &PageContext::default(), &img, &mut PreflightCache::new(),
//!     Timestamp::ZERO, |_| HttpResponse::new(200).header("Access-Control-Allow-Origin", "*"));
//! assert_eq!(run.event, PageEvent::Error { refusal: None });
//! assert_eq!(run.verdict.console[1], "Cannot load image https://cdn.example/photo.jpg due to access control checks.");
//! ```

use crate::fetch::{Fetch, Verdict};
use crate::origin::Origin;
use crate::page::PageContext;
use crate::preflight::HttpRequest;
use crate::preflight_cache::PreflightCache;
use crate::profile::{InitiatorRules, Profile, StylesheetMimeCheck};
use crate::request::RequestInit;
pub use crate::request::{beacon_mode, create_potential_cors_request, CrossOrigin, Initiator, KEEPALIVE_BODY_LIMIT};
pub use crate::opaque_response_blocking::is_javascript_mime;
pub use crate::response::ResourceRefusal;
use crate::response::HttpResponse;
use crate::time::Timestamp;

// ------------------------------------------------------------ what the page sees

/// What the page observes of a request, per initiator.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "event", rename_all = "kebab-case"))]
pub enum PageEvent {
    /// `fetch()` resolved, or XHR's `load` event fired: the response is the
    /// verdict's outcome.
    Response,
    /// `fetch()` rejected, or XHR's `error` event fired: a network error.
    NetworkError,
    /// The element's `load` event fired (a font: its face is `loaded`).
    Load,
    /// The element's `error` event fired: the fetch failed (`refusal` is
    /// `None`), or its resource was refused after it.
    Error {
        /// Why the resource was refused, when the fetch itself succeeded.
        refusal: Option<ResourceRefusal>,
    },
    /// `sendBeacon()` returned `true`: the page never learns the rest.
    Queued,
}

/// A request made by an initiator, run to the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Initiated {
    /// The fetch underneath: the requests sent, its outcome, its trace, and
    /// every console line of the step (the element's own included).
    pub verdict: Verdict,
    /// What the page observes.
    pub event: PageEvent,
    /// The browser's name for the CORS failure, as its recordings give it
    /// ([`crate::console::reason_name`] of the fetch's failure, or of the
    /// failure the browser logs after refusing a resource); `None` when it
    /// logs none.
    pub reason: Option<String>,
}

/// Fetch § "should response to request be blocked due to its MIME type?":
/// a script is never run from an `image/*`, `audio/*`, `video/*` or
/// `text/csv` response.
pub fn is_never_executed_mime(essence: &str) -> bool {
    essence.starts_with("image/") || essence.starts_with("audio/") || essence.starts_with("video/") || essence == "text/csv"
}

/// The essence of a response's `Content-Type` (empty when it has none or it
/// does not parse).
fn mime_of(response: &HttpResponse) -> String {
    response.mime_essence().unwrap_or_default()
}

/// Whether an `<img>` can decode `response`'s body (see
/// [`ResourceRefusal::UndecodableImage`]).
fn decodes_as_image(rules: &InitiatorRules, mime: &str, body: &[u8]) -> bool {
    use crate::opaque_response_blocking::is_image_pattern;
    if body.is_empty() || mime == "image/svg+xml" {
        return true;
    }
    if rules.pdf_images && mime == "application/pdf" {
        return body.starts_with(b"%PDF-");
    }
    is_image_pattern(body)
}

/// What an element does with the response its fetch delivered: use it
/// (`Ok`), or refuse it, per HTML's processing of each element and the
/// browser's [`InitiatorRules`]. `response` is the response itself (not
/// the filtered one script would get), `opaque` whether it came back as
/// an opaque one.
pub fn process_element_response(
    profile: &Profile,
    initiator: Initiator,
    response: &HttpResponse,
    opaque: bool,
) -> Result<(), ResourceRefusal> {
    let rules = &profile.initiators;
    let mime = mime_of(response);
    let nosniff = crate::response::determine_nosniff(&response.headers);
    let orb = match opaque {
        true => response.opaque_response_blocking(&rules.opaque_response_blocking).err(),
        false => None,
    };
    let own_checks_first = rules.element_checks_before_orb && matches!(initiator, Initiator::Script | Initiator::Stylesheet);
    match (orb, own_checks_first) {
        (Some(block), false) => Err(ResourceRefusal::OpaqueResponseBlocked { mime, step: block.step }),
        (orb, _) => match element_checks(rules, initiator, response, mime.clone(), nosniff) {
            Ok(()) => orb.map_or(Ok(()), |block| Err(ResourceRefusal::OpaqueResponseBlocked { mime, step: block.step })),
            other => other,
        },
    }
}

/// An element's own checks of its resource: the status, and the MIME type
/// each element needs.
fn element_checks(rules: &InitiatorRules, initiator: Initiator, response: &HttpResponse, mime: String, nosniff: bool) -> Result<(), ResourceRefusal> {
    let ok_status = crate::response::is_ok_status(response.status);
    let response_status = response.status;
    match initiator {
        Initiator::Img if !ok_status && !rules.image_ignores_error_status => {
            Err(ResourceRefusal::ErrorStatus { status: response_status })
        }
        Initiator::Img if !decodes_as_image(rules, &mime, &response.body) => Err(ResourceRefusal::UndecodableImage { mime }),
        Initiator::Img => Ok(()),
        _ if !ok_status => Err(ResourceRefusal::ErrorStatus { status: response_status }),
        Initiator::Script if is_never_executed_mime(&mime) => Err(ResourceRefusal::ScriptNotExecutable { mime }),
        Initiator::Script if nosniff && !is_javascript_mime(&mime) => Err(ResourceRefusal::ScriptStrictMime { mime }),
        Initiator::ModuleScript if !is_javascript_mime(&mime) && mime != "application/wasm" => {
            Err(ResourceRefusal::ModuleMime { mime })
        }
        Initiator::Stylesheet if mime != "text/css" && nosniff => Err(ResourceRefusal::StylesheetStrictMime { mime }),
        Initiator::Stylesheet if mime != "text/css" && rules.stylesheet_mime_check == StylesheetMimeCheck::Always => {
            Err(ResourceRefusal::StylesheetMime { mime })
        }
        _ => Ok(()),
    }
}

/// The console lines a refusal logs in `profile`'s browser.
/// `opaque`: whether the response came back opaque (`no-cors` to another
/// origin).
pub fn refusal_messages(profile: &Profile, url: &str, refusal: &ResourceRefusal, opaque: bool) -> Vec<String> {
    use crate::console::templates::*;
    use crate::profile::Browser;
    let line = |template: &str, mime: &str| fill(template, &[(Slot::Url, url), (Slot::Hint, mime)]);
    match (profile.browser, refusal) {
        // The loader already logged the status; ORB logs nothing.
        (_, ResourceRefusal::ErrorStatus { .. } | ResourceRefusal::OpaqueResponseBlocked { .. }) => Vec::new(),
        (Browser::Chromium | Browser::Spec, ResourceRefusal::ScriptNotExecutable { mime }) => {
            vec![line(CHROMIUM_SCRIPT_NOT_EXECUTABLE, mime)]
        }
        (Browser::Chromium | Browser::Spec, ResourceRefusal::ScriptStrictMime { mime }) => {
            vec![line(CHROMIUM_SCRIPT_STRICT_MIME, mime)]
        }
        (Browser::Chromium | Browser::Spec, ResourceRefusal::ModuleMime { mime }) => vec![line(CHROMIUM_MODULE_STRICT_MIME, mime)],
        (Browser::Chromium | Browser::Spec, ResourceRefusal::StylesheetMime { mime } | ResourceRefusal::StylesheetStrictMime { mime }) => {
            vec![line(CHROMIUM_STYLESHEET_STRICT_MIME, mime)]
        }
        _ => other_refusal_messages(profile, url, refusal, opaque),
    }
}

/// Run a request made by `init.initiator` to the end against `server`:
/// the fetch the initiator makes ([`crate::fetch::run_in`]), then what the
/// page observes of it (an element's processing of the response included).
///
/// ```
/// use corsim::initiator::{run_in, Initiator, PageEvent};
/// use corsim::{page::PageContext, HttpResponse, Origin, PreflightCache, Profile, RequestInit, Timestamp};
/// let page = Origin::parse("https://app.example").unwrap();
/// let init = RequestInit::get("https://cdn.example/app.js").initiated_by(Initiator::ModuleScript);
/// let run = run_in(&Profile::CHROMIUM, page, &PageContext::default(), &init, &mut PreflightCache::new(),
///     Timestamp::ZERO, |_| HttpResponse::new(200).header("Content-Type", "text/javascript"));
/// assert_eq!(run.event, PageEvent::Error { refusal: None }, "a module script is fetched with CORS");
/// assert!(run.verdict.console[0].starts_with("Access to script at 'https://cdn.example/app.js'"));
/// ```
pub fn run_in(
    profile: &Profile,
    origin: Origin,
    page: &PageContext,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Initiated {
    let fetch = Fetch::in_page(profile, origin.clone(), page, init);
    run_fetch(profile, origin, init, fetch, cache, now, server)
}

/// [`run_in`] without recording the fetch's events.
pub fn run_quiet_in(
    profile: &Profile,
    origin: Origin,
    page: &PageContext,
    init: &RequestInit,
    cache: &mut PreflightCache,
    now: Timestamp,
    server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Initiated {
    let mut fetch = Fetch::in_page(profile, origin.clone(), page, init);
    fetch.record_events(false);
    run_fetch(profile, origin, init, fetch, cache, now, server)
}

/// Run `fetch`, the fetch `init.initiator` makes (from [`Fetch::in_page`]
/// or its kin, events recorded or not), as [`run_in`] runs it. Not public:
/// a `Fetch` made from another `init` would be observed as the wrong
/// initiator's.
pub(crate) fn run_fetch(
    profile: &Profile,
    origin: Origin,
    init: &RequestInit,
    fetch: Fetch,
    cache: &mut PreflightCache,
    now: Timestamp,
    mut server: impl FnMut(&HttpRequest) -> HttpResponse,
) -> Initiated {
    // The last response the server gave is the one the fetch ends with.
    // What the page observes of it reads only its status, unless an element
    // processes it: only then is the whole response kept.
    let whole = init.initiator.is_element();
    let mut last: Option<HttpResponse> = None;
    let answer = |request: &HttpRequest| {
        let response = server(request);
        last = Some(if whole { response.clone() } else { HttpResponse::new(response.status) });
        response
    };
    let verdict = crate::fetch::drive_infallible(fetch, cache, now, answer);
    observe(profile, &origin, init, verdict, last.as_ref())
}

/// What the page observes of a finished fetch made by `init.initiator`:
/// `last` is the last response the server gave (the one the fetch ended
/// with). Adds to the verdict's console what the initiator logs after the
/// fetch (an element's refusal of its resource, Firefox's font loader),
/// and names the failure as the browser's recordings do.
pub fn observe(profile: &Profile, origin: &Origin, init: &RequestInit, mut verdict: Verdict, last: Option<&HttpResponse>) -> Initiated {
    let rules = &profile.initiators;
    let mut reason = match &verdict.outcome {
        Err(failure) => crate::console::reason_name(profile, origin, failure),
        Ok(_) => None,
    };
    if init.initiator == Initiator::Fetch && init.keepalive && !rules.keepalive_failures_logged && verdict.outcome.is_err() {
        verdict.console.clear();
        reason = None;
    }
    // A font that failed: Firefox's font loader says so too, naming the
    // URL of the rule (before any redirect).
    if init.initiator == Initiator::Font && profile.browser == crate::profile::Browser::Firefox {
        use crate::console::templates::{fill, Slot, FIREFOX_FONT_DOWNLOAD_FAILED, FIREFOX_FONT_STATUS_FAILED};
        let family = init.font_family.as_deref().unwrap_or_default();
        let template = match &verdict.outcome {
            Err(failure) if failure.cors_error().is_some() => Some(FIREFOX_FONT_DOWNLOAD_FAILED),
            Ok(_) if last.is_some_and(|r| !crate::response::is_ok_status(r.status)) => Some(FIREFOX_FONT_STATUS_FAILED),
            _ => None,
        };
        if let Some(template) = template {
            verdict.console.push(fill(template, &[(Slot::Hint, family), (Slot::Url, &init.url)]));
        }
    }
    // Chromium's loader logs an error status even when the response is
    // opaque to script (recorded for the elements and for a no-cors
    // fetch()).
    if let Ok(filtered) = &verdict.outcome {
        let opaque = filtered.kind == crate::response::ResponseType::Opaque;
        if opaque && matches!(profile.browser, crate::profile::Browser::Chromium | crate::profile::Browser::Spec) {
            if let Some(line) = last.and_then(|r| crate::console::chromium_error_status(r.status)) {
                verdict.console.push(line);
            }
        }
    }
    let event = match (init.initiator, &verdict.outcome) {
        (Initiator::Fetch | Initiator::Xhr, Ok(_)) => PageEvent::Response,
        (Initiator::Fetch | Initiator::Xhr, Err(_)) => PageEvent::NetworkError,
        (Initiator::Beacon, _) => PageEvent::Queued,
        (_, Err(_)) => PageEvent::Error { refusal: None },
        (element, Ok(filtered)) => {
            let opaque = filtered.kind == crate::response::ResponseType::Opaque;
            let refused = match last {
                Some(response) => process_element_response(profile, element, response, opaque).err(),
                // Answered without the server (a data: URL): taken as valid.
                None => None,
            };
            match refused {
                None => PageEvent::Load,
                Some(refusal) => {
                    let url = verdict.requests.last().map(|r| r.url.as_str().to_owned()).unwrap_or_else(|| init.url.clone());
                    verdict.console.extend(refusal_messages(profile, &url, &refusal, opaque));
                    let cancels = matches!(
                        refusal,
                        ResourceRefusal::ScriptStrictMime { .. }
                            | ResourceRefusal::ScriptNotExecutable { .. }
                            | ResourceRefusal::ModuleMime { .. }
                            | ResourceRefusal::StylesheetStrictMime { .. }
                    );
                    if cancels && rules.script_refusal_fails_cors && filtered.kind == crate::response::ResponseType::Cors {
                        let key = crate::console::templates::FirefoxKey::DidNotSucceed;
                        let reason_text = crate::console::templates::fill(key.reason(), &[(crate::console::templates::Slot::Status, "(null)")]);
                        verdict.console.push(crate::console::templates::fill(
                            crate::console::templates::FIREFOX_BLOCKED,
                            &[(crate::console::templates::Slot::Resource, &url), (crate::console::templates::Slot::Reason, &reason_text)],
                        ));
                        reason = Some(key.name().to_owned());
                    }
                    PageEvent::Error { refusal: Some(refusal) }
                }
            }
        }
    };
    // WebKit names no failure: its recordings name a step by its first
    // message (any message, the element's own included).
    if profile.browser == crate::profile::Browser::WebKit && init.initiator != Initiator::Fetch {
        let mut urls: Vec<String> = verdict.requests.iter().map(|r| r.url.as_str().to_owned()).collect();
        urls.push(init.url.clone());
        reason = verdict
            .console
            .iter()
            .find(|line| !line.starts_with("Fetch API cannot load "))
            .map(|first| crate::console::anonymize(first, &urls, origin_text(origin)));
    }
    Initiated { verdict, event, reason }
}

/// The refusal lines of Firefox and WebKit.
fn other_refusal_messages(profile: &Profile, url: &str, refusal: &ResourceRefusal, opaque: bool) -> Vec<String> {
    use crate::console::templates::*;
    use crate::profile::Browser;
    let line = |template: &str, mime: &str| fill(template, &[(Slot::Url, url), (Slot::Hint, mime)]);
    match (profile.browser, refusal) {
        (Browser::Firefox, ResourceRefusal::ScriptStrictMime { mime } | ResourceRefusal::StylesheetStrictMime { mime }) => {
            vec![line(FIREFOX_NOSNIFF_MISMATCH, mime)]
        }
        (Browser::Firefox, ResourceRefusal::ScriptNotExecutable { mime }) => vec![line(FIREFOX_SCRIPT_WRONG_MIME, mime)],
        (Browser::Firefox, ResourceRefusal::ModuleMime { mime }) => vec![line(FIREFOX_MODULE_WRONG_MIME, mime)],
        // Not said of a stylesheet from another origin without CORS.
        (Browser::Firefox, ResourceRefusal::StylesheetMime { mime }) if !opaque => {
            vec![line(FIREFOX_STYLESHEET_NOT_CSS, mime)]
        }
        (Browser::WebKit, ResourceRefusal::ScriptStrictMime { .. }) => vec![line(WEBKIT_SCRIPT_NOSNIFF, "")],
        (Browser::WebKit, ResourceRefusal::ScriptNotExecutable { mime }) => vec![line(WEBKIT_SCRIPT_WRONG_MIME, mime)],
        (Browser::WebKit, ResourceRefusal::ModuleMime { mime }) => vec![line(WEBKIT_MODULE_WRONG_MIME, mime)],
        (Browser::WebKit, ResourceRefusal::StylesheetMime { .. } | ResourceRefusal::StylesheetStrictMime { .. }) => {
            vec![line(WEBKIT_STYLESHEET_NOT_CSS, "")]
        }
        _ => Vec::new(),
    }
}

/// The page's origin as WebKit's messages show it (`None` when opaque).
fn origin_text(origin: &Origin) -> Option<&str> {
    match origin {
        Origin::Tuple(_) => Some(origin.serialize()),
        Origin::Opaque => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Browser;
    use crate::request::{CredentialsMode, Mode};
    use proptest::prelude::*;

    const PROFILES: [&Profile; 4] = [&Profile::CHROMIUM, &Profile::FIREFOX, &Profile::WEBKIT, &Profile::SPEC];

    /// HTML's CORS settings attribute table, per initiator: (initiator,
    /// attribute, mode, credentials), fonts as the standard says.
    #[test]
    fn each_initiator_and_attribute_gives_its_mode_and_credentials() {
        use CredentialsMode::{Include, SameOrigin};
        use Mode::{Cors, NoCors};
        let table: &[(Initiator, Option<CrossOrigin>, Mode, CredentialsMode)] = &[
            (Initiator::Img, None, NoCors, Include),
            (Initiator::Img, Some(CrossOrigin::Anonymous), Cors, SameOrigin),
            (Initiator::Img, Some(CrossOrigin::UseCredentials), Cors, Include),
            (Initiator::Script, None, NoCors, Include),
            (Initiator::Script, Some(CrossOrigin::Anonymous), Cors, SameOrigin),
            (Initiator::Stylesheet, None, NoCors, Include),
            (Initiator::Stylesheet, Some(CrossOrigin::UseCredentials), Cors, Include),
            (Initiator::ModuleScript, None, Cors, SameOrigin),
            (Initiator::ModuleScript, Some(CrossOrigin::Anonymous), Cors, SameOrigin),
            (Initiator::ModuleScript, Some(CrossOrigin::UseCredentials), Cors, Include),
            (Initiator::Font, None, Cors, SameOrigin),
        ];
        for &(initiator, attribute, mode, credentials) in table {
            let init = RequestInit::get("https://cdn.example/r").initiated_by(initiator).crossorigin(attribute);
            assert_eq!(init.effective_modes_in(&Profile::SPEC), (mode, credentials), "{initiator} {attribute:?}");
        }
        // WebKit fetches fonts as an image without the attribute.
        let font = RequestInit::get("https://cdn.example/f.ttf").initiated_by(Initiator::Font);
        assert_eq!(font.effective_modes_in(&Profile::WEBKIT), (NoCors, Include));
    }

    #[test]
    fn xhr_credentials_are_with_credentials_and_its_mode_is_always_cors() {
        for (given, want) in [
            (CredentialsMode::Include, CredentialsMode::Include),
            (CredentialsMode::SameOrigin, CredentialsMode::SameOrigin),
            (CredentialsMode::Omit, CredentialsMode::SameOrigin),
        ] {
            let init = RequestInit::get("https://api.example/").initiated_by(Initiator::Xhr).credentials(given).mode(Mode::NoCors);
            assert_eq!(init.effective_modes(), (Mode::Cors, want));
        }
    }

    #[test]
    fn a_beacon_is_cors_only_for_a_type_that_is_not_safelisted() {
        for (content_type, mode) in [
            (None, Mode::NoCors),
            (Some("text/plain;charset=UTF-8"), Mode::NoCors),
            (Some("application/x-www-form-urlencoded"), Mode::NoCors),
            (Some("multipart/form-data"), Mode::NoCors),
            (Some("application/json"), Mode::Cors),
            (Some("text/plain; \u{1}"), Mode::Cors),
        ] {
            assert_eq!(beacon_mode(&Profile::CHROMIUM, content_type), mode, "{content_type:?}");
        }
    }

    fn answer(status: u16, content_type: &str, nosniff: bool) -> HttpResponse {
        let r = HttpResponse::new(status).header("Content-Type", content_type);
        if nosniff {
            r.header("X-Content-Type-Options", "nosniff")
        } else {
            r
        }
    }

    /// What each element does with a delivered response, per browser:
    /// (browser, initiator, status, type, nosniff, opaque, refusal name or "").
    #[test]
    fn elements_refuse_resources_as_each_browser_does() {
        use Browser::*;
        let table: &[(Browser, Initiator, u16, &str, bool, bool, &str)] = &[
            (Chromium, Initiator::Img, 404, "image/gif", false, true, ""),
            (Chromium, Initiator::Script, 404, "text/javascript", false, true, "error-status"),
            (Chromium, Initiator::Script, 200, "text/plain", false, true, ""),
            (Chromium, Initiator::Script, 200, "text/plain", true, true, "opaque-response-blocked"),
            (Firefox, Initiator::Script, 200, "text/plain", true, true, "script-strict-mime"),
            (Firefox, Initiator::Script, 200, "text/csv", false, true, "script-not-executable"),
            (WebKit, Initiator::Script, 200, "text/plain", true, true, "script-strict-mime"),
            (Chromium, Initiator::Script, 200, "text/plain", true, false, "script-strict-mime"),
            (Chromium, Initiator::Script, 200, "image/png", false, true, "script-not-executable"),
            (Chromium, Initiator::Script, 200, "text/csv", false, false, "script-not-executable"),
            (Chromium, Initiator::Script, 200, "audio/mpeg", false, true, "script-not-executable"),
            (Chromium, Initiator::ModuleScript, 200, "text/plain", false, false, "module-mime"),
            (Chromium, Initiator::ModuleScript, 200, "application/javascript; charset=utf-8", false, false, ""),
            (Chromium, Initiator::Stylesheet, 200, "text/plain", false, false, ""),
            (Chromium, Initiator::Stylesheet, 200, "text/plain", true, false, "stylesheet-strict-mime"),
            (Firefox, Initiator::Stylesheet, 200, "text/plain", true, false, "stylesheet-strict-mime"),
            (Firefox, Initiator::Img, 200, "text/html", true, true, "opaque-response-blocked"),
            (WebKit, Initiator::Img, 200, "text/html", true, true, ""),
            (Chromium, Initiator::Script, 200, "text/csv", false, true, "opaque-response-blocked"),
            (Firefox, Initiator::Stylesheet, 200, "text/plain", false, false, "stylesheet-mime"),
            (WebKit, Initiator::Stylesheet, 200, "text/plain", false, true, "stylesheet-mime"),
            (Chromium, Initiator::Stylesheet, 404, "text/css", false, true, "error-status"),
            (Chromium, Initiator::Font, 200, "font/ttf", false, false, ""),
        ];
        for &(browser, initiator, status, mime, nosniff, opaque, want) in table {
            let got = process_element_response(browser.profile(), initiator, &answer(status, mime, nosniff), opaque);
            let got = got.err().map(|r| r.name()).unwrap_or("");
            assert_eq!(got, want, "{browser:?} {initiator} {status} {mime} nosniff={nosniff} opaque={opaque}");
        }
    }

    fn run(profile: &Profile, init: &RequestInit, answer: HttpResponse) -> Initiated {
        let page = Origin::parse("https://app.example").unwrap();
        run_in(profile, page, &PageContext::default(), init, &mut PreflightCache::new(), Timestamp::ZERO, |_| answer.clone())
    }

    #[test]
    fn an_upload_listener_forces_a_preflight_where_the_browser_does() {
        let post = RequestInit::get("https://api.example/up").method("POST").initiated_by(Initiator::Xhr);
        let post = RequestInit { upload_listener: true, body: Some("a".into()), ..post };
        let get = RequestInit { body: None, method: "GET".into(), ..post.clone() };
        for profile in PROFILES {
            let ok = HttpResponse::new(200).header("Access-Control-Allow-Origin", "*");
            assert!(run(profile, &post, ok.clone()).verdict.requests[0].is_preflight, "{:?}", profile.browser);
            let get_preflighted = run(profile, &get, ok).verdict.requests[0].is_preflight;
            assert_eq!(get_preflighted, !profile.initiators.upload_listener_needs_body, "{:?}", profile.browser);
        }
    }

    #[test]
    fn what_the_page_sees_per_initiator() {
        let no_cors_headers = HttpResponse::new(200).header("Content-Type", "image/gif");
        let img = RequestInit::get("https://cdn.example/a.gif").initiated_by(Initiator::Img);
        assert_eq!(run(&Profile::CHROMIUM, &img, no_cors_headers.clone()).event, PageEvent::Load);
        let img = img.crossorigin(Some(CrossOrigin::Anonymous));
        let blocked = run(&Profile::CHROMIUM, &img, no_cors_headers.clone());
        assert_eq!(blocked.event, PageEvent::Error { refusal: None });
        assert!(blocked.verdict.console[0].starts_with("Access to image at 'https://cdn.example/a.gif'"));
        assert_eq!(blocked.reason.as_deref(), Some("MissingAllowOriginHeader"));
        let webkit = run(&Profile::WEBKIT, &img, no_cors_headers.clone());
        assert_eq!(webkit.verdict.console[1], "Cannot load image https://cdn.example/a.gif due to access control checks.");
        let beacon = RequestInit::get("https://api.example/log").method("POST").initiated_by(Initiator::Beacon);
        assert_eq!(run(&Profile::FIREFOX, &beacon, no_cors_headers.clone()).event, PageEvent::Queued);
        let xhr = RequestInit::get("https://api.example/x").initiated_by(Initiator::Xhr);
        assert_eq!(run(&Profile::CHROMIUM, &xhr, no_cors_headers).event, PageEvent::NetworkError);
    }

    /// Found by the fetch fuzz target: an element given a method and headers
    /// (the API allows it; a scenario does not) still GETs with none.
    #[test]
    fn an_element_ignores_a_method_and_headers_a_beacon_keeps_only_its_type() {
        let img = RequestInit::get("https://cdn.example/a").method("PUT").header("X-Trace", "1").initiated_by(Initiator::Img);
        let image = run(&Profile::CHROMIUM, &img.crossorigin(Some(CrossOrigin::Anonymous)), HttpResponse::new(200));
        assert_eq!(image.verdict.requests.len(), 1);
        assert_eq!(image.verdict.requests[0].method, "GET");
        assert!(image.verdict.requests[0].headers.iter().all(|h| h.is("origin")));
        let beacon = RequestInit::get("https://api.example/b").header("X-Trace", "1").header("Content-Type", "text/plain").initiated_by(Initiator::Beacon);
        let sent = run(&Profile::CHROMIUM, &beacon, HttpResponse::new(204));
        assert_eq!(sent.verdict.requests[0].method, "POST");
        assert!(!sent.verdict.requests[0].headers.contains("x-trace"));
    }

    #[test]
    fn a_failing_keepalive_fetch_is_silent_in_firefox_only() {
        let init = RequestInit { keepalive: true, ..RequestInit::get("https://api.example/k") };
        for profile in PROFILES {
            let run = run(profile, &init, HttpResponse::new(200));
            assert_eq!(run.verdict.console.is_empty(), profile.browser == Browser::Firefox, "{:?}", profile.browser);
            assert_eq!(run.reason.is_none(), profile.browser == Browser::Firefox, "{:?}", profile.browser);
        }
    }

    proptest! {
        /// An element never sends a preflight and never a header of its
        /// own, whatever the server answers.
        #[test]
        fn elements_send_no_preflight(
            initiator in prop::sample::select(vec![Initiator::Img, Initiator::Script, Initiator::ModuleScript, Initiator::Stylesheet, Initiator::Font]),
            attribute in prop::option::of(prop::sample::select(vec![CrossOrigin::Anonymous, CrossOrigin::UseCredentials])),
            profile in prop::sample::select(PROFILES.to_vec()),
            answer in crate::strategies::cors_response(&Origin::parse("https://app.example").unwrap()),
        ) {
            let init = RequestInit::get("https://cdn.example/r").initiated_by(initiator).crossorigin(attribute.filter(|_| initiator.takes_crossorigin()));
            let run = run(profile, &init, answer);
            prop_assert!(run.verdict.requests.iter().all(|r| !r.is_preflight && r.method == "GET"));
            prop_assert!(run.verdict.requests.iter().all(|r| r.headers.iter().all(|h| h.is("origin"))));
        }
    }
}
