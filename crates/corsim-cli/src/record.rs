//! `corsim record --browser chromium|firefox|webkit FILE`: run scenarios in a
//! real, unmodified browser and write them back with `expect` and `browser`
//! filled exactly as the recorded corpora hold them (tests/corpus/FORMAT.md).
//!
//! The scripted servers are `corsim serve`'s ([`crate::serve::start`]), on the
//! scenarios' own loopback ports. A small driver per browser (in
//! `crates/corsim-cli/record/`) opens each scenario's page origin in a fresh
//! browser context, runs its fetches one at a time at their `at_ms`, and
//! reports, per step, what script got, the requests the server logged, the
//! console lines and (Chromium) the DevTools protocol's `corsErrorStatus`.
//! This module turns those observations into `expect` entries: the
//! browser's reason name (Chromium's `corsError`, Firefox's message-template
//! key, WebKit's normalized first message), and `unstable` where the runs
//! disagree.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use corsim::scenario::Scenario;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use url::Url;

/// Arguments of `corsim record`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The scenario file (JSON Lines in the FORMAT.md shape), or `-` for standard input.
    pub file: String,
    /// The browser to record.
    #[arg(long, value_enum)]
    pub browser: RecordBrowser,
    /// Runs per scenario, each in a freshly started browser; a step whose runs
    /// differ is marked `"unstable": true`.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..))]
    pub runs: u8,
    /// Record only the scenario with this id (repeatable); all by default.
    #[arg(long = "id")]
    pub ids: Vec<String>,
    /// The browser's executable (default: Debian's /usr/bin/chromium,
    /// /usr/bin/firefox-esr; WebKitGTK is found through PyGObject).
    #[arg(long, value_name = "PATH")]
    pub browser_path: Option<String>,
}

/// The browsers `corsim record` drives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RecordBrowser {
    /// Chromium over the DevTools protocol.
    Chromium,
    /// Firefox (ESR) over WebDriver BiDi.
    Firefox,
    /// WebKitGTK through PyGObject (WebKit2 4.1).
    Webkit,
}

/// After `help` and the usage: how the recorder works, in short.
pub const AFTER_HELP: &str = "\
Each scenario's servers are served byte for byte on its loopback ports (as corsim
serve does); its page origin's `/` is a blank page, opened in a fresh browser
context, on which each step's request runs at its at_ms, made by its initiator (fetch(),
XMLHttpRequest, an <img>, <script>, module script, stylesheet or @font-face, sendBeacon).
The recorded scenarios go
to standard output in input order; a scenario that could not be recorded is named
on standard error and left out. Needs node (Chromium, Firefox), Debian's python3
with python3-gi and gir1.2-webkit2-4.1 (WebKit; xvfb-run when there is no display).

Example:
  corsim record --browser chromium tests/corpus/wpt.jsonl > wpt-chromium.jsonl";

