//! Reading console messages back: the inverse of [`super::messages`], built
//! from the same templates ([`super::templates`]), so a text the engine writes
//! is a text it reads.
//!
//! A user pastes what the console showed: one or more messages from any of the
//! three browsers, follow-ups included ("Failed to load resource:
//! net::ERR_FAILED", "CORS request did not succeed", "Fetch API cannot load …
//! due to access control checks."), often wrapped over several lines, with
//! source locations or "Uncaught (in promise)" around them. Whitespace is
//! collapsed, then every template is looked for anywhere in the text; where
//! two matches overlap the earlier (then the longer) one wins, so an envelope
//! wins over the reason inside it. Text no template matches is kept as
//! [`Reading::unrecognized`].
//!
//! Matching uses `regex-lite`, whose time is linear in the text's length.

use regex_lite::{Captures, Regex};

use super::templates::*;
use crate::error::CorsError;
use crate::profile::Browser;

/// Which template a message matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum MessageKind {
    /// Chromium's "Access to … has been blocked by CORS policy: …", with the
    /// reason's representative error (the preflight twin when the preflight
    /// prefix was there: see [`Message::cors_error`]).
    ChromiumBlocked(CorsError),
    /// Chromium's "Fetch API cannot load …" for mode `same-origin`.
    ChromiumSameOriginMode,
    /// Chromium's "Fetch API cannot load …" for `no-cors` with a redirect mode other than `follow`.
    ChromiumNoCorsRedirect,
    /// Chromium's "Failed to load resource: net::…".
    ChromiumFailedToLoad,
    /// Chromium's "Failed to load resource: the server responded with a status of …".
    ChromiumFailedStatus,
    /// Chromium's "Unsafe attempt to load URL …".
    ChromiumUnsafeAttempt,
    /// DevTools' network line, `GET https://… net::ERR_FAILED 200 (OK)`.
    ChromiumNetworkLine,
    /// What `fetch()` rejected with.
    Rejection,
    /// A Firefox "Cross-Origin Request Blocked" message.
    Firefox(FirefoxKey),
    /// Firefox's "Security Error: Content at … may not load data from …".
    FirefoxSecurityError,
    /// Firefox's "Security Error: Content at … may not load data from …" (or
    /// "… may not load or link to …") for a redirect to a `blob:` (or
    /// `file:`) URL.
    FirefoxRedirectSecurityError,
    /// A WebKit security message; `redirect` when it came inside
    /// "Cross-origin redirection to … denied by Cross-Origin Resource Sharing policy:".
    WebKit {
        /// The message.
        message: WebKitMessage,
        /// Whether it was about a redirect.
        redirect: bool,
    },
    /// WebKit's "… cannot load … due to access control checks."
    WebKitAccessControlChecks,
    /// WebKit's "Fetch API cannot load …." (mode `same-origin`).
    WebKitCannotLoad,
    /// A message about a check around CORS: not a CORS error.
    Gate(GateMessage),
    /// A line about what an element or `XMLHttpRequest` refused for a
    /// reason other than CORS (a script's or stylesheet's MIME type,
    /// Firefox's font loader's error status, a header `setRequestHeader()`
    /// will not set). Not a CORS error.
    Refused(Refusal),
    /// Firefox's font loader's line after a font's CORS failure ("bad URI
    /// or cross-site access not allowed"): it names the initiator, a font.
    FirefoxFontFailed,
    /// WebKit's line after an image's CORS failure, "Cannot load image …
    /// due to access control checks.": it names the initiator, an image.
    WebKitImageDenied,
    /// WebKit's line after a classic script's CORS failure: it names the
    /// initiator, a script, and no URL.
    WebKitScriptDenied,
    /// WebKit's line after a beacon's CORS failure, "Beacon API cannot load
    /// …. " and the reason again: it names the initiator, a beacon.
    WebKitBeaconDenied,
}

/// What a [`MessageKind::Refused`] line says was refused, and by what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub enum Refusal {
    /// `XMLHttpRequest`'s `setRequestHeader()` ignored a forbidden header (`{hint}`).
    UnsafeHeader,
    /// A classic script of a MIME type never executed (`{hint}`).
    ScriptNotExecutable,
    /// A classic script sent with `nosniff` and a MIME type that is not
    /// JavaScript (`{hint}`, when the line names it).
    ScriptStrictMime,
    /// Firefox's `nosniff` line, said of a script or a stylesheet alike.
    StrictMime,
    /// A module script whose MIME type is not JavaScript (`{hint}`).
    ModuleMime,
    /// A stylesheet whose MIME type is not `text/css` (`{hint}`, when the line names it).
    StylesheetMime,
    /// A stylesheet sent with `nosniff` and a MIME type that is not `text/css`.
    StylesheetStrictMime,
    /// Firefox's font loader: the font's answer had an error status.
    FontStatus,
}

