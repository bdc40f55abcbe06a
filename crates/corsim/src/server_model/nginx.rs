//! nginx configured as the common guides do it: `add_header` lines, an
//! `if ($request_method = OPTIONS) { ... return 204; }` block, an origin
//! allow-list through `map $http_origin`, in front of `proxy_pass`.
//!
//! The options are the configuration text itself (the `http`-level `map`s
//! and one `server { ... }` block), read the way nginx reads it:
//! - `add_header` applies to 200, 201, 204, 206, 301, 302, 303, 304, 307
//!   and 308 only, unless it ends with `always`; a value that is empty once
//!   its variables are expanded sends nothing;
//! - a level with any `add_header` of its own drops every `add_header` of
//!   the levels around it (so the `if` block's lines replace the
//!   location's); an `if` that matches makes its block the configuration
//!   for the rest of the request, `return` included;
//! - `map` matches strings without regard to case, then its `~` (and
//!   `~*`, case-insensitive) regular expressions in order; `if` takes `=`,
//!   `!=`, `~`, `~*`, `!~` and `!~*`; a regular expression matches
//!   anywhere in the value unless anchored;
//! - a method that is not upper-case letters (`patch`) is answered 400
//!   before any of this runs.
//!
//! Not modelled (refused with a message): regular-expression locations,
//! captures (`$1`), `if` outside a location, and directives that change
//! the answer that this module does not know.

use std::collections::HashMap;

use crate::header_list::HeaderList;
use crate::preflight::HttpRequest;
use crate::response::HttpResponse;

use super::pattern::{Anchor, Pattern};
use super::{request_header, OptionsError};

/// The configuration text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Options {
    /// `map` blocks and one `server { ... }` block, as in `nginx.conf`'s
    /// `http` block.
    pub config: String,
}

impl Options {
    /// Whether the text parses and uses only what is modelled.
    pub fn validate(&self) -> Result<(), OptionsError> {
        parse(&self.config).map(|_| ())
    }
}

/// The statuses `add_header` applies to without `always`.
const ADD_HEADER_STATUSES: [u16; 10] = [200, 201, 204, 206, 301, 302, 303, 304, 307, 308];

/// A parsed directive: name, arguments, and a block when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Directive {
    name: String,
    args: Vec<String>,
    block: Option<Vec<Directive>>,
}

fn err(message: impl Into<String>) -> OptionsError {
    OptionsError(format!("nginx: {}", message.into()))
}

/// Split the text into words, quoted strings, `{`, `}` and `;`.
fn tokens(text: &str) -> Result<Vec<String>, OptionsError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => {
                while chars.next().is_some_and(|c| c != '\n') {}
            }
            '{' | '}' | ';' => {
                out.push(c.to_string());
                chars.next();
            }
            '"' | '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return Err(err("a quoted string is not closed")),
                        // nginx unescapes quotes, `\\`, `\t`, `\r` and `\n`; any
                        // other backslash stays (a regex's `\.` keeps its meaning).
                        Some('\\') => match chars.next() {
                            Some(e @ ('"' | '\'' | '\\')) => s.push(e),
                            Some('t') => s.push('\t'),
                            Some('r') => s.push('\r'),
                            Some('n') => s.push('\n'),
                            Some(other) => {
                                s.push('\\');
                                s.push(other);
                            }
                            None => return Err(err("a quoted string is not closed")),
                        },
                        Some(q) if q == c => break,
                        Some(other) => s.push(other),
                    }
                }
                // A marker keeps quoted `{`, `;` and `(` from being read as syntax.
                out.push(format!("\u{0}{s}"));
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == ';' || c == '{' || c == '}' {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                out.push(s);
            }
        }
    }
    Ok(out)
}

fn unquote(token: &str) -> String {
    token.strip_prefix('\u{0}').unwrap_or(token).to_owned()
}