/// The page at `/` of every recording port: it runs one step's request with
/// its initiator (FORMAT.md, "Extension: initiators other than fetch()")
/// when the driver calls `corsimStep(request, sandboxed)` and resolves to
/// what script saw: `fetch()`'s response, XHR's `load` or `error`, an
/// element's `load` or `error` event, `sendBeacon`'s return value. A
/// sandboxed page (origin `null`) runs its steps in a frame with
/// `sandbox="allow-scripts"`, whose origin is opaque.
pub const HARNESS_PAGE: &str = r#"<!doctype html><meta charset="utf-8"><title>corsim record</title><script>
const RUN = `function corsimStep1(r) {
  switch (r.initiator ?? "fetch") {
    case "fetch": return corsimFetch(r);
    case "xhr": return corsimXhr(r);
    case "beacon": return corsimBeacon(r);
    case "font": return corsimFont(r);
    default: return corsimElement(r);
  }
}
function corsimSameOrigin(url) {
  try { return new URL(url, location.href).origin === self.origin; } catch (e) { return false; }
}
function corsimXhr(r) {
  return new Promise(resolve => {
    try {
      const x = new XMLHttpRequest();
      x.open(r.method ?? "GET", r.url, true);
      for (const [n, v] of r.headers ?? []) { try { x.setRequestHeader(n, v); } catch (e) {} }
      if (r.credentials === "include") x.withCredentials = true;
      if (r.upload_listener) x.upload.addEventListener("progress", () => {});
      x.onload = () => {
        const names = new Set(x.getAllResponseHeaders().split("\\r\\n").filter(l => l.includes(":"))
          .map(l => l.slice(0, l.indexOf(":")).trim().toLowerCase()));
        const type = corsimSameOrigin(r.url) && corsimSameOrigin(x.responseURL) ? "basic" : "cors";
        resolve({type, status: x.status, headers: [...names].sort()});
      };
      x.onerror = () => resolve({type: "error"});
      x.send(r.body ?? null);
    } catch (e) {
      resolve({type: "error", message: String(e)});
    }
  });
}
function corsimBytes(s) {
  return Uint8Array.from(s, c => c.charCodeAt(0));
}
async function corsimBeacon(r) {
  let queued;
  try {
    const type = (r.headers ?? []).find(([n]) => n.toLowerCase() === "content-type");
    const data = type ? new Blob([corsimBytes(r.body ?? "")], {type: type[1]}) : r.body;
    queued = navigator.sendBeacon(r.url, data);
  } catch (e) {
    return {type: "error", message: String(e)};
  }
  await new Promise(ok => setTimeout(ok, 500));
  return {type: queued ? "queued" : "refused"};
}
let corsimFaces = 0;
async function corsimFont(r) {
  const family = "corsim-font-" + (++corsimFaces);
  const style = document.createElement("style");
  style.textContent = "@font-face { font-family: " + family + "; src: url(" + JSON.stringify(r.url) + "); }";
  document.head.appendChild(style);
  try { await document.fonts.load("16px " + family); } catch (e) {}
  const face = [...document.fonts].find(f => f.family.replace(/["']/g, "") === family);
  return {type: face && face.status === "loaded" ? "loaded" : "error"};
}
function corsimElement(r) {
  return new Promise(resolve => {
    let el;
    if (r.initiator === "img") {
      el = document.createElement("img");
    } else if (r.initiator === "stylesheet") {
      el = document.createElement("link");
      el.rel = "stylesheet";
    } else {
      el = document.createElement("script");
      if (r.initiator === "module-script") el.type = "module";
    }
    if (r.crossorigin !== undefined) el.setAttribute("crossorigin", r.crossorigin);
    el.onload = () => resolve({type: "loaded"});
    el.onerror = () => resolve({type: "error"});
    if (r.initiator === "stylesheet") el.href = r.url; else el.src = r.url;
    if (r.initiator !== "img") document.head.appendChild(el);
  });
}
async function corsimFetch(r) {
  const init = {method: r.method ?? "GET", headers: r.headers ?? [], mode: r.mode ?? "cors",
                credentials: r.credentials ?? "same-origin", redirect: r.redirect ?? "follow"};
  if (r.body !== undefined) init.body = r.body;
  if (r.keepalive) init.keepalive = true;
  if (r.target_address_space !== undefined) init.targetAddressSpace = r.target_address_space;
  try {
    const res = await fetch(r.url, init);
    return {type: res.type, status: res.status, headers: [...res.headers.keys()].sort()};
  } catch (e) {
    return {type: "error", message: String(e)};
  }
}`;
eval(RUN);
let frame = null;
function sandboxFrame() {
  if (frame) return frame;
  frame = new Promise(resolve => {
    const f = document.createElement("iframe");
    f.setAttribute("sandbox", "allow-scripts");
    f.srcdoc = "<!doctype html><meta charset=utf-8><script>" + RUN +
      "\nonmessage = async ev => parent.postMessage({n: ev.data.n, result: await corsimStep1(ev.data.r)}, '*');<\/script>";
    f.onload = () => resolve(f);
    document.body.appendChild(f);
  });
  return frame;
}
let sent = 0;
async function corsimStep(r, sandboxed) {
  if (!sandboxed) return corsimStep1(r);
  const f = await sandboxFrame();
  const n = ++sent;
  return new Promise(resolve => {
    const listener = ev => {
      if (!ev.data || ev.data.n !== n) return;
      removeEventListener("message", listener);
      resolve(ev.data.result);
    };
    addEventListener("message", listener);
    f.contentWindow.postMessage({n, r}, "*");
  });
}
</script><body></body>"#;

/// One scenario line as read: its typed form, and its fields as written
/// (so that the recorded line keeps them byte for byte).
struct Input {
    scenario: Scenario,
    raw: HashMap<String, Box<RawValue>>,
}

/// A request the scripted server logged (as `corsim serve` logs it).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
struct Saw {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
}

/// What script saw (`fetch()`'s response, an XHR's, an element's event, a
/// beacon's return), in the corpora's shape.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
struct ScriptGot {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    headers: Option<Vec<String>>,
}

/// One step as a driver observed it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
struct Observed {
    result: ScriptGot,
    #[serde(default)]
    saw: Vec<Saw>,
    #[serde(default)]
    console: Vec<String>,
    /// Chromium: each `corsErrorStatus.corsError` of the step, in order.
    #[serde(default)]
    cors_errors: Vec<String>,
}