/// One recognized console message and the values in its slots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Values {
    /// What made the request (`fetch`, `XMLHttpRequest`, `script`, … or WebKit's `Fetch API`).
    pub initiator: Option<String>,
    /// The URL being fetched when it failed.
    pub url: Option<String>,
    /// The URL script asked for, when a redirect led elsewhere.
    pub first_url: Option<String>,
    /// The origin named in the message.
    pub origin: Option<String>,
    /// The failed value, as the browser printed it.
    pub hint: Option<String>,
    /// A status code, as printed (`(null)` or empty when the browser had none).
    pub status: Option<String>,
    /// A status code's reason phrase.
    pub status_text: Option<String>,
    /// Where a redirect pointed.
    pub location: Option<String>,
    /// Where a redirect pointed, credentials included.
    pub redirect_url: Option<String>,
    /// A Chromium network error name.
    pub net_error: Option<String>,
    /// The request's method.
    pub method: Option<String>,
    /// The page's URL.
    pub page: Option<String>,
    /// An IP address space.
    pub address_space: Option<String>,
    /// The address space `fetch()`'s `targetAddressSpace` declared.
    pub declared_address_space: Option<String>,
}

/// One console message, recognized.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Message {
    /// The browser that writes it.
    pub browser: Browser,
    /// Which template it matched.
    pub kind: MessageKind,
    /// Its text, whitespace collapsed.
    pub text: String,
    /// The values in its slots.
    pub values: Values,
    /// Chromium: whether "Response to preflight request doesn't pass access
    /// control check:" was there.
    pub preflight_check: bool,
    /// The other browsers that write this very text (Chromium's and WebKit's
    /// "Refused to set unsafe header …"), when no other message of the
    /// paste, nor the browser the reader was told, says whose it is: the
    /// message is [`Message::browser`]'s only by the order of the templates.
    pub also: Vec<Browser>,
}

impl Message {
    /// Chromium's reason, when this is Chromium's CORS message.
    pub fn cors_error(&self) -> Option<CorsError> {
        match self.kind {
            MessageKind::ChromiumBlocked(e) if self.preflight_check => Some(e.for_preflight()),
            MessageKind::ChromiumBlocked(e) => Some(e),
            MessageKind::ChromiumSameOriginMode => Some(CorsError::DisallowedByMode),
            MessageKind::ChromiumNoCorsRedirect => Some(CorsError::NoCorsRedirectModeNotFollow),
            _ => None,
        }
    }
}

/// What a paste held: the messages recognized, in order, and the text no
/// template matched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Reading {
    /// The messages, in the order pasted.
    pub messages: Vec<Message>,
    /// Pieces of text between them that are no known message (source
    /// locations, "Uncaught (in promise)", messages corsim does not know).
    pub unrecognized: Vec<String>,
}

/// One template, flattened (its nested templates written in) and compiled.
struct Form {
    browser: Browser,
    kind: MessageKind,
    regex: Regex,
    /// The last slot is `{hint}`: it runs to the next message.
    open_end: bool,
    /// Texts every match holds (the longest literal of the template and of
    /// its reason): a paste without one of them is not searched.
    needles: Vec<String>,
}

/// The compiled templates. Build it once ([`Parser::new`]) and read many
/// pastes with it; [`parse`] builds one for a single paste.
pub struct Parser {
    forms: Vec<Form>,
}

impl std::fmt::Debug for Parser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parser")
            .field("forms", &self.forms.len())
            .finish()
    }
}

/// The pattern a value slot's text has.
fn value_pattern(slot: Slot) -> &'static str {
    match slot {
        Slot::Url | Slot::FirstUrl | Slot::Location | Slot::RedirectUrl => {
            r"[A-Za-z][A-Za-z0-9+.\-]*:\S*"
        }
        Slot::Origin => r"null|[A-Za-z][A-Za-z0-9+.\-]*://\S+",
        Slot::Hint => r".*?",
        Slot::Status => r"(?:\d+|\(null\))?",
        Slot::StatusText => r"[^()]*",
        Slot::Page => r"[A-Za-z][A-Za-z0-9+.\-]*:\S*",
        Slot::AddressSpace | Slot::DeclaredAddressSpace => r"[a-z]+",
        Slot::Port => r"\d+",
        Slot::Scheme => r"[A-Za-z][A-Za-z0-9+.\-]*",
        // Chromium's name, and the detail DevTools puts after a dot
        // (`net::ERR_BLOCKED_BY_RESPONSE.NotSameOrigin`).
        Slot::NetError => r"net::ERR_[A-Z0-9_]+(?:\.[A-Za-z]+)?",
        Slot::Method => r"[A-Z][A-Z\-]*",
        // Nested templates and initiators are given by each form.
        _ => r".*?",
    }
}

