//! Apache httpd (2.4) configured as the common guides do it: `Header`
//! lines of mod_headers, an origin allow-list through mod_setenvif's
//! `SetEnvIf Origin`, and mod_rewrite answering `OPTIONS` itself
//! (`RewriteRule ^ - [R=204,L]`), in front of the application
//! (`ProxyPass`, files).
//!
//! The options are the configuration text, read the way httpd reads it:
//! - every `Vary` is merged into one, its names joined with `,`; a rewrite
//!   rule that applies adds the request headers its conditions read
//!   (`%{HTTP:Name}`) to it;
//! - `SetEnvIf`/`SetEnvIfNoCase` run first, in order; a missing header is
//!   matched as the empty string; `$0`–`$9` are the match's groups;
//! - `RewriteCond`/`RewriteRule` (server context) come next; a rule with
//!   `R=` outside 300–399 (or `F`, `G`) ends the request with that status,
//!   as an error response: only `Header always` lines apply to it;
//! - `Header` lines apply in order at the end: `always` ones to every
//!   response, the others (`onsuccess`) only to responses the application
//!   made; `set`, `append`, `merge`, `add`, `unset`, `setifempty`;
//!   `env=VAR` and `env=!VAR` conditions; `%{VAR}e` expands to `(null)`
//!   when the variable is not set;
//! - `<IfModule>` is transparent; `<Location PATH>` adds its `Header` and
//!   `SetEnvIf` lines for paths under it.
//!
//! Not modelled (refused with a message): `Header edit`, `expr=`,
//! per-directory rewrite rules, and directives this module does not know
//! that change the answer.

use std::collections::HashMap;

use crate::header_list::{isomorphic_decode, HeaderList};
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::pattern::{Anchor, Pattern};
use super::{request_header, OptionsError};

/// The configuration text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Options {
    /// Directives as in a `<VirtualHost>` (or `.htaccess` without rewrite rules).
    pub config: String,
}

impl Options {
    /// Whether the text parses and uses only what is modelled.
    pub fn validate(&self) -> Result<(), OptionsError> {
        parse(&self.config).map(|_| ())
    }
}

fn err(message: impl Into<String>) -> OptionsError {
    OptionsError(format!("apache: {}", message.into()))
}