fn directives(tokens: &[String], pos: &mut usize, depth: usize) -> Result<Vec<Directive>, OptionsError> {
    if depth > 16 {
        return Err(err("blocks nested too deep"));
    }
    let mut out = Vec::new();
    let mut words: Vec<String> = Vec::new();
    while *pos < tokens.len() {
        let t = &tokens[*pos];
        *pos += 1;
        match t.as_str() {
            ";" => {
                if words.is_empty() {
                    continue;
                }
                let name = unquote(&words.remove(0));
                out.push(Directive { name, args: std::mem::take(&mut words), block: None });
            }
            "{" => {
                if words.is_empty() {
                    return Err(err("a block without a directive"));
                }
                let block = directives(tokens, pos, depth + 1)?;
                let name = unquote(&words.remove(0));
                out.push(Directive { name, args: std::mem::take(&mut words), block: Some(block) });
            }
            "}" => {
                if depth == 0 {
                    return Err(err("unexpected `}`"));
                }
                if !words.is_empty() {
                    return Err(err(format!("`{}` is missing its `;`", unquote(&words[0]))));
                }
                return Ok(out);
            }
            _ => words.push(t.clone()),
        }
    }
    if depth > 0 {
        return Err(err("a block is not closed"));
    }
    if !words.is_empty() {
        return Err(err(format!("`{}` is missing its `;`", unquote(&words[0]))));
    }
    Ok(out)
}

/// One `add_header`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct AddHeader {
    name: String,
    value: String,
    always: bool,
}

/// A condition of `if`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Condition {
    /// `($var)`: not empty and not `0`.
    Set(String),
    /// `($var = value)` or `!=`.
    Equals { var: String, value: String, negated: bool },
    /// `($var ~ regex)`, `~*`, `!~`, `!~*`.
    Matches { var: String, pattern: Pattern, negated: bool },
}

/// What runs in the rewrite phase, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Set { var: String, value: String },
    Return { status: u16, text: Option<String> },
    If { condition: Condition, block: Box<Level> },
}

/// A configuration level: server, location, or an `if` block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Level {
    add_headers: Vec<AddHeader>,
    hide_headers: Vec<String>,
    steps: Vec<Step>,
    /// `proxy_pass`, `root`, `try_files`…: the request reaches the route.
    serves: bool,
}

/// A `location`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Location {
    exact: bool,
    path: String,
    level: Level,
}

/// A `map $source $variable { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Map {
    source: String,
    variable: String,
    default: String,
    entries: Vec<(String, String)>,
    regexes: Vec<(Pattern, String)>,
}

/// The configuration nginx would load.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Config {
    maps: Vec<Map>,
    http: Level,
    server: Level,
    locations: Vec<Location>,
}

/// Directives that do not change the CORS answer.
const IGNORED: [&str; 22] = [
    "listen", "server_name", "proxy_set_header", "proxy_http_version", "proxy_read_timeout", "proxy_buffering",
    "proxy_redirect", "index", "access_log", "error_log", "expires", "charset", "gzip", "client_max_body_size",
    "keepalive_timeout", "sendfile", "default_type", "include", "types", "etag", "autoindex", "error_page",
];

/// Directives after which the location serves the request (the route).
const SERVES: [&str; 7] = ["proxy_pass", "root", "alias", "try_files", "fastcgi_pass", "uwsgi_pass", "grpc_pass"];

fn variable_name(arg: &str) -> Result<String, OptionsError> {
    arg.strip_prefix('$').map(|v| v.trim_matches(|c| c == '{' || c == '}').to_owned()).ok_or_else(|| err(format!("{arg:?} is not a variable")))
}