/// One line of a driver's output.
#[derive(Debug, Deserialize)]
struct DriverLine {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    steps: Option<Vec<Observed>>,
    #[serde(default)]
    error: Option<String>,
    /// The first line: the browser's name and version, e.g. `Chromium 156.0.8078.114`.
    #[serde(default)]
    browser: Option<String>,
    /// Firefox: its console message templates, by key (from its own
    /// `security.properties`).
    #[serde(default)]
    templates: Option<HashMap<String, String>>,
}

/// What one run of the driver gave.
#[derive(Default)]
struct RunOutput {
    browser: Option<String>,
    templates: HashMap<String, String>,
    steps: HashMap<String, Result<Vec<Observed>, String>>,
}

/// An `expect` entry, fields in the corpora's order.
#[derive(Debug, Serialize, PartialEq)]
struct Expect {
    server_saw: Vec<Saw>,
    result: ScriptGot,
    cors_error: Option<String>,
    console: Vec<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unstable: bool,
}

/// A recorded line, fields in the corpora's order.
#[derive(Serialize)]
struct Recorded<'a> {
    id: Option<&'a RawValue>,
    browser: &'a str,
    origin: Option<&'a RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    page: Option<&'a RawValue>,
    steps: Option<&'a RawValue>,
    server: Option<&'a RawValue>,
    expect: Vec<Expect>,
}

