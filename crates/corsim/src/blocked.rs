//! Why a check around CORS blocked a fetch ([`Gate`], carried by
//! [`crate::FailureKind::Blocked`]), and the small values each refusal
//! holds: the address spaces of Local Network Access, the
//! `Cross-Origin-Resource-Policy` and embedder policy values, why a scheme
//! fetch failed. Each value also has a home in the module of its check
//! ([`crate::local_network_access`], [`crate::cross_origin_resource_policy`],
//! [`crate::scheme_fetch`]), which re-exports it.
//!
//! This module uses no other module of the crate, so [`crate::error`] can
//! name a refusal without importing the checks (which import it back);
//! what a browser does around CORS, and how a refusal is written to its
//! console, live in [`crate::gate`] and [`crate::console`].

use std::fmt;

/// Which check around CORS refused a fetch, and with what.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "gate", rename_all = "kebab-case"))]
pub enum Gate {
    /// The URL's port is a bad port (Fetch § "Port blocking").
    BadPort {
        /// The port.
        port: u16,
    },
    /// An `https:` page's fetch of a URL that is not potentially trustworthy
    /// (MIX § 4.3).
    MixedContent {
        /// The page's URL.
        page: String,
    },
    /// Local Network Access refused it.
    LocalNetworkAccess(LnaBlock),
    /// The `Cross-Origin-Resource-Policy` check refused a `no-cors` response.
    CrossOriginResourcePolicy(CorpBlock),
    /// `fetch()` answers the URL itself, and that failed.
    Scheme(SchemeError),
    /// Opaque-response blocking took a `no-cors` response away.
    OpaqueResponseBlocking(OrbBlock),
}