fn condition(args: &[String]) -> Result<Condition, OptionsError> {
    let joined: Vec<String> = args.iter().map(|a| unquote(a)).collect();
    let mut words: Vec<String> = joined.clone();
    // `(` and `)` may be glued to the words or stand alone.
    if let Some(first) = words.first_mut() {
        *first = first.strip_prefix('(').unwrap_or(first).to_owned();
    }
    if let Some(last) = words.last_mut() {
        *last = last.strip_suffix(')').unwrap_or(last).to_owned();
    }
    words.retain(|w| !w.is_empty());
    match words.as_slice() {
        [var] => Ok(Condition::Set(variable_name(var)?)),
        [var, op, value] if op == "=" || op == "!=" => {
            Ok(Condition::Equals { var: variable_name(var)?, value: value.clone(), negated: op == "!=" })
        }
        [var, op, pattern] if matches!(op.as_str(), "~" | "~*" | "!~" | "!~*") => Ok(Condition::Matches {
            var: variable_name(var)?,
            pattern: Pattern::new("nginx: if", pattern, Anchor::Search, op.ends_with('*'))?,
            negated: op.starts_with('!'),
        }),
        _ => Err(err(format!("`if ({})` is not a condition corsim reads", joined.join(" ")))),
    }
}

fn read_level(directives: &[Directive], context: &str) -> Result<(Level, Vec<Location>), OptionsError> {
    let mut level = Level::default();
    let mut locations = Vec::new();
    for d in directives {
        let args: Vec<String> = d.args.iter().map(|a| unquote(a)).collect();
        match (d.name.as_str(), &d.block) {
            ("add_header", None) => {
                let (name, value, always) = match args.as_slice() {
                    [n, v] => (n, v, false),
                    [n, v, a] if a == "always" => (n, v, true),
                    _ => return Err(err(format!("add_header {}: expected a name, a value and maybe `always`", args.join(" ")))),
                };
                level.add_headers.push(AddHeader { name: name.clone(), value: value.clone(), always });
            }
            ("proxy_hide_header", None) if args.len() == 1 => level.hide_headers.push(args[0].to_ascii_lowercase()),
            ("set", None) if args.len() == 2 => level.steps.push(Step::Set { var: variable_name(&args[0])?, value: args[1].clone() }),
            ("return", None) => {
                let status = args.first().and_then(|s| s.parse::<u16>().ok()).filter(|s| (100..=999).contains(s));
                match (status, args.len()) {
                    (Some(status), 1 | 2) => level.steps.push(Step::Return { status, text: args.get(1).cloned() }),
                    _ => return Err(err(format!("return {}: only `return CODE [text]` is modelled", args.join(" ")))),
                }
            }
            ("if", Some(block)) if context == "location" || context == "if" => {
                let (inner, nested) = read_level(block, "if")?;
                if !nested.is_empty() {
                    return Err(err("a location inside an if"));
                }
                level.steps.push(Step::If { condition: condition(&d.args)?, block: Box::new(inner) });
            }
            ("if", Some(_)) => return Err(err(format!("`if` in a {context} block is not modelled (only inside a location)"))),
            ("location", Some(block)) if context == "server" => {
                let (exact, path) = match args.as_slice() {
                    [p] => (false, p.clone()),
                    [m, p] if m == "=" => (true, p.clone()),
                    [m, p] if m == "^~" => (false, p.clone()),
                    _ => return Err(err(format!("location {}: regular-expression locations are not modelled", args.join(" ")))),
                };
                let (inner, nested) = read_level(block, "location")?;
                if !nested.is_empty() {
                    return Err(err("nested locations are not modelled"));
                }
                locations.push(Location { exact, path, level: inner });
            }
            (name, None) if SERVES.contains(&name) => level.serves = true,
            (name, _) if IGNORED.contains(&name) => {}
            (name, _) => return Err(err(format!("`{name}` in a {context} block is not modelled"))),
        }
    }
    Ok((level, locations))
}

fn parse(text: &str) -> Result<Config, OptionsError> {
    let tokens = tokens(text)?;
    let mut pos = 0;
    let top = directives(&tokens, &mut pos, 0)?;
    let mut config = Config::default();
    let mut servers = 0;
    let mut http_level = Vec::new();
    for d in &top {
        match (d.name.as_str(), &d.block) {
            ("map", Some(block)) => config.maps.push(map(d, block)?),
            ("server", Some(block)) => {
                servers += 1;
                let (server, locations) = read_level(block, "server")?;
                config.server = server;
                config.locations = locations;
            }
            _ => http_level.push(d.clone()),
        }
    }
    let (http, nested) = read_level(&http_level, "http")?;
    if !nested.is_empty() || !http.steps.is_empty() {
        return Err(err("only map, add_header and server are modelled at the http level"));
    }
    config.http = http;
    if servers != 1 {
        return Err(err(format!("expected one server block, found {servers}")));
    }
    Ok(config)
}