/// Split a directive line into arguments, honouring double and single quotes.
fn words(line: &str) -> Result<Vec<String>, OptionsError> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut w = String::new();
        if c == '"' || c == '\'' {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(err(format!("a quoted argument is not closed: {line}"))),
                    Some('\\') if chars.peek() == Some(&c) => w.push(chars.next().unwrap_or(c)),
                    Some(q) if q == c => break,
                    Some(o) => w.push(o),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                w.push(c);
                chars.next();
            }
        }
        out.push(w);
    }
    Ok(out)
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Action {
    Set,
    Append,
    Merge,
    Add,
    Unset,
    SetIfEmpty,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum EnvCondition {
    Set(String),
    NotSet(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct HeaderLine {
    always: bool,
    action: Action,
    name: String,
    value: String,
    env: Option<EnvCondition>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct SetEnvIf {
    attribute: String,
    pattern: Pattern,
    /// `VAR=value`, `VAR` (value 1) or `!VAR` (unset).
    assignments: Vec<(String, Option<String>)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RewriteCond {
    test: String,
    pattern: CondPattern,
    negated: bool,
    or: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum CondPattern {
    Equals(String, bool),
    Regex(Pattern),
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct RewriteRule {
    conditions: Vec<RewriteCond>,
    pattern: Pattern,
    /// The status that ends the request, when the rule has one.
    status: Option<u16>,
    last: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Block {
    headers: Vec<HeaderLine>,
    setenv: Vec<SetEnvIf>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Config {
    server: Block,
    locations: Vec<(String, Block)>,
    rewrite_on: bool,
    rules: Vec<RewriteRule>,
}

/// Directives that do not change the CORS answer here.
const IGNORED: [&str; 12] = [
    "ServerName", "ServerAlias", "DocumentRoot", "ProxyPass", "ProxyPassReverse", "ProxyPreserveHost", "ErrorLog",
    "CustomLog", "LogLevel", "Options", "AllowOverride", "Require",
];

fn parse(text: &str) -> Result<Config, OptionsError> {
    let mut config = Config::default();
    let mut location: Option<(String, Block)> = None;
    let mut pending: Vec<RewriteCond> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(tag) = line.strip_prefix("</") {
            let tag = tag.trim_end_matches('>').trim();
            if tag.eq_ignore_ascii_case("Location") {
                let done = location.take().ok_or_else(|| err("</Location> without <Location>"))?;
                config.locations.push(done);
            } else if !tag.eq_ignore_ascii_case("IfModule") {
                return Err(err(format!("<{tag}> blocks are not modelled")));
            }
            continue;
        }
        if let Some(open) = line.strip_prefix('<') {
            let inner = open.trim_end_matches('>');
            let w = words(inner)?;
            match w.first().map(String::as_str) {
                Some(t) if t.eq_ignore_ascii_case("IfModule") => {}
                Some(t) if t.eq_ignore_ascii_case("Location") && w.len() == 2 && location.is_none() => {
                    location = Some((w[1].clone(), Block::default()));
                }
                _ => return Err(err(format!("<{inner}> is not modelled (only <IfModule> and <Location PATH>)"))),
            }
            continue;
        }
        let w = words(line)?;
        let Some(name) = w.first() else { continue };
        let args = &w[1..];
        let block = match &mut location {
            Some((_, b)) => b,
            None => &mut config.server,
        };
        match name.to_ascii_lowercase().as_str() {
            "header" => block.headers.push(header_line(args)?),
            "setenvif" | "setenvifnocase" => block.setenv.push(setenvif(args, name.eq_ignore_ascii_case("SetEnvIfNoCase"))?),
            "rewriteengine" if location.is_none() => config.rewrite_on = args.first().is_some_and(|a| a.eq_ignore_ascii_case("on")),
            "rewritecond" if location.is_none() => pending.push(rewrite_cond(args)?),
            "rewriterule" if location.is_none() => config.rules.push(rewrite_rule(args, std::mem::take(&mut pending))?),
            "rewriteengine" | "rewritecond" | "rewriterule" => return Err(err("rewrite rules inside <Location> are not modelled")),
            _ if IGNORED.iter().any(|i| i.eq_ignore_ascii_case(name)) => {}
            _ => return Err(err(format!("`{name}` is not modelled"))),
        }
    }
    if location.is_some() {
        return Err(err("<Location> is not closed"));
    }
    Ok(config)
}

fn header_line(args: &[String]) -> Result<HeaderLine, OptionsError> {
    let mut args: Vec<String> = args.to_vec();
    let always = match args.first().map(|a| a.to_ascii_lowercase()) {
        Some(a) if a == "always" => {
            args.remove(0);
            true
        }
        Some(a) if a == "onsuccess" => {
            args.remove(0);
            false
        }
        _ => false,
    };
    let action = match args.first().map(|a| a.to_ascii_lowercase()).as_deref() {
        Some("set") => Action::Set,
        Some("append") => Action::Append,
        Some("merge") => Action::Merge,
        Some("add") => Action::Add,
        Some("unset") => Action::Unset,
        Some("setifempty") => Action::SetIfEmpty,
        other => return Err(err(format!("Header {}: the action {other:?} is not modelled", args.join(" ")))),
    };
    let name = args.get(1).cloned().ok_or_else(|| err("Header without a header name"))?;
    let rest: Vec<String> = args[2..].to_vec();
    let (value, condition) = match (&action, rest.as_slice()) {
        (Action::Unset, []) => (String::new(), None),
        (Action::Unset, [c]) => (String::new(), Some(c.clone())),
        (_, [v]) => (v.clone(), None),
        (_, [v, c]) => (v.clone(), Some(c.clone())),
        _ => return Err(err(format!("Header {}: expected a value and at most a condition", args.join(" ")))),
    };
    let env = match condition {
        None => None,
        Some(c) => match c.strip_prefix("env=") {
            Some(v) => Some(match v.strip_prefix('!') {
                Some(n) => EnvCondition::NotSet(n.to_owned()),
                None => EnvCondition::Set(v.to_owned()),
            }),
            None => return Err(err(format!("Header condition {c:?} is not modelled (only env=)"))),
        },
    };
    Ok(HeaderLine { always, action, name, value, env })
}

fn setenvif(args: &[String], no_case: bool) -> Result<SetEnvIf, OptionsError> {
    let [attribute, regex, assignments @ ..] = args else {
        return Err(err("SetEnvIf needs an attribute, a regular expression and a variable"));
    };
    if assignments.is_empty() {
        return Err(err("SetEnvIf needs a variable to set"));
    }
    let assignments = assignments
        .iter()
        .map(|a| match a.split_once('=') {
            Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
            None => match a.strip_prefix('!') {
                Some(n) => (n.to_owned(), None),
                None => (a.clone(), Some("1".to_owned())),
            },
        })
        .collect();
    Ok(SetEnvIf { attribute: attribute.clone(), pattern: Pattern::new("apache: SetEnvIf", regex, Anchor::Search, no_case)?, assignments })
}

fn flags(arg: Option<&String>) -> Vec<String> {
    arg.map(|f| f.trim_start_matches('[').trim_end_matches(']').split(',').map(|s| s.trim().to_ascii_uppercase()).collect())
        .unwrap_or_default()
}

fn rewrite_cond(args: &[String]) -> Result<RewriteCond, OptionsError> {
    let [test, pattern, rest @ ..] = args else {
        return Err(err("RewriteCond needs a test string and a pattern"));
    };
    let flags = flags(rest.first());
    let no_case = flags.iter().any(|f| f == "NC" || f == "NOCASE");
    let or = flags.iter().any(|f| f == "OR" || f == "ORNEXT");
    let (negated, pattern) = match pattern.strip_prefix('!') {
        Some(p) => (true, p),
        None => (false, pattern.as_str()),
    };
    let pattern = match pattern.strip_prefix('=') {
        Some(literal) => CondPattern::Equals(literal.trim_matches('"').to_owned(), no_case),
        None => CondPattern::Regex(Pattern::new("apache: RewriteCond", pattern, Anchor::Search, no_case)?),
    };
    Ok(RewriteCond { test: test.clone(), pattern, negated, or })
}

fn rewrite_rule(args: &[String], conditions: Vec<RewriteCond>) -> Result<RewriteRule, OptionsError> {
    let [pattern, _substitution, rest @ ..] = args else {
        return Err(err("RewriteRule needs a pattern and a substitution"));
    };
    let flags = flags(rest.first());
    let mut status = None;
    for f in &flags {
        if let Some(code) = f.strip_prefix("R=") {
            let code: u16 = code.parse().map_err(|_| err(format!("RewriteRule flag {f}: a status is expected")))?;
            if (300..400).contains(&code) {
                return Err(err("RewriteRule redirects are not modelled"));
            }
            status = Some(code);
        } else if f == "F" || f == "FORBIDDEN" {
            status = Some(403);
        } else if f == "G" || f == "GONE" {
            status = Some(410);
        } else if f == "R" {
            return Err(err("RewriteRule redirects are not modelled"));
        }
    }
    if status.is_none() {
        return Err(err("only RewriteRule lines that end the request with a status (R=200, R=204, F, G) are modelled"));
    }
    let last = flags.iter().any(|f| f == "L" || f == "LAST") || status.is_some();
    let (negated, pattern) = match pattern.strip_prefix('!') {
        Some(p) => (true, p),
        None => (false, pattern.as_str()),
    };
    if negated {
        return Err(err("negated RewriteRule patterns are not modelled"));
    }
    Ok(RewriteRule { conditions, pattern: Pattern::new("apache: RewriteRule", pattern, Anchor::Search, false)?, status, last })
}

struct Env<'a> {
    request: &'a HttpRequest,
    vars: HashMap<String, String>,
}

impl Env<'_> {
    /// `%{...}` of RewriteCond test strings.
    fn server_variable(&self, name: &str) -> String {
        if let Some(h) = name.strip_prefix("HTTP:") {
            return request_header(self.request, h).unwrap_or_default();
        }
        match name {
            "REQUEST_METHOD" => self.request.method.clone(),
            "REQUEST_URI" => self.request.url.path().to_owned(),
            _ => match name.strip_prefix("HTTP_") {
                Some(h) => request_header(self.request, &h.replace('_', "-")).unwrap_or_default(),
                None => self.vars.get(name).cloned().unwrap_or_default(),
            },
        }
    }

    fn expand_test(&self, test: &str) -> String {
        let mut out = String::new();
        let mut rest = test;
        while let Some(i) = rest.find("%{") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let end = after.find('}').unwrap_or(after.len());
            out.push_str(&self.server_variable(&after[..end]));
            rest = after.get(end + 1..).unwrap_or("");
        }
        out.push_str(rest);
        out
    }

    /// mod_headers' value: `%{VAR}e` (`(null)` when unset), `%%`.
    fn expand_header(&self, value: &str) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(i) = rest.find('%') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            if let Some(tail) = after.strip_prefix('%') {
                out.push('%');
                rest = tail;
            } else if let Some(braced) = after.strip_prefix('{') {
                let end = braced.find('}').unwrap_or(braced.len());
                let name = &braced[..end];
                let kind = braced[end..].chars().nth(1);
                match kind {
                    Some('e') => out.push_str(self.vars.get(name).map_or("(null)", String::as_str)),
                    _ => out.push_str("(null)"),
                }
                rest = braced.get(end + 2..).unwrap_or("");
            } else {
                out.push('%');
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }
}

fn run_setenv(lines: &[SetEnvIf], env: &mut Env<'_>) {
    for line in lines {
        let value = match line.attribute.as_str() {
            a if a.eq_ignore_ascii_case("Request_Method") => env.request.method.clone(),
            a if a.eq_ignore_ascii_case("Request_URI") => env.request.url.path().to_owned(),
            a => request_header(env.request, a).unwrap_or_default(),
        };
        let Some(groups) = line.pattern.captures(&value) else { continue };
        for (name, assigned) in &line.assignments {
            match assigned {
                None => {
                    env.vars.remove(name);
                }
                Some(v) => {
                    let mut expanded = String::new();
                    let mut chars = v.chars().peekable();
                    while let Some(c) = chars.next() {
                        match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                            ('$', Some(n)) => {
                                chars.next();
                                expanded.push_str(groups.get(n as usize).map_or("", String::as_str));
                            }
                            _ => expanded.push(c),
                        }
                    }
                    env.vars.insert(name.clone(), expanded);
                }
            }
        }
    }
}

/// The status a matching rule ends the request with, and the request
/// headers its conditions read through `%{HTTP:Name}` (mod_rewrite adds
/// them to `Vary` when the rule applies).
fn rewrite(config: &Config, env: &Env<'_>) -> (Option<u16>, Vec<String>) {
    if !config.rewrite_on {
        return (None, Vec::new());
    }
    let path = env.request.url.path();
    for rule in &config.rules {
        if !rule.pattern.is_match(path) {
            continue;
        }
        // Conditions are ANDed, except that [OR] joins one to the next.
        let mut ok = true;
        let mut or_pending = false;
        for cond in &rule.conditions {
            let text = env.expand_test(&cond.test);
            let matched = match &cond.pattern {
                CondPattern::Equals(s, no_case) => {
                    if *no_case {
                        text.eq_ignore_ascii_case(s)
                    } else {
                        text == *s
                    }
                }
                CondPattern::Regex(p) => p.is_match(&text),
            } != cond.negated;
            if or_pending {
                ok = ok || matched;
            } else {
                ok = ok && matched;
            }
            or_pending = cond.or;
            if !ok && !or_pending {
                break;
            }
        }
        if ok {
            let vary: Vec<String> = rule
                .conditions
                .iter()
                .filter_map(|c| c.test.strip_prefix("%{HTTP:").and_then(|t| t.strip_suffix('}')).map(str::to_owned))
                .collect();
            if let Some(status) = rule.status {
                return (Some(status), vary);
            }
            if rule.last {
                return (None, vary);
            }
        }
    }
    (None, Vec::new())
}

/// httpd's `fixup_vary`: every `Vary` value split at commas, duplicates
/// (in any case) dropped, joined with `,` into one header.
fn fixup_vary(headers: &mut HeaderList, extra: &[String]) {
    let mut fields: Vec<String> = Vec::new();
    let values: Vec<String> = headers.get_all("vary").map(isomorphic_decode).chain(extra.iter().cloned()).collect();
    for v in values {
        for f in v.split(',').map(str::trim).filter(|f| !f.is_empty()) {
            if !fields.iter().any(|x| x.eq_ignore_ascii_case(f)) {
                fields.push(f.to_owned());
            }
        }
    }
    if !fields.is_empty() {
        headers.remove("vary");
        headers.append("Vary", fields.join(",").as_bytes());
    }
}

fn apply(line: &HeaderLine, table: &mut HeaderList, env: &Env<'_>) {
    match &line.env {
        Some(EnvCondition::Set(v)) if !env.vars.contains_key(v) => return,
        Some(EnvCondition::NotSet(v)) if env.vars.contains_key(v) => return,
        _ => {}
    }
    let value = env.expand_header(&line.value);
    let existing = table.get(&line.name).map(|v| isomorphic_decode(&v));
    match line.action {
        Action::Set => {
            table.remove(&line.name);
            table.append(line.name.as_bytes(), value.as_bytes());
        }
        Action::SetIfEmpty => {
            if existing.is_none() {
                table.append(line.name.as_bytes(), value.as_bytes());
            }
        }
        Action::Add => table.append(line.name.as_bytes(), value.as_bytes()),
        Action::Unset => table.remove(&line.name),
        Action::Append | Action::Merge => {
            let new = match existing {
                None => value,
                Some(e) if line.action == Action::Merge && e.split(',').any(|t| t.trim() == value) => e,
                Some(e) => format!("{e}, {value}"),
            };
            table.remove(&line.name);
            table.append(line.name.as_bytes(), new.as_bytes());
        }
    }
}

/// httpd's answer; `route` is what the application behind it answers.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let Ok(config) = parse(&options.config) else {
        return HttpResponse::new(500);
    };
    let path = request.url.path();
    let blocks: Vec<&Block> = std::iter::once(&config.server)
        .chain(config.locations.iter().filter(|(p, _)| path.starts_with(p.as_str())).map(|(_, b)| b))
        .collect();
    let mut env = Env { request, vars: HashMap::new() };
    for b in &blocks {
        run_setenv(&b.setenv, &mut env);
    }
    let (ended, rewrite_vary) = rewrite(&config, &env);
    // An ended request is an error response: the application's headers and
    // the `onsuccess` table are not sent.
    let (status, mut headers_out) = match ended {
        Some(status) => (status, None),
        None => {
            let answer = route(request);
            (answer.status, Some(answer.headers))
        }
    };
    let mut err_headers_out = HeaderList::new();
    for b in &blocks {
        for line in &b.headers {
            match (&mut headers_out, line.always) {
                (_, true) => apply(line, &mut err_headers_out, &env),
                (Some(table), false) => apply(line, table, &env),
                (None, false) => {}
            }
        }
    }
    let mut headers = err_headers_out;
    if let Some(out) = headers_out {
        for h in out.iter() {
            headers.push(h);
        }
    }
    fixup_vary(&mut headers, &rewrite_vary);
    HttpResponse { status, headers, body: Vec::new() }
}