impl Gate {
    /// A short kebab-case name (`bad-port`, `mixed-content`,
    /// `local-network-access`, `cross-origin-resource-policy`, `scheme`).
    pub fn name(&self) -> &'static str {
        match self {
            Gate::BadPort { .. } => "bad-port",
            Gate::MixedContent { .. } => "mixed-content",
            Gate::LocalNetworkAccess(_) => "local-network-access",
            Gate::CrossOriginResourcePolicy(_) => "cross-origin-resource-policy",
            Gate::Scheme(_) => "scheme",
            Gate::OpaqueResponseBlocking(_) => "opaque-response-blocking",
        }
    }

    /// The check in words, for "not CORS: …".
    pub fn title(&self) -> &'static str {
        match self {
            Gate::BadPort { .. } => "a blocked port",
            Gate::MixedContent { .. } => "mixed content",
            Gate::LocalNetworkAccess(_) => "Local Network Access",
            Gate::CrossOriginResourcePolicy(_) => "Cross-Origin-Resource-Policy",
            Gate::Scheme(_) => "a URL fetch() loads itself",
            Gate::OpaqueResponseBlocking(_) => "opaque-response blocking (ORB)",
        }
    }

    /// Chromium's `CorsError` name, for the refusals Chromium reports as CORS
    /// errors (Local Network Access, and a scheme `fetch()` does not
    /// support).
    pub fn chromium_cors_error_name(&self) -> Option<&'static str> {
        match self {
            Gate::LocalNetworkAccess(block) => Some(block.chromium_name()),
            Gate::Scheme(SchemeError::Unsupported { .. }) => Some("CorsDisabledScheme"),
            _ => None,
        }
    }

    /// Why the fetch failed, for `url`.
    pub fn reason(&self, url: &str) -> String {
        match self {
            Gate::BadPort { port } => format!("port {port} is on the browsers' list of blocked ports, so {url} is never requested"),
            Gate::MixedContent { page } => {
                let page = if page.is_empty() { String::new() } else { format!(" {page}") };
                format!("the page{page} was loaded over https:, and {url} is not potentially trustworthy, so the browser never requests it")
            }
            Gate::LocalNetworkAccess(block) => {
                let why = match block.denial {
                    LnaDenial::InsecureContext => "the page is not a secure context",
                    LnaDenial::PermissionDenied { prompted: true } => {
                        "the page has no Local Network Access permission yet (the browser asks the user)"
                    }
                    LnaDenial::PermissionDenied { prompted: false } => "the Local Network Access permission is denied",
                    LnaDenial::AddressSpaceMismatch { declared } => {
                        return format!(
                            "fetch() declared targetAddressSpace: '{declared}', but {url} is in the `{}` address space, so the browser drops the connection",
                            block.target
                        )
                    }
                };
                format!("a page in the `{}` address space may reach {url} in the more private `{}` space only with permission: {why}", block.client, block.target)
            }
            Gate::CrossOriginResourcePolicy(block) => match block.imposed_by {
                Some(coep) => format!(
                    "the page's Cross-Origin-Embedder-Policy: {coep} requires a Cross-Origin-Resource-Policy on {url}, and it has none that allows the page"
                ),
                None => format!("{url} answered with Cross-Origin-Resource-Policy: {}, which refuses this page", block.policy),
            },
            Gate::Scheme(error) => format!("{url}: {error}"),
            Gate::OpaqueResponseBlocking(block) => format!(
                "{url} answered a no-cors request from another origin with {}, which no <script>, <img> or <style> may embed, so the browser keeps it from the page: {}",
                block.type_text(),
                block.step
            ),
        }
    }

    /// What to change: never a CORS header.
    pub fn fix(&self) -> String {
        match self {
            Gate::BadPort { port } => format!(
                "Serve the API on a port browsers allow (443, 8443, 8080, 3000, …): {port} is blocked for every page and no header changes that."
            ),
            Gate::MixedContent { .. } => "Serve the API over https: (a page loaded over https: may not fetch http: URLs; CORS headers do not change that). For a device on the local network, Chromium also accepts the fetch option targetAddressSpace: 'local' once the user grants Local Network Access.".to_owned(),
            Gate::LocalNetworkAccess(block) => match block.denial {
                LnaDenial::InsecureContext => "Serve the page over https: (Local Network Access needs a secure context), then have the user allow local network access. Access-Control-Allow-Private-Network is no longer read.".to_owned(),
                LnaDenial::PermissionDenied { .. } => match block.asked_as {
                    Some(LnaPermissionUi::Chromium) => format!(
                        "Have the user allow local network access for the page's site (Chromium prompts once; a denial stays in the site settings), or grant the permission in automation (local-network-access). Pass targetAddressSpace: '{}' to fetch() to ask up front. Access-Control-Allow-Private-Network is no longer read.",
                        block.target
                    ),
                    Some(LnaPermissionUi::Firefox) => format!(
                        "Have the user allow the page's site to reach {} (Firefox asks once and keeps the answer in the site's permissions: {}), or set that permission in automation. Access-Control-Allow-Private-Network is not read.",
                        if block.target == AddressSpace::Loopback { "apps and services on this device" } else { "devices on the local network" },
                        if block.target == AddressSpace::Loopback { "loopback-network" } else { "local-network" }
                    ),
                    None => "Have the user grant the page's site the Local Network Access permission. Access-Control-Allow-Private-Network is no longer read.".to_owned(),
                },
                LnaDenial::AddressSpaceMismatch { .. } => format!(
                    "Declare the space the target is in (targetAddressSpace: '{}'), or leave the option out for an https: URL. A wrong declaration fails the fetch even where Local Network Access would allow it.",
                    block.target
                ),
            },
            Gate::CrossOriginResourcePolicy(block) => match block.imposed_by {
                Some(coep) => format!(
                    "Send Cross-Origin-Resource-Policy: cross-origin on the response (the page's Cross-Origin-Embedder-Policy: {coep} requires one), or drop that embedder policy."
                ),
                None => format!(
                    "Send Cross-Origin-Resource-Policy: cross-origin instead of {} (same-site only helps when the page is same site with the response; Chromium never counts IP-address hosts as same site).",
                    block.policy
                ),
            },
            Gate::Scheme(SchemeError::InvalidDataUrl { .. }) => "Fix the data: URL: a comma before the data, and valid base64 after ;base64.".to_owned(),
            Gate::Scheme(SchemeError::BlobUnavailable) => "Fetch a blob: URL the page created (URL.createObjectURL) and has not revoked, with GET.".to_owned(),
            Gate::Scheme(SchemeError::Unsupported { .. } | SchemeError::LocalResource) => "fetch() loads http:, https:, data: and blob: URLs; serve the resource over http(s).".to_owned(),
            Gate::OpaqueResponseBlocking(_) => "Serve what may be embedded with the type of what it is (text/javascript, text/css, an image, audio or video type), and X-Content-Type-Options: nosniff only with such a type. Data (JSON, HTML, XML, CSV, PDF) never reaches a no-cors request, and no response header lifts that, Cross-Origin-Resource-Policy included; mode: 'no-cors' never gives script a body, so to read the response drop that mode.".to_owned(),
        }
    }
}