/// One of several texts, escaped.
fn one_of(texts: &[&str]) -> String {
    let alternatives: Vec<String> = texts.iter().map(|t| literal(t)).collect();
    format!("(?:{})", alternatives.join("|"))
}

/// A literal text as a pattern: escaped, its whitespace collapsed as the paste's is.
fn literal(text: &str) -> String {
    let words: Vec<String> = text.split_whitespace().map(regex_lite::escape).collect();
    if words.is_empty() {
        return if text.is_empty() { String::new() } else { " ".to_owned() };
    }
    let mut out = words.join(" ");
    if text.starts_with(char::is_whitespace) {
        out.insert(0, ' ');
    }
    if text.ends_with(char::is_whitespace) {
        out.push(' ');
    }
    out
}

/// The longest literal text of a template, its whitespace collapsed.
fn needle(text: &str) -> String {
    pieces(text)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Literal(l) => Some(l.split_whitespace().collect::<Vec<_>>().join(" ")),
            Piece::Slot(_) => None,
        })
        .max_by_key(String::len)
        .unwrap_or_default()
}

/// A template as a pattern: each value slot a named group, each nested
/// slot (and `{initiator}`) what `nested` gives.
fn pattern(text: &str, nested: &dyn Fn(Slot) -> Option<String>) -> String {
    let mut out = String::new();
    for piece in pieces(text) {
        match piece {
            Piece::Literal(l) => out.push_str(&literal(l)),
            Piece::Slot(slot) => match nested(slot) {
                Some(p) => out.push_str(&p),
                None => out.push_str(&format!("(?P<{}>{})", slot.name(), value_pattern(slot))),
            },
        }
    }
    out
}

/// The pattern of a nested slot of [`CHROMIUM_BLOCKED`] other than its reason.
fn chromium_envelope_slot(slot: Slot) -> Option<String> {
    match slot {
        Slot::Initiator => Some(format!("(?P<initiator>{})", one_of(&CHROMIUM_INITIATORS))),
        Slot::Redirected => Some(format!("(?:{})?", pattern(CHROMIUM_REDIRECTED_FROM, &|_| None))),
        Slot::Preflight => Some(format!("(?P<preflight>{})?", literal(CHROMIUM_PREFLIGHT_CHECK))),
        _ => None,
    }
}