/// Run `corsim record`.
pub fn run(args: &Args) -> ExitCode {
    let text = if args.file == "-" {
        let mut t = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut t) {
            eprintln!("corsim record: cannot read standard input: {e}");
            return ExitCode::from(2);
        }
        t
    } else {
        match std::fs::read_to_string(&args.file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("corsim record: cannot read {}: {e}", args.file);
                return ExitCode::from(2);
            }
        }
    };
    let inputs = read_inputs(&text, &args.file, &args.ids);
    if inputs.is_empty() {
        eprintln!("corsim record: no scenario to record in {}", args.file);
        return ExitCode::from(2);
    }
    if let Err(e) = crate::serve::start(inputs.iter().map(|i| i.scenario.clone()).collect(), HARNESS_PAGE.to_owned()) {
        eprintln!("corsim record: {e} (is another corsim serve or record running?)");
        return ExitCode::from(2);
    }
    let job = match job(&inputs, args) {
        Ok(job) => job,
        Err(e) => {
            eprintln!("corsim record: {e}");
            return ExitCode::from(2);
        }
    };
    let mut runs = Vec::new();
    for n in 0..args.runs {
        match run_driver(args.browser, &job) {
            Ok(r) => runs.push(r),
            Err(e) => {
                eprintln!("corsim record: run {} of {} failed: {e}", n + 1, args.runs);
                return ExitCode::from(2);
            }
        }
    }
    let browser = runs.iter().find_map(|r| r.browser.clone()).unwrap_or_else(|| format!("{:?}", args.browser));
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0;
    for input in &inputs {
        let id = input.scenario.id.clone().unwrap_or_default();
        match expect_from_runs(args.browser, &input.scenario, &runs, &id) {
            Ok(expect) => {
                let line = recorded_line(input, &browser, expect);
                if writeln!(out, "{line}").is_err() {
                    return ExitCode::SUCCESS;
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("corsim record: {id} not recorded: {e}");
            }
        }
    }
    if failed > 0 {
        eprintln!("corsim record: {failed} of {} scenario(s) not recorded", inputs.len());
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// The scenario lines of `text` (those named by `ids`, or all); a line that
/// is not a scenario is named on standard error and skipped.
fn read_inputs(text: &str, file: &str, ids: &[String]) -> Vec<Input> {
    let mut inputs = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let scenario = match Scenario::parse(line) {
            Ok(s) => s,
            Err((id, e)) => {
                eprintln!("corsim record: {file}:{} ({}) skipped: {e}", n + 1, id.unwrap_or_default());
                continue;
            }
        };
        let Some(id) = scenario.id.as_ref() else {
            eprintln!("corsim record: {file}:{} skipped: a scenario to record needs an id", n + 1);
            continue;
        };
        if !ids.is_empty() && !ids.contains(id) {
            continue;
        }
        match serde_json::from_str::<HashMap<String, Box<RawValue>>>(line) {
            Ok(raw) => inputs.push(Input { scenario, raw }),
            Err(e) => eprintln!("corsim record: {file}:{} skipped: {e}", n + 1),
        }
    }
    inputs
}

/// The job a driver reads: the browser, what the browser must be told
/// before it starts (see [`BrowserSetup`]), and per scenario the page to
/// open, the Local Network Access permission to set, and the steps'
/// requests as written (each made by its initiator).
fn job(inputs: &[Input], args: &Args) -> Result<Value, String> {
    let setup = BrowserSetup::of(inputs.iter().map(|i| &i.scenario))?;
    let scenarios: Vec<Value> = inputs
        .iter()
        .map(|input| {
            let s = &input.scenario;
            let page = match (&s.page.url, &s.origin) {
                (Some(url), _) => url.as_str().to_owned(),
                (None, corsim::Origin::Tuple(_)) => format!("{}/", s.origin.serialize()),
                (None, corsim::Origin::Opaque) => "http://127.0.0.1:8001/".to_owned(),
            };
            // The control pages are asked over plain HTTP on the page's own
            // port (every port answers both), on 127.0.0.1 (which a name in
            // the scenario need not resolve to outside the browser).
            let control = Url::parse(&page)
                .ok()
                .and_then(|u| u.port_or_known_default())
                .map(|port| format!("http://127.0.0.1:{port}"))
                .unwrap_or_default();
            let steps: Value = input
                .raw
                .get("steps")
                .and_then(|r| serde_json::from_str(r.get()).ok())
                .unwrap_or(Value::Array(Vec::new()));
            let permission = match s.page.local_network_access {
                corsim::local_network_access::Permission::Granted => "granted",
                corsim::local_network_access::Permission::Denied => "denied",
                corsim::local_network_access::Permission::Prompt => "prompt",
            };
            serde_json::json!({
                "id": s.id,
                "page": page,
                "sandboxed": s.origin.is_opaque(),
                "control": control,
                "local_network_access": permission,
                "steps": steps,
            })
        })
        .collect();
    Ok(serde_json::json!({
        "browser_path": args.browser_path,
        "step_timeout_ms": 10_000,
        "settle_ms": 300,
        "tls": setup.tls,
        "hosts": setup.hosts,
        "address_spaces": setup.address_spaces,
        "scenarios": scenarios,
    }))
}

/// What a browser is told once, at start, for a whole job: to accept the
/// throwaway certificate (when a scenario uses `https:`), which host names
/// to resolve to `127.0.0.1`, and which loopback ports to count in another
/// address space than loopback (Local Network Access). The browsers take
/// these for the whole run, so two scenarios must not disagree about a port.
#[derive(Debug, Default, PartialEq)]
struct BrowserSetup {
    tls: bool,
    /// Host names (not IP addresses, not `localhost`), sorted.
    hosts: Vec<String>,
    /// `127.0.0.1:PORT` (or `[::1]:PORT`) → `public` or `local`, sorted.
    address_spaces: std::collections::BTreeMap<String, String>,
}

impl BrowserSetup {
    fn of<'a>(scenarios: impl Iterator<Item = &'a Scenario>) -> Result<BrowserSetup, String> {
        use corsim::local_network_access::AddressSpace;
        let mut setup = BrowserSetup::default();
        let mut hosts = std::collections::BTreeSet::new();
        for s in scenarios {
            let id = s.id.as_deref().unwrap_or_default();
            // The page's headers come with its own URL; `/` is every scenario's.
            if s.page.embedder_policy != corsim::cross_origin_resource_policy::EmbedderPolicy::UnsafeNone && s.page.url.is_none() {
                return Err(format!("{id}: a page with coep needs a page.url of its own to be recorded"));
            }
            let mut urls: Vec<Url> = s.server.keys().chain(s.steps.iter().map(|st| &st.request.url)).filter_map(|u| Url::parse(u).ok()).collect();
            urls.extend(s.page.page_url(&s.origin));
            for u in &urls {
                setup.tls |= u.scheme() == "https";
                if let Some(url::Host::Domain(name)) = u.host() {
                    if !corsim::secure_context::is_loopback_host(&url::Host::Domain(name)) {
                        hosts.insert(name.to_ascii_lowercase());
                    }
                }
            }
            // Where the browser connects for `host:port`: the host's IP
            // address, or 127.0.0.1 for a name (resolved there).
            let endpoint = |host: &str, port: u16| match url::Host::parse(host) {
                Ok(url::Host::Ipv6(ip)) => format!("[{ip}]:{port}"),
                Ok(url::Host::Ipv4(ip)) => format!("{ip}:{port}"),
                _ => format!("127.0.0.1:{port}"),
            };
            let mut spaces: Vec<(String, AddressSpace)> = Vec::new();
            if let (Some(space), Some(page)) = (s.page.address_space, s.page.page_url(&s.origin)) {
                if let (Some(host), Some(port)) = (page.host_str(), page.port_or_known_default()) {
                    spaces.push((endpoint(host, port), space));
                }
            }
            for (key, space) in &s.page.address_spaces {
                let Ok(u) = Url::parse(&format!("http://{key}")) else { continue };
                let (Some(host), Some(port)) = (u.host_str(), u.port()) else {
                    return Err(format!("{id}: to record, address_spaces keys name a port ({key:?} has none)"));
                };
                spaces.push((endpoint(host, port), *space));
            }
            for (at, space) in spaces {
                if space == AddressSpace::Loopback {
                    continue;
                }
                match setup.address_spaces.get(&at) {
                    Some(other) if other != space.name() => {
                        return Err(format!("{id}: {at} is {space} here but {other} in another scenario; give it a port of its own"))
                    }
                    _ => setup.address_spaces.insert(at, space.name().to_owned()),
                };
            }
        }
        setup.hosts = hosts.into_iter().collect();
        Ok(setup)
    }
}