fn map(d: &Directive, block: &[Directive]) -> Result<Map, OptionsError> {
    let args: Vec<String> = d.args.iter().map(|a| unquote(a)).collect();
    let [source, variable] = args.as_slice() else {
        return Err(err("map takes a source and a variable"));
    };
    let mut m = Map {
        source: variable_name(source)?,
        variable: variable_name(variable)?,
        default: String::new(),
        entries: Vec::new(),
        regexes: Vec::new(),
    };
    for entry in block {
        let values: Vec<String> = entry.args.iter().map(|a| unquote(a)).collect();
        match (entry.name.as_str(), values.as_slice()) {
            ("default", [v]) => m.default = v.clone(),
            ("hostnames" | "volatile", []) => return Err(err(format!("map parameter `{}` is not modelled", entry.name))),
            (_, [v]) if v.contains('$') && (1..=9).any(|n| v.contains(&format!("${n}"))) => {
                return Err(err(format!("map value {v:?}: captures are not modelled")))
            }
            (key, [v]) if key.starts_with('~') => {
                let (pattern, insensitive) = match key.strip_prefix("~*") {
                    Some(p) => (p, true),
                    None => (&key[1..], false),
                };
                m.regexes.push((Pattern::new("nginx: map", pattern, Anchor::Search, insensitive)?, v.clone()));
            }
            (key, [v]) => m.entries.push((key.to_ascii_lowercase(), v.clone())),
            (key, _) => return Err(err(format!("map entry {key:?} needs one value"))),
        }
    }
    Ok(m)
}

/// The request's variables: `$request_method`, `$http_*`, maps, `set`.
struct Variables<'a> {
    request: &'a HttpRequest,
    maps: &'a [Map],
    set: HashMap<String, String>,
    depth: usize,
}

impl Variables<'_> {
    fn get(&mut self, name: &str) -> String {
        if let Some(v) = self.set.get(name) {
            return v.clone();
        }
        if name == "request_method" {
            return self.request.method.clone();
        }
        if let Some(header) = name.strip_prefix("http_") {
            return request_header(self.request, &header.replace('_', "-")).unwrap_or_default();
        }
        if self.depth > 8 {
            return String::new();
        }
        if let Some(m) = self.maps.iter().find(|m| m.variable == name) {
            self.depth += 1;
            let source = self.get(&m.source.clone());
            let lower = source.to_ascii_lowercase();
            let value = m
                .entries
                .iter()
                .find(|(k, _)| *k == lower)
                .map(|(_, v)| v.clone())
                .or_else(|| m.regexes.iter().find(|(p, _)| p.is_match(&source)).map(|(_, v)| v.clone()))
                .unwrap_or_else(|| m.default.clone());
            let expanded = self.expand(&value);
            self.depth -= 1;
            return expanded;
        }
        String::new()
    }

    /// Expand `$name` and `${name}` in a value.
    fn expand(&mut self, value: &str) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let (name, tail) = if let Some(braced) = after.strip_prefix('{') {
                match braced.find('}') {
                    Some(end) => (&braced[..end], &braced[end + 1..]),
                    None => (braced, ""),
                }
            } else {
                let end = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            if name.is_empty() {
                out.push('$');
            } else {
                out.push_str(&self.get(name));
            }
            rest = tail;
        }
        out.push_str(rest);
        out
    }
}

fn holds(condition: &Condition, vars: &mut Variables<'_>) -> bool {
    match condition {
        Condition::Set(var) => {
            let v = vars.get(var);
            !v.is_empty() && v != "0"
        }
        Condition::Equals { var, value, negated } => {
            let expanded = vars.expand(value);
            (vars.get(var) == expanded) != *negated
        }
        Condition::Matches { var, pattern, negated } => pattern.is_match(&vars.get(var)) != *negated,
    }
}