impl fmt::Display for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not CORS: {}", self.title())
    }
}

/// Why opaque-response blocking took a response away: its MIME type
/// essence (empty when it has none) and the step of the algorithm.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct OrbBlock {
    /// The MIME type essence, empty when there is none.
    pub mime: String,
    /// The step that blocked it.
    pub step: OrbStep,
}

impl OrbBlock {
    /// The type in words.
    pub fn type_text(&self) -> String {
        if self.mime.is_empty() {
            "no Content-Type".to_owned()
        } else {
            format!("Content-Type {}", self.mime)
        }
    }
}

/// The step of opaque-response blocking that blocked a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "step", content = "sniffed", rename_all = "kebab-case"))]
pub enum OrbStep {
    /// An "opaque-blocklisted-never-sniffed" type (`text/csv`, PDF, ZIP, …).
    NeverSniffed,
    /// Status 206 with an HTML, JSON or XML type.
    PartialBlocklisted,
    /// `nosniff` with an HTML, JSON, XML or `text/plain` type.
    NosniffBlocklisted,
    /// Status 206 without `Content-Range: bytes 0-…`: not the first part.
    PartialNotFirst,
    /// `nosniff`, and the body is no image, audio or video.
    Nosniff,
    /// A status that is not ok, and the body is no image, audio or video.
    ErrorStatus,
    /// An `image/`, `audio/` or `video/` type whose body is none of these.
    MediaTypeNotMedia,
    /// The body is data, not JavaScript.
    Sniffed(SniffedAs),
}

impl fmt::Display for OrbStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrbStep::NeverSniffed => f.write_str("the type is one ORB always blocks"),
            OrbStep::PartialBlocklisted => f.write_str("a 206 partial response of HTML, JSON or XML"),
            OrbStep::NosniffBlocklisted => f.write_str("X-Content-Type-Options: nosniff on HTML, JSON, XML or text/plain"),
            OrbStep::PartialNotFirst => f.write_str("a 206 partial response that is not the start of its resource (no Content-Range: bytes 0-…)"),
            OrbStep::Nosniff => f.write_str("X-Content-Type-Options: nosniff, and the body is no image, audio or video"),
            OrbStep::ErrorStatus => f.write_str("an error status, and the body is no image, audio or video"),
            OrbStep::MediaTypeNotMedia => f.write_str("an image, audio or video type, and the body is none of these"),
            OrbStep::Sniffed(sniffed) => write!(f, "the body is {sniffed}, not JavaScript"),
        }
    }
}

/// What a body sniffed as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum SniffedAs {
    /// HTML.
    Html,
    /// XML.
    Xml,
    /// JSON.
    Json,
    /// A JSON parser breaker (`)]}'`, `for(;;);`, …).
    ParserBreaker,
}

impl fmt::Display for SniffedAs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SniffedAs::Html => "HTML",
            SniffedAs::Xml => "XML",
            SniffedAs::Json => "JSON",
            SniffedAs::ParserBreaker => "JSON behind a parser breaker",
        })
    }
}

/// An IP address space, most private first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum AddressSpace {
    /// This machine (`127.0.0.0/8`, `::1`).
    Loopback,
    /// The local network (private, link-local, carrier-grade NAT and
    /// unique-local ranges); PNA called it `private`.
    Local,
    /// Everything else.
    Public,
}

impl AddressSpace {
    /// Every space, most private first.
    pub const ALL: [AddressSpace; 3] = [AddressSpace::Loopback, AddressSpace::Local, AddressSpace::Public];

    /// The name Chromium prints (`loopback`, `local`, `public`).
    pub fn name(self) -> &'static str {
        match self {
            AddressSpace::Loopback => "loopback",
            AddressSpace::Local => "local",
            AddressSpace::Public => "public",
        }
    }

    /// Parse a name; `private` is accepted as the old name of `local`.
    pub fn from_name(name: &str) -> Option<AddressSpace> {
        match name {
            "loopback" => Some(AddressSpace::Loopback),
            "local" | "private" => Some(AddressSpace::Local),
            "public" => Some(AddressSpace::Public),
            _ => None,
        }
    }

    /// "Is more private than" (lower in the order loopback < local < public).
    pub fn is_more_private_than(self, other: AddressSpace) -> bool {
        self < other
    }
}