impl Parser {
    /// Compile every template of every browser.
    pub fn new() -> Parser {
        let mut forms = Vec::new();
        let mut add = |browser: Browser,
                       kind: MessageKind,
                       text: &str,
                       reason: Option<&str>,
                       nested: &dyn Fn(Slot) -> Option<String>| {
            let needles = [Some(text), reason].into_iter().flatten().map(needle).filter(|n| !n.is_empty()).collect();
            let source = pattern(text.trim_end(), nested);
            let open_end = source.ends_with(&format!("(?P<hint>{})", value_pattern(Slot::Hint)));
            // Every pattern is built from escaped text and the fixed
            // patterns above, so it compiles; a template that did not would
            // be left out rather than stop the reader.
            if let Ok(regex) = Regex::new(&source) {
                forms.push(Form {
                    browser,
                    kind,
                    regex,
                    open_end,
                    needles,
                });
            }
        };
        let none = |_: Slot| None;

        // Chromium: one form per distinct reason text.
        let mut seen: Vec<&str> = Vec::new();
        for error in CorsError::ALL {
            let reason = chromium_reason(error);
            if seen.contains(&reason) || error == CorsError::NoCorsRedirectModeNotFollow {
                continue;
            }
            seen.push(reason);
            let nested = |slot: Slot| match slot {
                Slot::Reason => Some(pattern(reason, &|slot| match slot {
                    Slot::Suffix => Some(format!(
                        "{}?",
                        one_of(&[
                            CHROMIUM_LEGACY_VALUE_SUFFIX,
                            CHROMIUM_FETCH_VALUE_SUFFIX,
                            CHROMIUM_XHR_CREDENTIALS_SUFFIX,
                            CHROMIUM_LEGACY_OPAQUE_SUFFIX,
                        ])
                    )),
                    _ => None,
                })),
                other => chromium_envelope_slot(other),
            };
            add(
                Browser::Chromium,
                MessageKind::ChromiumBlocked(error),
                CHROMIUM_BLOCKED,
                Some(reason),
                &nested,
            );
        }
        for (kind, reason) in [
            (
                MessageKind::ChromiumSameOriginMode,
                CHROMIUM_SAME_ORIGIN_MODE,
            ),
            (
                MessageKind::ChromiumNoCorsRedirect,
                chromium_reason(CorsError::NoCorsRedirectModeNotFollow),
            ),
        ] {
            let nested = |slot: Slot| (slot == Slot::Reason).then(|| pattern(reason, &none));
            add(
                Browser::Chromium,
                kind,
                CHROMIUM_FETCH_API_CANNOT_LOAD,
                Some(reason),
                &nested,
            );
        }
        add(
            Browser::Chromium,
            MessageKind::ChromiumFailedToLoad,
            CHROMIUM_FAILED_TO_LOAD,
            None,
            &none,
        );
        add(
            Browser::Chromium,
            MessageKind::ChromiumFailedStatus,
            CHROMIUM_FAILED_STATUS,
            None,
            &none,
        );
        add(
            Browser::Chromium,
            MessageKind::ChromiumUnsafeAttempt,
            CHROMIUM_UNSAFE_ATTEMPT,
            None,
            &none,
        );
        let network = |slot: Slot| {
            (slot == Slot::Response)
                .then(|| format!("(?:{})?", pattern(CHROMIUM_NETWORK_STATUS, &none)))
        };
        add(
            Browser::Chromium,
            MessageKind::ChromiumNetworkLine,
            CHROMIUM_NETWORK_LINE,
            None,
            &network,
        );

        // Firefox: one form per key.
        for key in FirefoxKey::ALL {
            let nested = |slot: Slot| match slot {
                Slot::Resource => Some(pattern(key.resource(), &none)),
                Slot::Reason => Some(pattern(key.reason(), &none)),
                _ => None,
            };
            add(
                Browser::Firefox,
                MessageKind::Firefox(key),
                FIREFOX_BLOCKED,
                Some(key.reason()),
                &nested,
            );
        }
        add(
            Browser::Firefox,
            MessageKind::FirefoxSecurityError,
            FIREFOX_SECURITY_ERROR,
            None,
            &none,
        );
        for text in [FIREFOX_REDIRECT_SECURITY_ERROR, FIREFOX_REDIRECT_LINK_ERROR] {
            add(Browser::Firefox, MessageKind::FirefoxRedirectSecurityError, text, None, &none);
        }

        // The checks around CORS: Chromium words Local Network Access in its
        // CORS envelope; the others are lines of their own.
        for message in GateMessage::ALL {
            let kind = MessageKind::Gate(message);
            match message {
                GateMessage::ChromiumLnaInsecureContext
                | GateMessage::ChromiumLnaPermissionDenied
                | GateMessage::ChromiumLnaAddressSpaceMismatch => {
                    let nested = |slot: Slot| match slot {
                        Slot::Reason => Some(pattern(message.text(), &none)),
                        other => chromium_envelope_slot(other),
                    };
                    add(message.browser(), kind, CHROMIUM_BLOCKED, Some(message.text()), &nested);
                }
                // A refused response that redirected: inside WebKit's redirection envelope too.
                GateMessage::WebKitCorp => {
                    add(message.browser(), kind, message.text(), None, &none);
                    let nested = |slot: Slot| (slot == Slot::Reason).then(|| pattern(message.text(), &none));
                    add(message.browser(), kind, WEBKIT_REDIRECTION_DENIED, Some(message.text()), &nested);
                }
                _ => add(message.browser(), kind, message.text(), None, &none),
            }
        }

        // WebKit: each message alone, and inside the redirection envelope where it can be.
        for message in WebKitMessage::ALL {
            add(
                Browser::WebKit,
                MessageKind::WebKit {
                    message,
                    redirect: false,
                },
                message.text(),
                None,
                &none,
            );
            if message.can_follow_redirect() {
                let nested =
                    |slot: Slot| (slot == Slot::Reason).then(|| pattern(message.text(), &none));
                add(
                    Browser::WebKit,
                    MessageKind::WebKit {
                        message,
                        redirect: true,
                    },
                    WEBKIT_REDIRECTION_DENIED,
                    Some(message.text()),
                    &nested,
                );
            }
        }
        let loaders = |slot: Slot| {
            (slot == Slot::Initiator).then(|| {
                format!(
                    "(?P<initiator>{})",
                    one_of(&["Fetch API", "XMLHttpRequest", "EventSource"])
                )
            })
        };
        add(
            Browser::WebKit,
            MessageKind::WebKitAccessControlChecks,
            WEBKIT_ACCESS_CONTROL_CHECKS,
            None,
            &loaders,
        );
        add(
            Browser::WebKit,
            MessageKind::WebKitCannotLoad,
            WEBKIT_CANNOT_LOAD,
            None,
            &none,
        );

        for browser in [Browser::Chromium, Browser::Firefox, Browser::WebKit] {
            add(browser, MessageKind::Rejection, rejection(browser), None, &none);
        }

        // What an element or XMLHttpRequest refused, other than by CORS.
        // (WebKit's stylesheet line is said with `nosniff` or without.)
        let refusals: [(Browser, Refusal, &str); 15] = [
            (Browser::Chromium, Refusal::UnsafeHeader, REFUSED_UNSAFE_HEADER),
            (Browser::WebKit, Refusal::UnsafeHeader, REFUSED_UNSAFE_HEADER),
            (Browser::Chromium, Refusal::ScriptNotExecutable, CHROMIUM_SCRIPT_NOT_EXECUTABLE),
            (Browser::Chromium, Refusal::ScriptStrictMime, CHROMIUM_SCRIPT_STRICT_MIME),
            (Browser::Chromium, Refusal::StylesheetStrictMime, CHROMIUM_STYLESHEET_STRICT_MIME),
            (Browser::Chromium, Refusal::ModuleMime, CHROMIUM_MODULE_STRICT_MIME),
            (Browser::Firefox, Refusal::StrictMime, FIREFOX_NOSNIFF_MISMATCH),
            (Browser::Firefox, Refusal::ScriptNotExecutable, FIREFOX_SCRIPT_WRONG_MIME),
            (Browser::Firefox, Refusal::ModuleMime, FIREFOX_MODULE_WRONG_MIME),
            (Browser::Firefox, Refusal::StylesheetMime, FIREFOX_STYLESHEET_NOT_CSS),
            (Browser::Firefox, Refusal::FontStatus, FIREFOX_FONT_STATUS_FAILED),
            (Browser::WebKit, Refusal::ScriptStrictMime, WEBKIT_SCRIPT_NOSNIFF),
            (Browser::WebKit, Refusal::ScriptNotExecutable, WEBKIT_SCRIPT_WRONG_MIME),
            (Browser::WebKit, Refusal::StylesheetMime, WEBKIT_STYLESHEET_NOT_CSS),
            (Browser::WebKit, Refusal::ModuleMime, WEBKIT_MODULE_WRONG_MIME),
        ];
        for (browser, refusal, text) in refusals {
            add(browser, MessageKind::Refused(refusal), text, None, &none);
        }
        add(Browser::Firefox, MessageKind::FirefoxFontFailed, FIREFOX_FONT_DOWNLOAD_FAILED, None, &none);
        add(Browser::WebKit, MessageKind::WebKitImageDenied, WEBKIT_IMAGE_ACCESS_CONTROL_CHECKS, None, &none);
        add(Browser::WebKit, MessageKind::WebKitScriptDenied, WEBKIT_SCRIPT_DENIED, None, &none);
        for message in WebKitMessage::ALL {
            let nested = |slot: Slot| (slot == Slot::Reason).then(|| pattern(message.text(), &none));
            add(Browser::WebKit, MessageKind::WebKitBeaconDenied, WEBKIT_BEACON_CANNOT_LOAD, Some(message.text()), &nested);
        }
        Parser { forms }
    }

