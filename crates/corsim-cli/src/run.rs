//! `corsim run`: scenario lines in, verdict lines out, in input order, with
//! the lines simulated in parallel on every core.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use corsim_cli::exit::Status;

use corsim::scenario::{ErrorLine, Reader};
use corsim::Profile;
use serde_json::Value;

/// Lines read (and simulated in parallel) at a time: big enough to keep
/// every core busy, small enough to stream a long file.
const BATCH: usize = 2048;
/// Lines read at a time by one thread.
const SHORT_BATCH: usize = 64;

pub(crate) fn run(file: &str, profile: Option<&Profile>, summary: bool, jobs: Option<usize>) -> ExitCode {
    let size = (file != "-").then(|| std::fs::metadata(file).ok().map(|m| m.len())).flatten();
    let reader: Box<dyn BufRead> = if file == "-" {
        Box::new(io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(io::BufReader::new(f)),
            Err(e) => {
                eprintln!("corsim: cannot read {file}: {e}");
                return Status::BadInput.into();
            }
        }
    };
    let workers = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    // One thread takes short batches, so the lines and their verdicts stay
    // in cache between reading, simulating and writing (about a tenth less
    // time over 150,000 lines); several threads take long ones, so starting
    // them is paid rarely.
    let batch_len = if workers <= 1 { SHORT_BATCH } else { BATCH };
    let progress = io::stderr().is_terminal();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut tally = Tally::default();
    let mut lines = reader.split(b'\n').enumerate();
    let mut done_bytes = 0u64;
    let mut done_lines = 0usize;
    let mut unreadable = 0usize;
    let mut written = 0usize;
    loop {
        // Read a batch; a read error ends the file after what was read.
        let mut batch = Vec::with_capacity(batch_len);
        let mut read_error = None;
        for (n, line) in lines.by_ref() {
            match line {
                Ok(l) => {
                    done_bytes += l.len() as u64 + 1;
                    batch.push(l);
                    if batch.len() == batch_len {
                        break;
                    }
                }
                Err(e) => {
                    read_error = Some(format!("corsim: reading {file} failed at line {}: {e}", n + 1));
                    break;
                }
            }
        }
        let last = batch.len() < batch_len || read_error.is_some();
        done_lines += batch.len();
        for (json, line_tally, readable) in simulate_batch(&batch, profile, summary, workers) {
            unreadable += usize::from(!readable);
            written += 1;
            if out.write_all(json.as_bytes()).and_then(|()| out.write_all(b"\n")).is_err() {
                // Standard output closed (e.g. piped into `head`): stop quietly.
                clear_progress(progress);
                return ExitCode::SUCCESS;
            }
            if let Some(t) = line_tally {
                tally.add(t);
            }
        }
        if progress {
            let pct = size.filter(|s| *s > 0).map(|s| format!(" ({}%)", (done_bytes.min(s) * 100) / s)).unwrap_or_default();
            eprint!("\r\x1b[Kcorsim run: {done_lines} lines{pct}");
        }
        if let Some(message) = read_error {
            let _ = out.flush();
            clear_progress(progress);
            eprintln!("{message}");
            return Status::BadInput.into();
        }
        if last {
            break;
        }
    }
    let flushed = out.flush();
    clear_progress(progress);
    if summary {
        eprint!("{}", tally.report());
    }
    if flushed.is_err() {
        return ExitCode::SUCCESS;
    }
    if unreadable > 0 {
        eprintln!("corsim run: {unreadable} of {written} lines could not be read (their output lines carry \"error\"); the other {} were simulated", written - unreadable);
        return Status::DoesNotHold.into();
    }
    Status::Holds.into()
}

fn clear_progress(progress: bool) {
    if progress {
        eprint!("\r\x1b[K");
    }
}