impl fmt::Display for AddressSpace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why Local Network Access refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum LnaDenial {
    /// The page is not a secure context (Chromium `InsecureLocalNetwork`).
    InsecureContext,
    /// The permission is denied (Chromium
    /// `LocalNetworkAccessPermissionDenied`); `prompted` when the user was
    /// (to be) asked rather than having refused before.
    PermissionDenied {
        /// Whether the permission was in the prompt state.
        prompted: bool,
    },
    /// `fetch()`'s `targetAddressSpace` option declared another space than
    /// the one the target is in (Chromium `InvalidLocalNetworkAccess`,
    /// checked before the others).
    AddressSpaceMismatch {
        /// The space the option declared.
        declared: AddressSpace,
    },
}

/// A refused request: why, and the two address spaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct LnaBlock {
    /// Why.
    pub denial: LnaDenial,
    /// The page's address space.
    pub client: AddressSpace,
    /// The target's address space.
    pub target: AddressSpace,
    /// How the browser that refused asks for the permission (`None`: the
    /// draft's permission, no browser's words).
    #[cfg_attr(feature = "serde", serde(default))]
    pub asked_as: Option<LnaPermissionUi>,
}

/// How a browser asks for the Local Network Access permission, which the
/// fix names (profile data: [`crate::local_network_access::LnaRules`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum LnaPermissionUi {
    /// Chromium: one prompt per site (`local-network-access` in
    /// automation), and the `targetAddressSpace` option of `fetch()` to ask
    /// up front.
    Chromium,
    /// Firefox: the site permissions `local-network` and, for this device,
    /// `loopback-network`; no fetch option.
    Firefox,
}

impl LnaBlock {
    /// Chromium's `CorsError` name for it.
    pub fn chromium_name(&self) -> &'static str {
        match self.denial {
            LnaDenial::InsecureContext => "InsecureLocalNetwork",
            LnaDenial::PermissionDenied { .. } => "LocalNetworkAccessPermissionDenied",
            LnaDenial::AddressSpaceMismatch { .. } => "InvalidLocalNetworkAccess",
        }
    }
}

/// A page's embedder policy value (HTML § "Cross-origin embedder policies").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum EmbedderPolicy {
    /// No `Cross-Origin-Embedder-Policy` (the default).
    #[default]
    UnsafeNone,
    /// `require-corp`: every cross-origin `no-cors` response needs CORP.
    RequireCorp,
    /// `credentialless`: cross-origin `no-cors` requests go without
    /// credentials, and only a response to a credentialed one needs CORP.
    Credentialless,
}

impl fmt::Display for EmbedderPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EmbedderPolicy::UnsafeNone => "unsafe-none",
            EmbedderPolicy::RequireCorp => "require-corp",
            EmbedderPolicy::Credentialless => "credentialless",
        })
    }
}

/// A `Cross-Origin-Resource-Policy` value that restricts (`cross-origin`
/// restricts nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum ResourcePolicy {
    /// `same-origin`.
    SameOrigin,
    /// `same-site`.
    SameSite,
}

impl fmt::Display for ResourcePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResourcePolicy::SameOrigin => "same-origin",
            ResourcePolicy::SameSite => "same-site",
        })
    }
}

/// Why the check blocked a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CorpBlock {
    /// The policy that blocked it.
    pub policy: ResourcePolicy,
    /// Whether the response had no usable CORP header and the page's
    /// embedder policy imposed `same-origin` (Chromium:
    /// `NotSameOriginAfterDefaultedToSameOriginByCoep`).
    pub imposed_by: Option<EmbedderPolicy>,
}