/// Where the drivers live: `CORSIM_RECORD_DRIVERS`, else this crate's `record/`.
fn drivers_dir() -> PathBuf {
    std::env::var_os("CORSIM_RECORD_DRIVERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/record")))
}

/// The command that runs the driver for `browser` on a job file.
fn driver_command(browser: RecordBrowser, job_file: &std::path::Path) -> Command {
    let dir = drivers_dir();
    match browser {
        RecordBrowser::Chromium | RecordBrowser::Firefox => {
            let script = if browser == RecordBrowser::Chromium { "chromium.mjs" } else { "firefox.mjs" };
            let mut cmd = Command::new("node");
            if node_needs_websocket_flag() {
                cmd.arg("--experimental-websocket");
            }
            cmd.arg(dir.join(script)).arg(job_file);
            cmd
        }
        RecordBrowser::Webkit => {
            let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
            let mut cmd = if has_display {
                Command::new("/usr/bin/python3")
            } else {
                let mut c = Command::new("xvfb-run");
                c.args(["-a", "/usr/bin/python3"]);
                c
            };
            cmd.arg(dir.join("webkit.py")).arg(job_file);
            cmd
        }
    }
}

/// Node before 22 has `WebSocket` only behind a flag.
fn node_needs_websocket_flag() -> bool {
    let version = Command::new("node").arg("--version").output().ok().map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let major = version.as_deref().and_then(|v| v.trim().trim_start_matches('v').split('.').next()?.parse::<u32>().ok());
    major.is_some_and(|m| m < 22)
}

/// Run the driver once over the whole job, in a freshly started browser.
fn run_driver(browser: RecordBrowser, job: &Value) -> Result<RunOutput, String> {
    let job_file = std::env::temp_dir().join(format!("corsim-record-{}-{:?}.json", std::process::id(), browser));
    std::fs::write(&job_file, job.to_string()).map_err(|e| format!("cannot write {}: {e}", job_file.display()))?;
    let mut child = driver_command(browser, &job_file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the {browser:?} driver: {e}"))?;
    let mut output = RunOutput::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("reading the driver: {e}"))?;
            if line.trim().is_empty() {
                continue;
            }
            let parsed: DriverLine = serde_json::from_str(&line).map_err(|e| format!("the driver wrote {line:?}: {e}"))?;
            if let Some(b) = parsed.browser {
                output.browser = Some(b);
            }
            if let Some(t) = parsed.templates {
                output.templates = t;
            }
            if let Some(id) = parsed.id {
                let entry = match (parsed.steps, parsed.error) {
                    (_, Some(e)) => Err(e),
                    (Some(steps), None) => Ok(steps),
                    (None, None) => Err("the driver gave no steps".to_owned()),
                };
                output.steps.insert(id, entry);
                if output.steps.len() % 100 == 0 {
                    eprintln!("corsim record: {browser:?}: {} scenario(s) run", output.steps.len());
                }
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&job_file);
    if !status.success() {
        return Err(format!("the {browser:?} driver exited with {status}"));
    }
    if output.browser.is_none() {
        return Err("the driver did not name the browser".to_owned());
    }
    Ok(output)
}