/// Simulate a batch of raw lines on `workers` threads, each taking a run of
/// consecutive lines; results come back in input order, each with whether
/// the line could be read. Blank lines give nothing.
fn simulate_batch(
    batch: &[Vec<u8>],
    profile: Option<&Profile>,
    summary: bool,
    workers: usize,
) -> Vec<(String, Option<LineTally>, bool)> {
    let per = batch.len().div_ceil(workers.max(1)).max(1);
    // Each thread reads its lines through one reader, which remembers
    // the page origins it has seen.
    if workers <= 1 || batch.len() <= 1 {
        let mut reader = Reader::new();
        return batch.iter().filter_map(|l| simulate_line(&mut reader, l, profile, summary)).collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(per)
            .map(|chunk| {
                scope.spawn(move || {
                    let mut reader = Reader::new();
                    chunk.iter().filter_map(|l| simulate_line(&mut reader, l, profile, summary)).collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// One line: its verdict (or error) line, and with `summary` how it agrees
/// with the line's `expect`.
fn simulate_line(
    reader: &mut Reader,
    raw: &[u8],
    profile: Option<&Profile>,
    summary: bool,
) -> Option<(String, Option<LineTally>, bool)> {
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    if raw.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let (json, steps, readable) = match reader.parse_bytes(raw) {
        Ok(scenario) => {
            let verdict = scenario.simulate(profile);
            let steps = summary.then(|| verdict.steps.iter().filter_map(|s| serde_json::to_value(s).ok()).collect());
            // A verdict line is about as long as the line read: one buffer, no regrowth.
            let mut json = Vec::with_capacity(raw.len() + 256);
            let written = serde_json::to_writer(&mut json, &verdict);
            let json = written.and_then(|()| String::from_utf8(json).map_err(serde::ser::Error::custom));
            (json, steps, true)
        }
        Err((id, e)) => (serde_json::to_string(&ErrorLine { id, error: e.to_string() }), None, false),
    };
    let json = json.unwrap_or_else(|e| format!("{{\"id\":null,\"error\":\"cannot serialize verdict: {e}\"}}"));
    let tally = summary.then(|| LineTally::new(&String::from_utf8_lossy(raw), steps));
    Some((json, tally, readable))
}

/// The fields compared, in agree.py's order.
const FIELDS: [&str; 3] = ["server_saw", "result", "cors_error"];

/// How one line agrees with its `expect`.
struct LineTally {
    category: String,
    /// `None`: the line has no `expect` (or is not JSON).
    steps: Option<Vec<StepTally>>,
    /// The line could not be simulated.
    error: bool,
    unstable: usize,
}

struct StepTally {
    /// Which of FIELDS differ.
    differs: [bool; 3],
    /// `Some(equal)` when both sides carry `console`.
    console: Option<bool>,
    false_allow: bool,
    false_block: bool,
}

impl LineTally {
    fn new(text: &str, got: Option<Vec<Value>>) -> LineTally {
        let raw: Option<Value> = serde_json::from_str(text).ok();
        let id = raw.as_ref().and_then(|r| r.get("id")).cloned().unwrap_or(Value::Null);
        let category = category(&id);
        let expect = raw.as_ref().and_then(|r| r.get("expect")).and_then(Value::as_array);
        let Some(expect) = expect else {
            return LineTally { category, steps: None, error: false, unstable: 0 };
        };
        let stable: Vec<(usize, &Value)> = expect
            .iter()
            .enumerate()
            .filter(|(_, e)| e.get("unstable").and_then(Value::as_bool) != Some(true))
            .collect();
        let unstable = expect.len() - stable.len();
        let Some(got) = got else {
            let steps = stable.iter().map(|_| StepTally::all_wrong()).collect();
            return LineTally { category, steps: Some(steps), error: true, unstable };
        };
        let empty = Value::Object(Default::default());
        let steps = stable
            .into_iter()
            .map(|(k, e)| {
                let g = got.get(k).filter(|g| g.is_object()).unwrap_or(&empty);
                let mut differs = [false; 3];
                for (i, f) in FIELDS.iter().enumerate() {
                    differs[i] = g.get(f) != e.get(f);
                }
                let console = match (e.get("console"), g.get("console")) {
                    (Some(ec), Some(gc)) => Some(ec == gc),
                    _ => None,
                };
                let is_error = |v: &Value| v.get("result").and_then(|r| r.get("type")).and_then(Value::as_str) == Some("error");
                let any = differs.iter().any(|d| *d);
                StepTally {
                    differs,
                    console,
                    false_allow: any && is_error(e) && !is_error(g),
                    false_block: any && is_error(g) && !is_error(e),
                }
            })
            .collect();
        LineTally { category, steps: Some(steps), error: false, unstable }
    }
}

impl StepTally {
    fn all_wrong() -> StepTally {
        StepTally { differs: [true; 3], console: None, false_allow: false, false_block: false }
    }
}

/// agree.py's category: the middle part of an id like `chr-cache-000123`.
fn category(id: &Value) -> String {
    let s = match id {
        Value::String(s) => s.clone(),
        Value::Null => "None".to_owned(),
        other => other.to_string(),
    };
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() > 2 {
        parts[1].to_owned()
    } else {
        "all".to_owned()
    }
}

#[derive(Default)]
struct Tally {
    lines: usize,
    without_expect: usize,
    steps: usize,
    agree: usize,
    errors: usize,
    false_allow: usize,
    false_block: usize,
    unstable: usize,
    console_same: usize,
    console_steps: usize,
    /// Steps where each field agrees / differs.
    field_agree: [usize; 3],
    field_differ: [usize; 3],
    /// Per category: (steps, steps that differ).
    categories: BTreeMap<String, (usize, usize)>,
}

impl Tally {
    fn add(&mut self, line: LineTally) {
        self.lines += 1;
        let Some(steps) = line.steps else {
            self.without_expect += 1;
            return;
        };
        self.unstable += line.unstable;
        let cat = self.categories.entry(line.category).or_default();
        for s in steps {
            self.steps += 1;
            cat.0 += 1;
            if line.error {
                self.errors += 1;
                cat.1 += 1;
                continue;
            }
            if let Some(same) = s.console {
                self.console_steps += 1;
                self.console_same += usize::from(same);
            }
            for i in 0..FIELDS.len() {
                if s.differs[i] {
                    self.field_differ[i] += 1;
                } else {
                    self.field_agree[i] += 1;
                }
            }
            if s.differs.iter().any(|d| *d) {
                cat.1 += 1;
                self.false_allow += usize::from(s.false_allow);
                self.false_block += usize::from(s.false_block);
            } else {
                self.agree += 1;
            }
        }
    }

    /// What agree.py prints (without the individual disagreements), plus
    /// the agreement per field and per category.
    fn report(&self) -> String {
        let mut out = String::new();
        if self.lines == self.without_expect {
            out.push_str("corsim run --summary: no line carries `expect`; nothing to compare\n");
            return out;
        }
        // agree.py's lines: the differing fields, most common first.
        let mut differing: Vec<(usize, &str)> =
            FIELDS.iter().enumerate().filter(|(i, _)| self.field_differ[*i] > 0).map(|(i, f)| (self.field_differ[i], *f)).collect();
        differing.sort_by_key(|d| std::cmp::Reverse(d.0));
        if !differing.is_empty() {
            let parts: Vec<String> = differing.iter().map(|(n, f)| format!("{f} {n}")).collect();
            out.push_str(&format!("differing fields: {}\n", parts.join(", ")));
        }
        let bad: Vec<String> =
            self.categories.iter().filter(|(_, (_, b))| *b > 0).map(|(c, (t, b))| format!("{c} {b}/{t} off")).collect();
        if !bad.is_empty() {
            out.push_str(&format!("by category: {}\n", bad.join(", ")));
        }
        // Agreement per field and per category.
        let compared = self.steps - self.errors;
        let fields: Vec<String> = FIELDS
            .iter()
            .enumerate()
            .map(|(i, f)| format!("{f} {}/{compared}", self.field_agree[i]))
            .chain(std::iter::once(format!("console {}/{}", self.console_same, self.console_steps)))
            .collect();
        out.push_str(&format!("per field: {}\n", fields.join(", ")));
        let cats: Vec<String> = self.categories.iter().map(|(c, (t, b))| format!("{c} {}/{t}", t - b)).collect();
        out.push_str(&format!("per category: {}\n", cats.join(", ")));
        if self.without_expect > 0 {
            out.push_str(&format!("lines without expect: {}\n", self.without_expect));
        }
        let pct = if self.steps > 0 { 100.0 * self.agree as f64 / self.steps as f64 } else { 0.0 };
        out.push_str(&format!(
            "agree: {}/{} steps ({pct:.1}%), false-allow: {}, false-block: {}, missing: 0, errors: {}, console: {}/{}, unstable skipped: {}\n",
            self.agree, self.steps, self.false_allow, self.false_block, self.errors, self.console_same, self.console_steps, self.unstable
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_as_agree_py() {
        assert_eq!(category(&Value::from("chr-cache-000123")), "cache");
        assert_eq!(category(&Value::from("chr-000042")), "all");
        assert_eq!(category(&Value::Null), "all");
        assert_eq!(category(&Value::from("a-b-c-d")), "b");
    }

    #[test]
    fn tally_counts_fields_and_categories() {
        let line = r#"{"id":"x-cat-1","origin":"https://a.example","steps":[{"request":{"url":"https://b.example/"}}],
            "server":{},"expect":[{"server_saw":[],"result":{"type":"cors"},"cors_error":null,"console":[]}]}"#;
        let (_, t, _) = simulate_line(&mut Reader::new(), line.as_bytes(), None, true).unwrap();
        let mut tally = Tally::default();
        tally.add(t.unwrap());
        assert_eq!((tally.steps, tally.agree, tally.false_allow, tally.false_block), (1, 0, 0, 1));
        let report = tally.report();
        assert!(report.contains("by category: cat 1/1 off"), "{report}");
        assert!(report.contains("differing fields: server_saw 1, result 1, cors_error 1"), "{report}");
        assert!(report.ends_with("agree: 0/1 steps (0.0%), false-allow: 0, false-block: 1, missing: 0, errors: 0, console: 0/1, unstable skipped: 0\n"), "{report}");
    }
}