/// Why a scheme fetch ended in a network error.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(tag = "why", rename_all = "kebab-case"))]
pub enum SchemeError {
    /// The `data:` URL processor returned failure (no comma, bad base64).
    InvalidDataUrl {
        /// What is wrong.
        detail: String,
    },
    /// A `blob:` URL with no blob URL entry, or a method other than `GET`.
    /// corsim keeps no blob URL store, so every `blob:` fetch ends here.
    BlobUnavailable,
    /// A `file:` URL, which the loader refuses a web page ("Not allowed to
    /// load local resource").
    LocalResource,
    /// A scheme `fetch()` does not load (`about:` other than `about:blank`,
    /// `file:`, `ftp:`, `chrome:`, …), or `about:blank` in a browser that
    /// does not load it either.
    Unsupported {
        /// The scheme.
        scheme: String,
    },
}

impl fmt::Display for SchemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemeError::InvalidDataUrl { detail } => write!(f, "the data: URL is not valid ({detail})"),
            SchemeError::BlobUnavailable => f.write_str("the blob: URL has no blob (corsim keeps no blob URL store)"),
            SchemeError::LocalResource => f.write_str("a web page may not load local files"),
            SchemeError::Unsupported { scheme } => write!(f, "fetch() does not load {scheme}: URLs"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lna_fix_names_the_browsers_own_permission() {
        let block = |asked_as| Gate::LocalNetworkAccess(LnaBlock {
            denial: LnaDenial::PermissionDenied { prompted: false },
            client: AddressSpace::Public,
            target: AddressSpace::Loopback,
            asked_as,
        });
        let chromium = block(Some(LnaPermissionUi::Chromium)).fix();
        assert!(chromium.contains("targetAddressSpace: 'loopback'") && chromium.contains("Chromium"), "{chromium}");
        let firefox = block(Some(LnaPermissionUi::Firefox)).fix();
        assert!(firefox.contains("loopback-network") && !firefox.contains("Chromium") && !firefox.contains("targetAddressSpace"), "{firefox}");
        let draft = block(None).fix();
        assert!(!draft.contains("Chromium") && !draft.contains("Firefox"), "{draft}");
    }

    #[test]
    fn no_fix_is_a_cors_header() {
        let gates = [
            Gate::BadPort { port: 6000 },
            Gate::MixedContent { page: "https://app.example/".into() },
            Gate::LocalNetworkAccess(LnaBlock { denial: LnaDenial::InsecureContext, client: AddressSpace::Public, target: AddressSpace::Local, asked_as: Some(LnaPermissionUi::Chromium) }),
            Gate::LocalNetworkAccess(LnaBlock { denial: LnaDenial::PermissionDenied { prompted: true }, client: AddressSpace::Public, target: AddressSpace::Loopback, asked_as: Some(LnaPermissionUi::Chromium) }),
            Gate::LocalNetworkAccess(LnaBlock { denial: LnaDenial::PermissionDenied { prompted: false }, client: AddressSpace::Public, target: AddressSpace::Local, asked_as: Some(LnaPermissionUi::Firefox) }),
            Gate::LocalNetworkAccess(LnaBlock { denial: LnaDenial::PermissionDenied { prompted: false }, client: AddressSpace::Public, target: AddressSpace::Local, asked_as: None }),
            Gate::LocalNetworkAccess(LnaBlock {
                denial: LnaDenial::AddressSpaceMismatch { declared: AddressSpace::Local },
                client: AddressSpace::Public,
                target: AddressSpace::Loopback,
                asked_as: Some(LnaPermissionUi::Chromium),
            }),
            Gate::CrossOriginResourcePolicy(CorpBlock { policy: ResourcePolicy::SameOrigin, imposed_by: None }),
            Gate::CrossOriginResourcePolicy(CorpBlock { policy: ResourcePolicy::SameOrigin, imposed_by: Some(EmbedderPolicy::RequireCorp) }),
            Gate::Scheme(SchemeError::Unsupported { scheme: "ftp".into() }),
            Gate::Scheme(SchemeError::LocalResource),
            Gate::OpaqueResponseBlocking(OrbBlock { mime: "application/json".into(), step: OrbStep::Sniffed(SniffedAs::Json) }),
        ];
        for gate in gates {
            let fix = gate.fix();
            for header in ["Access-Control-Allow-Origin", "Access-Control-Allow-Headers", "Access-Control-Allow-Methods", "Access-Control-Allow-Credentials"] {
                assert!(!fix.contains(header), "{gate:?}: {fix}");
            }
            assert!(gate.to_string().starts_with("not CORS: "));
        }
    }
}