/// The `expect` entries of one scenario from every run: the first run's
/// observation, `unstable` on the steps where runs differ.
fn expect_from_runs(browser: RecordBrowser, scenario: &Scenario, runs: &[RunOutput], id: &str) -> Result<Vec<Expect>, String> {
    let mut per_run = Vec::new();
    for run in runs {
        let steps = match run.steps.get(id) {
            Some(Ok(steps)) => steps,
            Some(Err(e)) => return Err(e.clone()),
            None => return Err("the driver did not report it".to_owned()),
        };
        if steps.len() != scenario.steps.len() {
            return Err(format!("{} step(s) observed, {} in the scenario", steps.len(), scenario.steps.len()));
        }
        per_run.push(steps.iter().map(|o| expect_entry(browser, scenario, &run.templates, o)).collect::<Vec<_>>());
    }
    let mut first = per_run.remove(0);
    for (i, entry) in first.iter_mut().enumerate() {
        entry.unstable = per_run.iter().any(|other| other[i] != *entry);
    }
    Ok(first)
}

/// One observed step in the corpora's shape.
fn expect_entry(browser: RecordBrowser, scenario: &Scenario, templates: &HashMap<String, String>, o: &Observed) -> Expect {
    let result = if o.result.kind == "error" {
        ScriptGot { kind: "error".to_owned(), status: None, headers: None }
    } else {
        o.result.clone()
    };
    let cors_error = match browser {
        // Only a failed step has a reason: Chromium also raises a CORS issue
        // (`LocalNetworkAccessPermissionDenied`) for a Local Network Access
        // request that it then lets through on a granted permission.
        RecordBrowser::Chromium => o.cors_errors.first().cloned().filter(|_| result.kind == "error"),
        RecordBrowser::Firefox => o.console.iter().find_map(|line| firefox_key(templates, line)),
        RecordBrowser::Webkit => webkit_reason(scenario, &o.saw, &o.console),
    };
    Expect { server_saw: o.saw.clone(), result, cors_error, console: o.console.clone(), unstable: false }
}

/// Firefox's name for a console message: the key of the `CORS…` template in
/// its `security.properties` that the message fills in (the template with the
/// most fixed text, when several fit).
fn firefox_key(templates: &HashMap<String, String>, message: &str) -> Option<String> {
    templates
        .iter()
        .filter(|(key, _)| key.starts_with("CORS"))
        .filter(|(_, template)| fills_template(template, message))
        .max_by_key(|(key, template)| (literal_len(template), std::cmp::Reverse((*key).clone())))
        .map(|(key, _)| key.clone())
}

/// The fixed pieces of a `.properties` template: the text between its
/// placeholders (`%S`, `%1$S`, …).
fn template_pieces(template: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut rest = template;
    while let Some(at) = rest.find('%') {
        current.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let placeholder = if digits > 0 && after[digits..].starts_with("$S") {
            Some(digits + 2)
        } else if after.starts_with('S') {
            Some(1)
        } else {
            None
        };
        match placeholder {
            Some(len) => {
                pieces.push(std::mem::take(&mut current));
                rest = &after[len..];
            }
            None => {
                current.push('%');
                rest = after;
            }
        }
    }
    current.push_str(rest);
    pieces.push(current);
    pieces
}

fn literal_len(template: &str) -> usize {
    template_pieces(template).iter().map(String::len).sum()
}

/// Whether `message` is `template` with its placeholders filled in (each
/// with any text, possibly empty).
fn fills_template(template: &str, message: &str) -> bool {
    fn fits(pieces: &[String], text: &str) -> bool {
        match pieces {
            [] => text.is_empty(),
            [last] => text.ends_with(last.as_str()),
            [piece, rest @ ..] => text.match_indices(piece.as_str()).any(|(at, _)| fits(rest, &text[at + piece.len()..])),
        }
    }
    let pieces = template_pieces(template);
    let (head, rest) = pieces.split_first().map(|(h, r)| (h.as_str(), r)).unwrap_or(("", &[]));
    match message.strip_prefix(head) {
        // No placeholder: the message is the template.
        Some(tail) if rest.is_empty() => tail.is_empty(),
        Some(tail) => fits(rest, tail),
        None => false,
    }
}

/// WebKit's reason: its first console message that is not the closing
/// "Fetch API cannot load …", with the URLs of the fetch and its redirects
/// (every URL the scenario's server answers, and every `Location` target)
/// written `<url>` and the page's origin `<origin>`.
fn webkit_reason(scenario: &Scenario, saw: &[Saw], console: &[String]) -> Option<String> {
    let first = console.iter().find(|line| !line.starts_with("Fetch API cannot load "))?;
    let mut urls: Vec<String> = saw.iter().map(|r| r.url.clone()).collect();
    urls.extend(scenario.steps.iter().map(|s| s.request.url.clone()));
    urls.extend(scenario.server.keys().cloned());
    // The Location targets of the scripted redirects, resolved (with any
    // userinfo: WebKit names such a URL as written).
    for (from, scripted) in &scenario.server {
        for response in [&scripted.preflight, &scripted.actual].into_iter().flatten() {
            if let Some(location) = response.headers.get("location") {
                let location = corsim::header_list::isomorphic_decode(&location);
                // As written, for a Location no URL parser takes.
                urls.push(location.trim().to_owned());
                if let Ok(base) = Url::parse(from) {
                    if let Ok(target) = base.join(location.trim()) {
                        urls.push(target.to_string());
                    }
                }
            }
        }
    }
    urls.retain(|u| u.contains(':'));
    urls.sort_by_key(|u| std::cmp::Reverse(u.len()));
    urls.dedup();
    let mut text = first.clone();
    for u in &urls {
        text = text.replace(u.as_str(), "<url>");
    }
    if let corsim::Origin::Tuple(_) = scenario.origin {
        text = text.replace(scenario.origin.serialize(), "<origin>");
    }
    Some(text)
}

