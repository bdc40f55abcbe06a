//! What a browser does around CORS ([`Gates`], the [`Profile`](super::Profile)
//! field `gates`): which ports it refuses, its mixed content, CORP, embedder
//! policy and Local Network Access rules, and what its `fetch()` does with
//! URLs that are not HTTP(S) ([`SchemeRules`]). The checks that read these
//! live in their own modules and run in [`crate::gate`].
//!
//! Evidence, per value: "observed" means recorded with `corsim record` in
//! the browser named (`tests/corpus/checks-*.jsonl`: Chromium 156, Firefox
//! 153 ESR, WebKitGTK 2.50.6); "source" means read in the browser's source;
//! "unverified" means neither, and such values stay out of every corpus
//! claim.

use crate::cross_origin_resource_policy::{EmbedderPolicy, SameSiteRule};
use crate::local_network_access::{LnaPermissionUi, LnaRules};
use crate::mixed_content::{MixedContentPages, MixedContentRules};
use crate::port_blocking::BadPorts;

/// What a browser does around CORS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gates {
    /// The ports it refuses.
    pub bad_ports: BadPorts,
    /// Its mixed content rules.
    pub mixed_content: MixedContentRules,
    /// How the CORP check judges `same-site`.
    pub corp_same_site: SameSiteRule,
    /// Whether `Cross-Origin-Embedder-Policy: credentialless` is understood
    /// (otherwise it counts as `unsafe-none`).
    pub coep_credentialless: bool,
    /// Which requests Local Network Access checks.
    pub local_network_access: LnaRules,
    /// What `fetch()` does with URLs that are not HTTP(S).
    pub schemes: SchemeRules,
}

impl Gates {
    /// Chromium 156.
    ///
    /// - bad ports: the standard's list less 4190 and 6679, from a stored copy
    ///   of `net/base/port_util.cc` (`kRestrictedPorts`, date unknown; it also
    ///   lists 0); 25, 6000, 6667 and 10080 observed refused
    ///   (`net::ERR_UNSAFE_PORT`).
    /// - mixed content: observed (an `https:` page's fetch of `http://api.test`
    ///   blocked, of `http://127.0.0.1` and `http://localhost` allowed); that
    ///   `http:` loopback pages are unrestricted is the checker keying on the
    ///   page's scheme (source).
    /// - CORP `same-site`: observed refusing two ports of `127.0.0.1`, and
    ///   `ShouldAllowSameSite` refusing every IP host (source).
    /// - COEP `credentialless`: observed (a no-cors fetch without CORP passes,
    ///   credentials asked for or not; `require-corp` refuses it).
    /// - bad ports: 4190 and 6679 observed allowed, a redirect to a bad port
    ///   refused (`net::ERR_UNSAFE_PORT`, word for word).
    /// - Local Network Access: observed (both refusals, `no-cors` included;
    ///   `public` pages only: a `local` page reaches `loopback` with the
    ///   permission denied).
    /// - `about:blank`: refused, as every scheme `fetch()` does not support
    ///   ([`SchemeRules::unsupported_refused_first`]; observed); `file:`
    ///   refused first too.
    pub const CHROMIUM: Gates = Gates {
        bad_ports: BadPorts::FetchExcept(&[4190, 6679]),
        mixed_content: MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: true },
        corp_same_site: SameSiteRule::NeverForIpHosts,
        coep_credentialless: true,
        local_network_access: LnaRules {
            enforced: true,
            public_clients_only: true,
            insecure_context_refused: true,
            at_connect: false,
            target_address_space_option: true,
            asks_as: Some(LnaPermissionUi::Chromium),
        },
        schemes: SchemeRules { about_blank: false, unsupported_refused_first: true, file_refused_first: true, file_local_resource: true, ..SchemeRules::SPEC },
    };

    /// The standards as written (Fetch, MIX, Secure Contexts). Local Network
    /// Access is a WICG draft, not part of Fetch: off.
    pub const SPEC: Gates = Gates {
        bad_ports: BadPorts::Fetch,
        mixed_content: MixedContentRules { pages: MixedContentPages::TrustworthyOrigin, loopback_exempt: true },
        corp_same_site: SameSiteRule::SchemelesslySameSite,
        coep_credentialless: true,
        local_network_access: LnaRules::OFF,
        schemes: SchemeRules::SPEC,
    };

    /// Firefox.
    ///
    /// - bad ports: `gBadPortList` in `netwerk/base/nsIOService.cpp` (source):
    ///   the standard's list, where 0 is only the end marker; 4190, 6679 and
    ///   the usual ones observed refused, silently (a bad port or mixed
    ///   content on a redirect's target: "CORS request did not succeed" for
    ///   the redirecting URL).
    /// - mixed content: `https:` pages only, loopback exempt (observed).
    /// - CORP `same-site`: schemelessly same site, two ports of `127.0.0.1`
    ///   allowed (observed); COEP `require-corp` and `credentialless`
    ///   (observed: no credentials, no CORP needed).
    /// - schemes: `about:blank` loads in `no-cors`; `cors` refuses other
    ///   schemes as `CORSRequestNotHttp`; `file:` refused first; `data:`
    ///   responses have a `Content-Length` (all observed).
    /// - Local Network Access: on by default in ESR 153 (observed with
    ///   `network.lna.address_space.*.override`): `public` pages only, an
    ///   insecure page asked like any other, checked as each request leaves
    ///   (a `cors` fetch reports "CORS request did not succeed"). The prompt
    ///   state leaves the fetch waiting for the user (unrecordable headless).
    pub const FIREFOX: Gates = Gates {
        bad_ports: BadPorts::FetchExcept(&[0]),
        mixed_content: MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: true },
        corp_same_site: SameSiteRule::SchemelesslySameSite,
        coep_credentialless: true,
        local_network_access: LnaRules {
            enforced: true,
            public_clients_only: true,
            insecure_context_refused: false,
            at_connect: true,
            target_address_space_option: false,
            asks_as: Some(LnaPermissionUi::Firefox),
        },
        schemes: SchemeRules { file_refused_first: true, file_local_resource: true, cors_mode_cors_error: true, data_content_length: true, ..SchemeRules::SPEC },
    };

    /// WebKit.
    ///
    /// - bad ports: `portAllowed` in `wtf/URL.cpp` (source): the standard's
    ///   list, 4190 and 6679 included (observed).
    /// - mixed content: `http://127.0.0.1` and `http://localhost` blocked from
    ///   `https:` pages too (observed).
    /// - CORP `same-site`: schemelessly same site (observed); COEP
    ///   `require-corp` honoured, `credentialless` read as `unsafe-none`
    ///   (observed: an uncredentialed no-cors fetch without CORP passes;
    ///   whether credentials are dropped is not told apart).
    /// - schemes: `about:blank` refused in `no-cors`; `cors` refuses other
    ///   schemes ("Cross origin requests are only supported for HTTP.");
    ///   `file:` refused as a local resource in `no-cors` (observed).
    /// - Local Network Access: off (observed: the overrides Chromium and
    ///   Firefox take have no WebKitGTK counterpart, and nothing is refused).
    pub const WEBKIT: Gates = Gates {
        bad_ports: BadPorts::Fetch,
        mixed_content: MixedContentRules { pages: MixedContentPages::HttpsUrl, loopback_exempt: false },
        corp_same_site: SameSiteRule::SchemelesslySameSite,
        coep_credentialless: false,
        local_network_access: LnaRules::OFF,
        schemes: SchemeRules { about_blank: false, cors_mode_cors_error: true, file_local_resource: true, ..SchemeRules::SPEC },
    };

    /// The embedder policy the browser applies for a page that sent `coep`.
    pub fn embedder_policy(&self, coep: EmbedderPolicy) -> EmbedderPolicy {
        match coep {
            EmbedderPolicy::Credentialless if !self.coep_credentialless => EmbedderPolicy::UnsafeNone,
            other => other,
        }
    }
}

