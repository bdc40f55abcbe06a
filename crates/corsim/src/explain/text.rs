//! The readable timeline.

use std::fmt::Write;

use super::{CheckState, Explanation, RequestKind, Step};
use crate::request::Initiator;

/// How [`Explanation::to_text`] styles its output.
///
/// ```
/// use corsim::explain::TextStyle;
/// assert_ne!(TextStyle::Plain, TextStyle::Ansi);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextStyle {
    /// No escape sequences (for pipes, files and `NO_COLOR`).
    Plain,
    /// ANSI colours and bold (for terminals).
    Ansi,
}

#[derive(Clone, Copy)]
enum Paint {
    Bold,
    Dim,
    Green,
    Red,
    Yellow,
    Cyan,
}

struct Out {
    style: TextStyle,
    s: String,
}

impl Out {
    fn paint(&self, paint: Paint, text: &str) -> String {
        if self.style == TextStyle::Plain || text.is_empty() {
            return text.to_owned();
        }
        let code = match paint {
            Paint::Bold => "1",
            Paint::Dim => "2",
            Paint::Green => "32",
            Paint::Red => "31",
            Paint::Yellow => "33",
            Paint::Cyan => "36",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }

    fn line(&mut self, text: &str) {
        self.s.push_str(text);
        self.s.push('\n');
    }

    fn heading(&mut self, text: &str) {
        let h = self.paint(Paint::Bold, text);
        self.s.push('\n');
        self.line(&h);
    }

    /// Lines of `block`, each indented and painted.
    fn block(&mut self, indent: &str, paint: Paint, block: &str) {
        for l in block.lines() {
            if l.is_empty() {
                self.line("");
                continue;
            }
            let p = self.paint(paint, l);
            self.line(&format!("{indent}{p}"));
        }
    }
}

pub(crate) fn render(e: &Explanation, style: TextStyle) -> String {
    let mut o = Out { style, s: String::new() };
    let title = o.paint(Paint::Bold, &format!("corsim explain ({})", e.browser.name()));
    o.line(&title);
    o.line(&format!("page    {}", e.page_origin));
    let r = &e.request;
    match r.initiator {
        Initiator::Fetch => {
            o.line(&format!("fetch   {} {}", r.method, r.url));
            let keepalive = if r.keepalive { ", keepalive" } else { "" };
            let declared = r.target_address_space.map(|s| format!(", targetAddressSpace {s}")).unwrap_or_default();
            o.line(&format!("        mode {}, credentials {}, redirect {}{keepalive}{declared}", r.mode, r.credentials, r.redirect));
        }
        Initiator::Xhr => {
            o.line(&format!("xhr     {} {} (XMLHttpRequest)", r.method, r.url));
            let with = r.credentials == crate::request::CredentialsMode::Include;
            let upload = if r.upload_listener { ", an upload listener" } else { "" };
            o.line(&format!("        withCredentials {with} (credentials {}), mode cors{upload}", r.credentials));
        }
        Initiator::Beacon => {
            o.line(&format!("beacon  POST {} (navigator.sendBeacon)", r.url));
            o.line(&format!("        mode {} (from the data's type), credentials include, keepalive", r.mode));
        }
        element => {
            o.line(&format!("{:<7} {} ({})", element.name(), r.url, element.in_words()));
            let attribute = match (element, r.crossorigin) {
                (Initiator::Font, _) if r.mode == crate::request::Mode::Cors => "fonts are fetched with CORS".to_owned(),
                (Initiator::Font, _) => "this browser fetches fonts without CORS".to_owned(),
                (Initiator::ModuleScript, None) => "no crossorigin attribute: module scripts are always fetched with CORS".to_owned(),
                (_, None) => "no crossorigin attribute".to_owned(),
                (_, Some(c)) => format!("crossorigin=\"{}\"", c.name()),
            };
            o.line(&format!("        {attribute}: mode {}, credentials {}", r.mode, r.credentials));
        }
    }
    for (n, v) in &e.request.headers {
        o.line(&format!("        {n}: {v}"));
    }

    o.heading("Classification");
    let kind = o.paint(Paint::Cyan, &e.classification.kind.to_string());
    let summary = match e.classification.kind {
        RequestKind::Preflight => "cross-origin CORS request that needs a preflight".to_owned(),
        _ => e.classification.summary.clone(),
    };
    o.line(&format!("  {kind}: {summary}"));
    if let Some(m) = &e.classification.method {
        o.line(&format!("  - method {m} is not CORS-safelisted (only GET, HEAD and POST are)"));
    }
    for h in &e.classification.headers {
        o.line(&format!("  - header {}: {}", h.name, h.why));
    }

    o.heading("Timeline");
    let mut n = 0;
    let mut first_route = true;
    for step in &e.timeline {
        match step {
            Step::HeaderDropped { name, because } => {
                let why = match because {
                    crate::request::DroppedBecause::Forbidden => "a forbidden request header",
                    crate::request::DroppedBecause::NoCors => "not allowed in mode 'no-cors'",
                };
                let who = if e.request.initiator == Initiator::Xhr { "setRequestHeader() ignores" } else { "fetch() drops" };
                o.line(&format!("  · {who} header {name}: {why}"));
            }
            Step::Routed { url, kind, summary } => {
                if first_route {
                    first_route = false;
                    continue;
                }
                let k = o.paint(Paint::Cyan, &kind.to_string());
                o.line(&format!("  · {url}: {k}: {summary}"));
            }
            Step::CacheLookup { hit, miss, .. } => {
                if *hit {
                    o.line("  · preflight cache: hit, a stored preflight covers this request; no preflight sent");
                } else {
                    o.line(&format!("  · preflight cache: miss ({})", miss.as_deref().unwrap_or("no entry")));
                }
            }
            Step::Exchange(x) => {
                n += 1;
                let what = if x.preflight { "preflight" } else { "request" };
                let head = o.paint(Paint::Bold, &format!("{n}. {what}"));
                o.line(&format!("  {head} {} {}", x.request.method, x.request.url));
                o.block("     > ", Paint::Dim, &x.request.text);
                match &x.response {
                    Some(r) => o.block("     < ", Paint::Dim, &r.text),
                    None => o.line("     < (no response)"),
                }
                for c in &x.checks {
                    let (mark, paint) = match c.state {
                        CheckState::Passed => ("✓", Paint::Green),
                        CheckState::Failed => ("✗", Paint::Red),
                        CheckState::NotReached => ("·", Paint::Dim),
                    };
                    let text = format!("{mark} {}: {}", c.check, c.detail);
                    let p = o.paint(paint, &text);
                    o.line(&format!("     {p}"));
                }
            }
            Step::PreflightStored { max_age_secs, .. } => match max_age_secs {
                Some(s) => o.line(&format!("  · the preflight result is cached for {s} s")),
                None => o.line("  · the preflight result is not cached"),
            },
            Step::Redirected { to, status, method, tainted, .. } => {
                let mut line = format!("  · {status} redirect followed to {to} ({method})");
                if *tainted {
                    line.push_str("; the request's origin is now 'null'");
                }
                o.line(&line);
            }
        }
    }
    if n == 0 {
        o.line("  nothing was sent");
    }

    o.heading("Result");
    let r = &e.result;
    if r.readable {
        let p = o.paint(Paint::Green, &format!("✓ {}", r.summary));
        o.line(&format!("  {p}"));
        if !r.hidden_headers.is_empty() {
            o.line(&format!(
                "  hidden from script: {} (list them in Access-Control-Expose-Headers to expose them)",
                r.hidden_headers.join(", ")
            ));
        }
    } else {
        let p = o.paint(Paint::Red, &format!("✗ {}", r.summary));
        o.line(&format!("  {p}"));
        if let Some(f) = &r.failure {
            if let Some(err) = f.cors_error {
                let mut line = format!("  reason {err}");
                if let Some(v) = &f.failed_value {
                    line.push_str(&format!(" ('{v}')"));
                }
                line.push_str(&format!(" at {}", f.url));
                o.line(&line);
                // Reported as a CORS error, decided by a check around CORS.
                if let Some(not_cors) = &f.not_cors {
                    o.line(&format!("  {}: the browser reports it as a CORS error, and no CORS header changes it", not_cors.check));
                }
            }
        }
    }

    if !e.console.is_empty() {
        o.heading("Console");
        for m in &e.console {
            o.line(&format!("  {}", m.trim_end()));
        }
    }

    if let Some(fix) = &e.fix {
        o.heading("Fix");
        for s in &fix.steps {
            let name = o.paint(Paint::Bold, &s.failure);
            o.line(&format!("  - {name}: {}", s.why));
            o.line(&format!("    fix: {}", s.change));
        }
        if let Some(change) = &fix.request_change {
            o.line("");
            o.line(&format!("  In the page: fetch(url, {{ {change} }})"));
            for why in &change.why {
                o.line(&format!("    because {why}"));
            }
        }
        for p in &fix.patches {
            o.line("");
            let t = p.target();
            o.line(&format!("  On {t}:"));
            if let Some(s) = &p.status {
                let line = o.paint(Paint::Yellow, &format!("~ status {} (was {})", s.to, s.from));
                o.line(&format!("    {line}"));
            }
            for c in &p.headers {
                let paint = match (&c.from, &c.to) {
                    (None, Some(_)) => Paint::Green,
                    (Some(_), Some(_)) => Paint::Yellow,
                    _ => Paint::Red,
                };
                let line = o.paint(paint, &c.to_string());
                o.line(&format!("    {line}"));
            }
        }
        o.line("");
        let mark = match fix.verified {
            Some(true) => o.paint(Paint::Green, "✓ verified:"),
            Some(false) => o.paint(Paint::Red, "✗ not verified:"),
            None => o.paint(Paint::Yellow, "? unverified:"),
        };
        let v = fix.verification.trim_start_matches("not verified: ");
        o.line(&format!("  {mark} {v}"));
        for note in &fix.notes {
            o.line(&format!("  note: {note}"));
        }
        for c in &fix.configs {
            o.heading(&format!("Configuration: {} ({})", c.server, c.library));
            let mut block = String::new();
            let _ = write!(block, "{}", c.snippet);
            o.block("  ", Paint::Cyan, &block);
            for change in &c.changes {
                o.line(&format!("  and: {change}"));
            }
            let mark = match c.verified {
                Some(true) => o.paint(Paint::Green, "✓ verified:"),
                Some(false) => o.paint(Paint::Red, "✗ not verified:"),
                None => o.paint(Paint::Yellow, "? unverified:"),
            };
            o.line(&format!("  {mark} {}", c.verification.trim_start_matches("not verified: ")));
        }
    }
    o.s
}