fn recorded_line(input: &Input, browser: &str, expect: Vec<Expect>) -> String {
    let field = |name: &str| input.raw.get(name).map(AsRef::as_ref);
    let line = Recorded { id: field("id"), browser, origin: field("origin"), page: field("page"), steps: field("steps"), server: field("server"), expect };
    serde_json::to_string(&line).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> HashMap<String, String> {
        [
            ("CORSMissingAllowOrigin2", "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at %1$S. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: %2$S."),
            ("CORSAllowOriginNotMatchingOrigin", "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at %1$S. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘%2$S’)."),
            ("CORSDidNotSucceed2", "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at %1$S. (Reason: CORS request did not succeed). Status code: %2$S."),
            ("InsecurePasswordsPresentOnPage", "Password fields present on an insecure (http://) page. %S"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn firefox_messages_are_named_by_the_template_they_fill() {
        let t = templates();
        let m = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://127.0.0.1:8002/s/1/a. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘’).";
        assert_eq!(firefox_key(&t, m).as_deref(), Some("CORSAllowOriginNotMatchingOrigin"));
        let m = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://x/. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.";
        assert_eq!(firefox_key(&t, m).as_deref(), Some("CORSMissingAllowOrigin2"));
        assert_eq!(firefox_key(&t, "Security Error: Content at http://a/ may not load data from http://b/."), None);
        assert_eq!(firefox_key(&t, "Password fields present on an insecure (http://) page. x"), None, "only CORS keys");
    }

    #[test]
    fn templates_split_at_every_placeholder_form() {
        assert_eq!(template_pieces("a %S b %2$S c 100%"), vec!["a ", " b ", " c 100%"]);
        assert!(fills_template("x %S y", "x  y"));
        assert!(!fills_template("x %S y", "x z"));
        assert!(fills_template("plain", "plain"));
        assert!(!fills_template("plain", "plain!"));
    }

    #[test]
    fn webkit_reasons_name_urls_and_the_origin_generically() {
        let line = r#"{"id":"t","origin":"http://127.0.0.1:8001","steps":[{"at_ms":0,"request":{"url":"http://127.0.0.1:8002/s/1/a"}}],"server":{"http://127.0.0.1:8002/s/1/a":{"actual":{"status":302,"headers":[["Location","/s/1/b"]]}}}}"#;
        let s = Scenario::parse(line).unwrap();
        let console = vec![
            "Cross-origin redirection to http://127.0.0.1:8002/s/1/b denied by Cross-Origin Resource Sharing policy: Origin http://127.0.0.1:8001 is not allowed by Access-Control-Allow-Origin. Status code: 302".to_owned(),
            "Fetch API cannot load http://127.0.0.1:8002/s/1/a due to access control checks.".to_owned(),
        ];
        assert_eq!(
            webkit_reason(&s, &[], &console).as_deref(),
            Some("Cross-origin redirection to <url> denied by Cross-Origin Resource Sharing policy: Origin <origin> is not allowed by Access-Control-Allow-Origin. Status code: 302")
        );
        assert_eq!(webkit_reason(&s, &[], &console[1..]), None);

        let line = r#"{"id":"t","origin":"http://127.0.0.1:8001","steps":[{"at_ms":0,"request":{"url":"http://127.0.0.1:8001/s/2/a"}}],"server":{"http://127.0.0.1:8001/s/2/a":{"actual":{"status":302,"headers":[["Location","http://u:p@127.0.0.1:8002/s/2/b"]]}},"http://127.0.0.1:8002/s/2/b":{"actual":{"status":200,"headers":[]}}}}"#;
        let s = Scenario::parse(line).unwrap();
        let console = vec!["Cross-origin redirection to http://127.0.0.1:8002/s/2/b denied by Cross-Origin Resource Sharing policy: redirection URL http://u:p@127.0.0.1:8002/s/2/b has credentials".to_owned()];
        assert_eq!(
            webkit_reason(&s, &[], &console).as_deref(),
            Some("Cross-origin redirection to <url> denied by Cross-Origin Resource Sharing policy: redirection URL <url> has credentials")
        );
    }

    #[test]
    fn the_browser_setup_comes_from_the_scenarios_pages() {
        let lines = [
            r#"{"id":"a","origin":"http://127.0.0.1:8341","page":{"address_space":"public","address_spaces":{"127.0.0.1:8343":"local","127.0.0.1:8342":"loopback"}},"steps":[],"server":{"http://127.0.0.1:8342/x":{"actual":{"status":200,"headers":[]}}}}"#,
            r#"{"id":"b","origin":"http://pub.test:8346","page":{"address_space":"public"},"steps":[{"at_ms":0,"request":{"url":"https://127.0.0.1:8347/y"}}],"server":{}}"#,
        ];
        let scenarios: Vec<Scenario> = lines.iter().map(|l| Scenario::parse(l).unwrap()).collect();
        let setup = BrowserSetup::of(scenarios.iter()).unwrap();
        assert!(setup.tls);
        assert_eq!(setup.hosts, vec!["pub.test".to_owned()]);
        let spaces: Vec<(&str, &str)> = setup.address_spaces.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        // A name's port is 127.0.0.1's; loopback needs no override.
        assert_eq!(spaces, vec![("127.0.0.1:8341", "public"), ("127.0.0.1:8343", "local"), ("127.0.0.1:8346", "public")]);

        let clash = r#"{"id":"c","origin":"http://127.0.0.1:8341","page":{"address_space":"local"},"steps":[],"server":{}}"#;
        let mut more = scenarios.clone();
        more.push(Scenario::parse(clash).unwrap());
        let err = BrowserSetup::of(more.iter()).unwrap_err();
        assert!(err.starts_with("c: 127.0.0.1:8341 is local here but public"), "{err}");
        let no_port = r#"{"id":"d","origin":"http://127.0.0.1:8341","page":{"address_spaces":{"api.test":"local"}},"steps":[],"server":{}}"#;
        assert!(BrowserSetup::of([Scenario::parse(no_port).unwrap()].iter()).is_err());
        let coep_at_root = r#"{"id":"e","origin":"http://127.0.0.1:8341","page":{"coep":"require-corp"},"steps":[],"server":{}}"#;
        assert!(BrowserSetup::of([Scenario::parse(coep_at_root).unwrap()].iter()).unwrap_err().contains("page.url"));
        assert_eq!(BrowserSetup::of(std::iter::empty()).unwrap(), BrowserSetup::default());
    }

    #[test]
    fn the_recorded_line_keeps_the_input_as_written_and_orders_fields_as_the_corpora() {
        let line = r#"{"server":{"http://127.0.0.1:8002/b":{"actual":{"status":200,"headers":[]}},"http://127.0.0.1:8002/a":{"actual":{"status":200,"headers":[]}}},"id":"t","origin":"http://127.0.0.1:8001","steps":[{"at_ms":0,"request":{"url":"http://127.0.0.1:8002/a","method":"GET"}}]}"#;
        let inputs = read_inputs(line, "-", &[]);
        let observed = Observed {
            result: serde_json::from_str(r#"{"type": "cors", "status": 200, "headers": ["content-length"], "message": "x"}"#).unwrap(),
            saw: serde_json::from_str(r#"[{"method": "GET", "url": "http://127.0.0.1:8002/a", "headers": [["origin", "http://127.0.0.1:8001"]]}]"#).unwrap(),
            console: vec![],
            cors_errors: vec![],
        };
        let expect = vec![expect_entry(RecordBrowser::Chromium, &inputs[0].scenario, &HashMap::new(), &observed)];
        let out = recorded_line(&inputs[0], "Chromium 1.2", expect);
        assert_eq!(
            out,
            r#"{"id":"t","browser":"Chromium 1.2","origin":"http://127.0.0.1:8001","steps":[{"at_ms":0,"request":{"url":"http://127.0.0.1:8002/a","method":"GET"}}],"server":{"http://127.0.0.1:8002/b":{"actual":{"status":200,"headers":[]}},"http://127.0.0.1:8002/a":{"actual":{"status":200,"headers":[]}}},"expect":[{"server_saw":[{"method":"GET","url":"http://127.0.0.1:8002/a","headers":[["origin","http://127.0.0.1:8001"]]}],"result":{"type":"cors","status":200,"headers":["content-length"]},"cors_error":null,"console":[]}]}"#
        );
    }
}