    /// Read a paste: every message in it, in order, and what is left over.
    ///
    /// ```
    /// use corsim::console::parse::{MessageKind, Parser};
    /// let reading = Parser::new().read(
    ///     "Access to fetch at 'https://api.example/x' from origin 'https://app.example' has been
    ///      blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the
    ///      requested resource.\nGET https://api.example/x net::ERR_FAILED 200 (OK)");
    /// assert_eq!(reading.messages.len(), 2);
    /// assert_eq!(reading.messages[0].values.origin.as_deref(), Some("https://app.example"));
    /// assert_eq!(reading.messages[1].kind, MessageKind::ChromiumNetworkLine);
    /// assert_eq!(reading.messages[1].values.status.as_deref(), Some("200"));
    /// ```
    pub fn read(&self, paste: &str) -> Reading {
        self.read_from(paste, None)
    }

    /// [`Parser::read`], where a text two browsers share word for word
    /// (and no other message of the paste says whose it is) is `browser`'s.
    pub fn read_from(&self, paste: &str, browser: Option<Browser>) -> Reading {
        let text = paste.split_whitespace().collect::<Vec<_>>().join(" ");
        // Every match of every form, earliest first, longest first.
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for (i, form) in self.forms.iter().enumerate() {
            if !form.needles.iter().all(|n| text.contains(n.as_str())) {
                continue;
            }
            for m in form.regex.find_iter(&text) {
                if m.end() > m.start() {
                    found.push((m.start(), m.end(), i));
                }
            }
        }
        found.sort_by_key(|&(start, end, i)| (start, std::cmp::Reverse(end), i));
        let mut chosen: Vec<(usize, usize, usize)> = Vec::new();
        // Forms that read the same span as a chosen one: a text two browsers
        // share word for word ([`LOCAL_RESOURCE`]).
        let mut alike: Vec<Vec<usize>> = Vec::new();
        for f in found {
            match chosen.last() {
                Some(last) if (f.0, f.1) == (last.0, last.1) => alike.last_mut().into_iter().for_each(|a| a.push(f.2)),
                Some(last) if f.0 < last.1 => {}
                _ => {
                    chosen.push(f);
                    alike.push(Vec::new());
                }
            }
        }
        // A shared text is the browser's whose other messages surround it
        // (or the browser the reader was told); failing both, it is
        // undecided, and says which browsers it could be.
        let browser_of = |i: usize| self.forms[i].browser;
        let mut undecided: Vec<Vec<Browser>> = vec![Vec::new(); chosen.len()];
        for n in 0..chosen.len() {
            if alike[n].is_empty() {
                continue;
            }
            let others = chosen.iter().enumerate().filter(|&(m, _)| m != n && alike[m].is_empty()).map(|(_, c)| browser_of(c.2));
            let context = others.clone().next().filter(|b| others.clone().all(|o| o == *b)).or(browser);
            match context.and_then(|c| std::iter::once(chosen[n].2).chain(alike[n].iter().copied()).find(|&i| browser_of(i) == c)) {
                Some(i) => chosen[n].2 = i,
                // No browser, or one that does not write this text.
                None => {
                    let first = browser_of(chosen[n].2);
                    for &i in &alike[n] {
                        if browser_of(i) != first && !undecided[n].contains(&browser_of(i)) {
                            undecided[n].push(browser_of(i));
                        }
                    }
                }
            }
        }
        let mut reading = Reading::default();
        let mut at = 0;
        for (n, &(start, end, i)) in chosen.iter().enumerate() {
            let form = &self.forms[i];
            // An open end runs to the next message, or the end of the paste.
            let end = if form.open_end {
                chosen.get(n + 1).map_or(text.len(), |next| next.0)
            } else {
                end
            };
            let piece = text[start..end].trim_end();
            keep_unrecognized(&mut reading, &text[at..start]);
            at = start + piece.len();
            let Some(caps) = form.regex.captures(piece) else {
                continue;
            };
            let mut values = values(&caps);
            if form.open_end {
                let hint_start = caps.name("hint").map_or(piece.len(), |m| m.start());
                values.hint = Some(piece[hint_start..].to_owned());
            }
            reading.messages.push(Message {
                browser: form.browser,
                kind: form.kind,
                text: piece.to_owned(),
                values,
                preflight_check: caps.name("preflight").is_some(),
                also: std::mem::take(&mut undecided[n]),
            });
        }
        keep_unrecognized(&mut reading, &text[at..]);
        reading
    }
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new()
    }
}