/// nginx's request-line parser: a method of upper-case letters, `_` and `-`.
fn method_parses(method: &str) -> bool {
    !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase() || b == b'_' || b == b'-')
}

/// nginx's answer; `route` is what `proxy_pass` (or the files) answer.
pub fn respond(options: &Options, request: &HttpRequest, route: &mut dyn FnMut(&HttpRequest) -> HttpResponse) -> HttpResponse {
    let Ok(config) = parse(&options.config) else {
        // nginx does not start with a configuration it cannot read.
        return HttpResponse::new(502);
    };
    let mut vars = Variables { request, maps: &config.maps, set: HashMap::new(), depth: 0 };
    // The levels in force, outermost first; an `if` that matched is pushed.
    let mut levels: Vec<&Level> = vec![&config.http, &config.server];
    let mut response = if method_parses(&request.method) {
        serve(&config, request, &mut vars, &mut levels, route)
    } else {
        // The request line is refused before any location is chosen: the
        // server's own `add_header ... always` lines still apply.
        HttpResponse::new(400)
    };
    // proxy_hide_header and add_header: the innermost level that has any.
    if let Some(hidden) = levels.iter().rev().map(|l| &l.hide_headers).find(|h| !h.is_empty()) {
        let names: Vec<String> = response.headers.iter().map(|h| String::from_utf8_lossy(h.name).to_ascii_lowercase()).collect();
        for name in names.iter().filter(|n| hidden.contains(n)) {
            response.headers.remove(name);
        }
    }
    if let Some(adds) = levels.iter().rev().map(|l| &l.add_headers).find(|a| !a.is_empty()) {
        let mut extra = HeaderList::new();
        for add in adds {
            if !add.always && !ADD_HEADER_STATUSES.contains(&response.status) {
                continue;
            }
            let value = vars.expand(&add.value);
            if !value.is_empty() {
                extra.append(add.name.as_bytes(), value.as_bytes());
            }
        }
        for h in extra.iter() {
            response.headers.push(h);
        }
    }
    response
}

/// The location's rewrite phase and content: a `return`, the route, or 404.
fn serve<'a>(
    config: &'a Config,
    request: &HttpRequest,
    vars: &mut Variables<'_>,
    levels: &mut Vec<&'a Level>,
    route: &mut dyn FnMut(&HttpRequest) -> HttpResponse,
) -> HttpResponse {
    let path = request.url.path();
    let location = config
        .locations
        .iter()
        .find(|l| l.exact && l.path == path)
        .or_else(|| config.locations.iter().filter(|l| !l.exact && path.starts_with(&l.path)).max_by_key(|l| l.path.len()));
    let mut returned = run_steps(&config.server.steps, vars, levels);
    if returned.is_none() {
        if let Some(l) = location {
            levels.push(&l.level);
            returned = run_steps(&l.level.steps, vars, levels);
        }
    }
    match (returned, location) {
        (Some(r), _) => r,
        (None, Some(l)) if l.level.serves || config.server.serves => route(request),
        (None, _) => HttpResponse::new(404),
    }
}

/// The rewrite phase of one level: `set`, `return`, and `if`, whose block
/// becomes the level in force when it matches (a later match at the same
/// depth replaces an earlier one).
fn run_steps<'a>(steps: &'a [Step], vars: &mut Variables<'_>, levels: &mut Vec<&'a Level>) -> Option<HttpResponse> {
    let base = levels.len();
    for step in steps {
        match step {
            Step::Set { var, value } => {
                let v = vars.expand(value);
                vars.set.insert(var.clone(), v);
            }
            Step::Return { status, .. } => return Some(HttpResponse::new(*status)),
            Step::If { condition, block } => {
                if holds(condition, vars) {
                    levels.truncate(base);
                    levels.push(block);
                    if let Some(r) = run_steps(&block.steps, vars, levels) {
                        return Some(r);
                    }
                }
            }
        }
    }
    None
}