/// What a browser's `fetch()` does with URLs that are not HTTP(S).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SchemeRules {
    /// Whether `about:blank` is fetched (a `no-cors` fetch gets an opaque
    /// response) rather than refused.
    pub about_blank: bool,
    /// Whether, in modes `cors` and `no-cors`, a scheme outside those
    /// `fetch()` supports (`http`, `https`, `data`, `blob`, `file`) is
    /// refused before anything else, as CORS error `CorsDisabledScheme`
    /// ("URL scheme "…" is not supported"), `about:blank` included
    /// (Chromium's `FetchManager`, observed).
    pub unsupported_refused_first: bool,
    /// Whether, in modes `cors` and `no-cors`, a `file:` URL is refused
    /// before anything else, its loader refusing a web page any local file
    /// (Chromium, Firefox; observed).
    pub file_refused_first: bool,
    /// Whether a `file:` URL that reaches a scheme fetch is refused as a
    /// local resource (WebKit, in mode `no-cors`; observed) rather than as a
    /// scheme `fetch()` does not load.
    pub file_local_resource: bool,
    /// Whether, in mode `cors`, a URL that is not HTTP(S) fails as CORS
    /// error `CorsDisabledScheme` (Firefox's `CORSRequestNotHttp`, observed)
    /// rather than as a network error (the standard).
    pub cors_mode_cors_error: bool,
    /// Whether a `data:` response has a `Content-Length` (Firefox, observed).
    pub data_content_length: bool,
}

impl SchemeRules {
    /// The Fetch standard.
    pub const SPEC: SchemeRules = SchemeRules {
        about_blank: true,
        unsupported_refused_first: false,
        file_refused_first: false,
        file_local_resource: false,
        cors_mode_cors_error: false,
        data_content_length: false,
    };
}