fn keep_unrecognized(reading: &mut Reading, gap: &str) {
    let gap = gap.trim();
    if !gap.is_empty() {
        reading.unrecognized.push(gap.to_owned());
    }
}

fn values(caps: &Captures<'_>) -> Values {
    let get = |slot: Slot| caps.name(slot.name()).map(|m| m.as_str().to_owned());
    Values {
        initiator: get(Slot::Initiator),
        url: get(Slot::Url),
        first_url: get(Slot::FirstUrl),
        origin: get(Slot::Origin),
        hint: get(Slot::Hint),
        status: get(Slot::Status),
        status_text: get(Slot::StatusText),
        location: get(Slot::Location),
        redirect_url: get(Slot::RedirectUrl),
        net_error: get(Slot::NetError),
        method: get(Slot::Method),
        page: get(Slot::Page),
        address_space: get(Slot::AddressSpace),
        declared_address_space: get(Slot::DeclaredAddressSpace),
    }
}

/// Read one paste with a fresh [`Parser`].
///
/// ```
/// use corsim::console::parse::{parse, MessageKind};
/// use corsim::console::templates::FirefoxKey;
/// let r = parse("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote \
///     resource at https://api.example/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). \
///     Status code: 404. [Learn More]");
/// assert_eq!(r.messages[0].kind, MessageKind::Firefox(FirefoxKey::MissingAllowOrigin));
/// assert_eq!(r.messages[0].values.status.as_deref(), Some("404"));
/// assert_eq!(r.unrecognized, ["[Learn More]"]);
/// ```
pub fn parse(paste: &str) -> Reading {
    Parser::new().read(paste)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::chromium_blocked;

    /// Every Chromium reason, for every initiator, redirected or not, reads
    /// back to its reason, URLs, origin, initiator and value.
    #[test]
    fn every_chromium_message_reads_back() {
        let parser = Parser::new();
        let skip = [CorsError::DisallowedByMode, CorsError::NoCorsRedirectModeNotFollow];
        for error in CorsError::ALL.into_iter().filter(|e| !skip.contains(e)) {
            for initiator in CHROMIUM_INITIATORS {
                for from in [None, Some("https://a.example/start?x=1")] {
                    let hint = "it's a 'value', with spaces";
                    let text = chromium_blocked(initiator, "https://api.example/p?q='1'", from, "https://app.example", error, hint);
                    let r = parser.read(&text);
                    assert_eq!(r.messages.len(), 1, "{text}");
                    assert!(r.unrecognized.is_empty(), "{text}: {:?}", r.unrecognized);
                    let m = &r.messages[0];
                    assert_eq!(m.cors_error(), Some(error), "{text}");
                    assert_eq!(m.values.initiator.as_deref(), Some(initiator));
                    assert_eq!(m.values.url.as_deref(), Some("https://api.example/p?q='1'"));
                    assert_eq!(m.values.first_url.as_deref(), from);
                    assert_eq!(m.values.origin.as_deref(), Some("https://app.example"));
                    // The scheme list is no failing value: Chromium prints its own list.
                    if chromium_reason(error).contains("{hint}") && error != CorsError::CorsDisabledScheme {
                        assert_eq!(m.values.hint.as_deref(), Some(hint), "{text}");
                    }
                }
            }
        }
    }

    /// As users paste it: wrapped, with source locations, the DevTools
    /// network line and the rejection, an older Chromium's sentence.
    #[test]
    fn a_paste_as_users_make_it() {
        let paste = "(index):1 Access to fetch at 'https://api.example.com/data' from origin
            'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't
            pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested
            resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch
            the resource with CORS disabled.
            app.js:12  POST https://api.example.com/data net::ERR_FAILED
            app.js:14 Uncaught (in promise) TypeError: Failed to fetch
                at app.js:12:3";
        let r = parse(paste);
        let kinds: Vec<MessageKind> = r.messages.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            [
                MessageKind::ChromiumBlocked(CorsError::MissingAllowOriginHeader),
                MessageKind::ChromiumNetworkLine,
                MessageKind::Rejection
            ]
        );
        assert!(r.messages[0].preflight_check);
        assert_eq!(r.messages[1].values.method.as_deref(), Some("POST"));
        assert_eq!(r.unrecognized, ["(index):1", "app.js:12", "app.js:14 Uncaught (in promise)", "at app.js:12:3"]);
    }

    /// WebKit's open-ended value runs to the next message, spaces and all.
    #[test]
    fn webkit_value_at_the_end() {
        let r = parse(
            "Header Access-Control-Allow-Methods has an invalid value: GET PATCH\n\
             Fetch API cannot load https://api.example/x due to access control checks.",
        );
        assert_eq!(r.messages[0].values.hint.as_deref(), Some("GET PATCH"));
        assert_eq!(r.messages[1].values.url.as_deref(), Some("https://api.example/x"));
    }

    /// The element and XHR lines around CORS read whole, each as its
    /// browser's, and the follow-ups that name an initiator say which.
    #[test]
    fn element_lines_read_back() {
        let url = "https://api.example/a?b='1'";
        let fill_url = |text: &str, hint: &str| fill(text, &[(Slot::Url, url), (Slot::Hint, hint)]);
        let beacon = fill(
            WEBKIT_BEACON_CANNOT_LOAD,
            &[(Slot::Url, url), (Slot::Reason, "Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.")],
        );
        let cases: Vec<(Browser, String, MessageKind, Option<&str>)> = vec![
            (Browser::Chromium, fill_url(CHROMIUM_SCRIPT_NOT_EXECUTABLE, "audio/mpeg"), MessageKind::Refused(Refusal::ScriptNotExecutable), Some(url)),
            (Browser::Chromium, fill_url(CHROMIUM_SCRIPT_STRICT_MIME, "text/plain"), MessageKind::Refused(Refusal::ScriptStrictMime), Some(url)),
            (Browser::Chromium, fill_url(CHROMIUM_STYLESHEET_STRICT_MIME, "text/plain"), MessageKind::Refused(Refusal::StylesheetStrictMime), Some(url)),
            (Browser::Chromium, fill_url(CHROMIUM_MODULE_STRICT_MIME, "text/plain"), MessageKind::Refused(Refusal::ModuleMime), None),
            (Browser::Firefox, fill_url(FIREFOX_FONT_DOWNLOAD_FAILED, "f"), MessageKind::FirefoxFontFailed, Some(url)),
            (Browser::Firefox, fill_url(FIREFOX_FONT_STATUS_FAILED, "f"), MessageKind::Refused(Refusal::FontStatus), Some(url)),
            (Browser::Firefox, fill_url(FIREFOX_STYLESHEET_NOT_CSS, "text/plain"), MessageKind::Refused(Refusal::StylesheetMime), Some(url)),
            (Browser::WebKit, fill_url(WEBKIT_IMAGE_ACCESS_CONTROL_CHECKS, ""), MessageKind::WebKitImageDenied, Some(url)),
            (Browser::WebKit, WEBKIT_SCRIPT_DENIED.to_owned(), MessageKind::WebKitScriptDenied, None),
            (Browser::WebKit, beacon, MessageKind::WebKitBeaconDenied, Some(url)),
            (Browser::WebKit, fill_url(WEBKIT_MODULE_WRONG_MIME, "text/plain"), MessageKind::Refused(Refusal::ModuleMime), None),
        ];
        let parser = Parser::new();
        for (browser, text, kind, want_url) in cases {
            let r = parser.read(&text);
            assert!(r.unrecognized.is_empty(), "{text}: {:?}", r.unrecognized);
            assert_eq!(r.messages.len(), 1, "{text}");
            assert_eq!((r.messages[0].browser, r.messages[0].kind), (browser, kind), "{text}");
            assert_eq!(r.messages[0].values.url.as_deref(), want_url, "{text}");
        }
    }

    #[test]
    fn text_that_is_no_message_is_left_over() {
        let r = parse("Mixed Content: The page at 'https://a.example/' was loaded over HTTPS");
        assert!(r.messages.is_empty());
        assert_eq!(r.unrecognized.len(), 1);
        assert!(parse("").messages.is_empty());
    }

    /// Any text, and real messages cut or spliced anywhere: no panic, and
    /// every message found lies inside the text.
    mod any_text {
        use super::*;
        use proptest::prelude::*;
        use std::sync::OnceLock;

        fn parser() -> &'static Parser {
            static PARSER: OnceLock<Parser> = OnceLock::new();
            PARSER.get_or_init(Parser::new)
        }

        const REAL: &str = "Access to fetch at 'https://a.example/x' (redirected from 'https://b.example/') from origin 'https://c.example' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'x' that is not equal to the supplied origin. Have the server send the header with a valid value.\nCross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://a.example/x. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘x’).\nHeader Access-Control-Allow-Methods has an invalid value: GET PATCH\nFetch API cannot load https://a.example/x due to access control checks.";

        proptest! {
            #[test]
            fn reads_any_text(text in "\\PC{0,300}") {
                let r = parser().read(&text);
                let f = r.facts();
                let _ = f.story();
                #[cfg(feature = "serde")]
                let _ = f.scenario();
            }

            #[test]
            fn reads_real_messages_cut_anywhere(a in 0usize..1000, b in 0usize..1000, junk in "\\PC{0,20}") {
                let chars: Vec<char> = REAL.chars().collect();
                let (a, b) = (a.min(chars.len()), b.min(chars.len()));
                let text: String = chars[..a.min(b)].iter().chain(junk.chars().collect::<Vec<_>>().iter()).chain(chars[a.max(b)..].iter()).collect();
                let r = parser().read(&text);
                let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
                for m in &r.messages {
                    prop_assert!(collapsed.contains(&m.text));
                }
                let f = r.facts();
                let _ = f.story();
                #[cfg(feature = "serde")]
                let _ = f.scenario();
            }
        }
    }
}
