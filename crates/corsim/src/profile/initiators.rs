//! How a browser departs, per initiator, from what the standards say
//! ([`InitiatorRules`], the [`Profile`](super::Profile) field `initiators`):
//! the preflight an XHR upload listener forces, `Origin` on same-origin
//! element requests, the MIME checks of scripts and stylesheets, opaque-response
//! blocking, fonts' CORS. [`crate::initiator`] applies them.

use crate::opaque_response_blocking::OrbRules;

/// How a browser departs, per initiator, from what the standards say: one
/// value per browser, the initiators' counterpart of the other
/// [`Profile`](super::Profile) fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InitiatorRules {
    /// XHR: an upload listener forces a preflight only for a request with a
    /// body (the XHR standard forces it whenever there is a listener).
    pub upload_listener_needs_body: bool,
    /// A CORS-mode request made by an element carries `Origin` even to the
    /// page's own origin (the Fetch standard appends it only under CORS
    /// tainting or for a method other than GET and HEAD).
    pub element_origin_same_origin: bool,
    /// An `<img>` whose response has an error status still loads when its
    /// body decodes.
    pub image_ignores_error_status: bool,
    /// When a stylesheet whose MIME type is not `text/css` fires `error`
    /// (HTML § "fetch and process the linked resource": always).
    pub stylesheet_mime_check: StylesheetMimeCheck,
    /// Opaque-response blocking (Fetch § "opaque-response-safelisted
    /// check", [`crate::opaque_response_blocking`]) of `no-cors` responses
    /// from another origin: whether the browser has it, what stands in for
    /// its JavaScript parse, and what `fetch()` gets for a blocked response.
    pub opaque_response_blocking: OrbRules,
    /// A classic script's or a stylesheet's own MIME-type checks run before
    /// opaque-response blocking, and log their messages (Firefox).
    pub element_checks_before_orb: bool,
    /// A `fetch(…, {keepalive: true})` that fails logs its CORS failure
    /// (Firefox logs nothing for it, so its recordings name no reason).
    pub keepalive_failures_logged: bool,
    /// A script's or module script's MIME-type refusal cancels a CORS
    /// request, whose failure is then logged as a CORS request that "did
    /// not succeed" (Firefox).
    pub script_refusal_fails_cors: bool,
    /// An `@font-face` source is fetched with CORS (CSS Fonts § "font fetching
    /// requirements"); otherwise `no-cors`, as an `<img>` without the
    /// attribute (WebKit).
    pub fonts_use_cors: bool,
    /// An `<img>` served as `application/pdf` is decoded as a PDF document
    /// (WebKit; recorded: a GIF body served so fails).
    pub pdf_images: bool,
}

/// When a stylesheet must be `text/css`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StylesheetMimeCheck {
    /// Always (a page in no-quirks mode, as the recorder's is).
    Always,
    /// Only when the response says `X-Content-Type-Options: nosniff`;
    /// otherwise the `load` event fires (Chromium).
    WithNosniff,
}

impl InitiatorRules {
    /// The Fetch, HTML and XHR standards as written.
    pub const SPEC: InitiatorRules = InitiatorRules {
        upload_listener_needs_body: false,
        element_origin_same_origin: false,
        image_ignores_error_status: true,
        stylesheet_mime_check: StylesheetMimeCheck::Always,
        opaque_response_blocking: OrbRules::SPEC,
        element_checks_before_orb: false,
        keepalive_failures_logged: true,
        script_refusal_fails_cors: false,
        fonts_use_cors: true,
        pdf_images: false,
    };

    /// Chromium (recorded: `tests/corpus/initiators-chromium-*.jsonl`).
    pub const CHROMIUM: InitiatorRules = InitiatorRules {
        upload_listener_needs_body: true,
        element_origin_same_origin: true,
        image_ignores_error_status: true,
        stylesheet_mime_check: StylesheetMimeCheck::WithNosniff,
        opaque_response_blocking: OrbRules::CHROMIUM,
        element_checks_before_orb: false,
        keepalive_failures_logged: true,
        script_refusal_fails_cors: false,
        fonts_use_cors: true,
        pdf_images: false,
    };

    /// Firefox (recorded: `tests/corpus/initiators-firefox-*.jsonl`). A
    /// script's or stylesheet's own `nosniff` check comes before its
    /// opaque-response blocking, with its own message.
    pub const FIREFOX: InitiatorRules = InitiatorRules {
        upload_listener_needs_body: false,
        element_origin_same_origin: false,
        image_ignores_error_status: true,
        stylesheet_mime_check: StylesheetMimeCheck::Always,
        opaque_response_blocking: OrbRules::FIREFOX,
        element_checks_before_orb: true,
        keepalive_failures_logged: false,
        script_refusal_fails_cors: true,
        fonts_use_cors: true,
        pdf_images: false,
    };

    /// WebKit (recorded: `tests/corpus/initiators-webkit-*.jsonl`).
    pub const WEBKIT: InitiatorRules = InitiatorRules {
        upload_listener_needs_body: false,
        element_origin_same_origin: true,
        image_ignores_error_status: true,
        stylesheet_mime_check: StylesheetMimeCheck::Always,
        opaque_response_blocking: OrbRules::NONE,
        element_checks_before_orb: false,
        keepalive_failures_logged: true,
        script_refusal_fails_cors: false,
        fonts_use_cors: false,
        pdf_images: true,
    };
}
