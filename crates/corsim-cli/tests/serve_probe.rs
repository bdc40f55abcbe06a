//! `corsim probe` against `corsim serve` on loopback: probing a served
//! scenario gives the verdict the engine gives that scenario. The recorded
//! Chromium scenarios with one step are served on free ports (their ports
//! rewritten), and each is probed with the same request.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use corsim::scenario::Scenario;
use serde_json::Value;

const CORSIM: &str = env!("CARGO_BIN_EXE_corsim");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The one-step recorded scenarios whose request can be written on a
/// command line, their ports rewritten to three free ones, served by
/// `corsim serve`: the server once it listens, and the lines it serves; or
/// why it did not start (it exited, or did not listen within 30 s).
fn serve_on_fresh_ports(text: &str, dir: &std::path::Path) -> Result<(Server, Vec<String>), String> {
    let ports = [free_port(), free_port(), free_port()];
    let rewrite = |line: &str| {
        line.replace(":8001", &format!(":{}", ports[0]))
            .replace(":8002", &format!(":{}", ports[1]))
            .replace(":8003", &format!(":{}", ports[2]))
    };
    let mut chosen = Vec::new();
    for line in text.lines() {
        let v: Value = serde_json::from_str(line).expect("JSON");
        let steps = v["steps"].as_array().expect("steps");
        let printable = |s: &str| s.chars().all(|c| (' '..='~').contains(&c));
        let request = &steps[0]["request"];
        let headers_ok = request["headers"]
            .as_array()
            .is_some_and(|h| h.iter().all(|p| printable(p[0].as_str().unwrap_or("")) && printable(p[1].as_str().unwrap_or(""))));
        if steps.len() == 1 && headers_ok && printable(request["method"].as_str().unwrap_or("")) {
            chosen.push(rewrite(line));
        }
    }
    assert!(chosen.len() > 300, "enough scenarios to probe ({})", chosen.len());
    let file = dir.join("served.jsonl");
    std::fs::write(&file, chosen.join("\n")).expect("written");
    let log = dir.join("serve.log");
    let stderr = std::fs::File::create(&log).expect("a log file");
    let mut server =
        Server(Command::new(CORSIM).arg("serve").arg(&file).stdout(Stdio::null()).stderr(stderr).spawn().expect("serve starts"));
    let start = Instant::now();
    while ports[1..].iter().any(|&p| TcpStream::connect(("127.0.0.1", p)).is_err()) {
        if let Ok(Some(status)) = server.0.try_wait() {
            return Err(format!("serve exited ({status}): {}", std::fs::read_to_string(&log).unwrap_or_default().trim()));
        }
        if start.elapsed() > Duration::from_secs(30) {
            return Err(format!("serve did not listen on {:?} within 30 s", &ports[1..]));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok((server, chosen))
}

#[test]
fn probing_a_served_scenario_gives_its_verdict() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/corpus/chromium-156-public.jsonl");
    let text = std::fs::read_to_string(corpus).expect("the recorded corpus");
    let dir = std::env::temp_dir().join(format!("corsim-serve-probe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    // A port chosen free can be taken before `corsim serve` binds it (tests
    // run in parallel): then serve exits, and the ports are chosen again.
    let mut attempt = 0;
    let (_server, chosen) = loop {
        attempt += 1;
        match serve_on_fresh_ports(&text, &dir) {
            Ok(serving) => break serving,
            Err(why) if attempt < 3 => eprintln!("attempt {attempt}: {why}; choosing other ports"),
            Err(why) => panic!("corsim serve did not start after {attempt} attempts: {why}"),
        }
    };
    let mut failures = Vec::new();
    for line in &chosen {
        let scenario = Scenario::parse(line).expect("a scenario");
        let expected = scenario.simulate(None);
        let raw: Value = serde_json::from_str(line).expect("JSON");
        let r = &raw["steps"][0]["request"];
        let mut cmd = Command::new(CORSIM);
        cmd.args(["probe", r["url"].as_str().unwrap_or(""), "--origin", raw["origin"].as_str().unwrap_or(""), "--json"]);
        cmd.args(["-X", r["method"].as_str().unwrap_or("GET")]);
        for field in ["mode", "credentials", "redirect"] {
            if let Some(v) = r[field].as_str() {
                cmd.arg(format!("--{field}")).arg(v);
            }
        }
        for h in r["headers"].as_array().into_iter().flatten() {
            cmd.arg("-H").arg(format!("{}: {}", h[0].as_str().unwrap_or(""), h[1].as_str().unwrap_or("")));
        }
        let out = cmd.output().expect("probe runs");
        let id = scenario.id.clone().unwrap_or_default();
        let Ok(explanation) = serde_json::from_slice::<Value>(&out.stdout) else {
            failures.push(format!("{id}: probe printed no JSON: {}", String::from_utf8_lossy(&out.stderr)));
            continue;
        };
        let want = &expected.steps[0];
        let readable = want.result.kind != "error" && want.result.kind != "opaque" && want.result.kind != "opaqueredirect";
        let got_console: Vec<String> = serde_json::from_value(explanation["console"].clone()).unwrap_or_default();
        let got_error = explanation["result"]["failure"]["cors_error"].as_str().map(str::to_owned);
        if got_console != want.console || got_error != want.cors_error {
            failures.push(format!(
                "{id}: probe says {got_error:?} {got_console:?}, the scenario's verdict {:?} {:?}",
                want.cors_error, want.console
            ));
        }
        let exit_ok = out.status.code() == Some(if readable { 0 } else { 1 });
        if !exit_ok {
            failures.push(format!("{id}: exit {:?} for a {} result", out.status.code(), want.result.kind));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{} of {} probes disagree:\n{}", failures.len(), chosen.len(), failures.join("\n"));
}
