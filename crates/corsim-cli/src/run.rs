//! `corsim run`: scenario lines in, verdict lines out, in input order, with
//! the lines simulated in parallel on every core.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::{mpsc, Mutex};

use corsim_cli::exit::Status;

use corsim::scenario::{ErrorLine, Reader, Scenario, ScenarioVerdict};
use corsim::Profile;
use serde_json::Value;

/// Lines read at a time: a job for one worker. Short, so that a line's text
/// and its verdict are still in cache when the verdict is written (against
/// 2048 lines a batch, about 6% less time on one thread).
const CHUNK: usize = 64;
/// The input's read buffer: large reads, fewer calls into the kernel (about
/// 1% less time than std's 8 KiB over a 96 MB file).
const READ_BUFFER: usize = 1 << 18;
/// The most a chunk's buffers reserve ahead: past it they grow as lines
/// need, so one huge line does not make every later chunk reserve as much.
const RESERVE_AT_MOST: usize = 1 << 20;
/// Chunks read ahead of the writing, per worker: enough to keep every
/// worker busy, few enough to stream a long file in bounded memory.
const AHEAD: usize = 4;

/// A chunk's output: its verdict and error lines, each with its newline,
/// in one buffer (no string per line), and how each line counts.
#[derive(Default)]
struct Written {
    text: Vec<u8>,
    /// Per line: how it agrees with its `expect` when asked, and whether
    /// it could be read.
    lines: Vec<(Option<LineTally>, bool)>,
}

/// A line that ended before the last phase: its error line, and with
/// `--summary` its tally.
struct Failed {
    line: ErrorLine,
    tally: Option<LineTally>,
}

/// A line's work so far in [`simulate_chunk`]'s phases: what the next phase
/// takes, or how the line failed.
type Phase<T> = Result<T, Failed>;

pub(crate) fn run(file: &str, profile: Option<&Profile>, summary: bool, jobs: Option<usize>) -> ExitCode {
    let size = (file != "-").then(|| std::fs::metadata(file).ok().map(|m| m.len())).flatten();
    let reader: Box<dyn BufRead> = if file == "-" {
        Box::new(io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(io::BufReader::with_capacity(READ_BUFFER, f)),
            Err(e) => {
                eprintln!("corsim: cannot read {file}: {e}");
                return Status::BadInput.into();
            }
        }
    };
    let workers = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let stdout = io::stdout();
    let mut sink = Sink {
        out: BufWriter::new(stdout.lock()),
        tally: Tally::default(),
        progress: io::stderr().is_terminal(),
        size,
        done_bytes: 0,
        done_lines: 0,
        unreadable: 0,
        written: 0,
        closed: false,
    };
    let mut chunks = Chunks { input: reader, file, lines: 0, size_hint: 0, error: None, done: false };
    if workers <= 1 {
        let mut reader = Reader::new();
        while let Some(chunk) = chunks.next_chunk(&mut sink) {
            if !sink.write(simulate_chunk(&mut reader, &chunk, profile, summary)) {
                break;
            }
        }
    } else {
        run_on_workers(&mut chunks, &mut sink, workers, profile, summary);
    }
    sink.finish(chunks.error, summary)
}

/// The lines of the input, a chunk at a time; a read error ends the input
/// after what was read, and is kept to be said at the end.
struct Chunks<'f> {
    input: Box<dyn BufRead + 'f>,
    file: &'f str,
    /// Lines read so far.
    lines: usize,
    /// The last chunk's length in bytes: the next one's first allocation
    /// (at most [`RESERVE_AT_MOST`]).
    size_hint: usize,
    error: Option<String>,
    done: bool,
}

/// Up to [`CHUNK`] lines of the input in one buffer: one allocation for
/// the chunk's text, not one (and its growth) per line.
struct Chunk {
    text: Vec<u8>,
    /// Where each line ends in `text`, after its `\n` if it has one.
    ends: Vec<usize>,
}

impl Chunk {
    /// The lines, without their `\n`.
    fn lines(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let line = &self.text[start..end];
            start = end;
            line.strip_suffix(b"\n").unwrap_or(line)
        })
    }
}

impl Chunks<'_> {
    fn next_chunk(&mut self, sink: &mut Sink) -> Option<Chunk> {
        if self.done {
            return None;
        }
        let mut chunk = Chunk { text: Vec::with_capacity(self.size_hint), ends: Vec::with_capacity(CHUNK) };
        while chunk.ends.len() < CHUNK {
            let start = chunk.text.len();
            match self.input.read_until(b'\n', &mut chunk.text) {
                Ok(0) => {
                    self.done = true;
                    break;
                }
                Ok(_) => chunk.ends.push(chunk.text.len()),
                Err(e) => {
                    // What was read of the line before the error is not a line.
                    chunk.text.truncate(start);
                    let line = self.lines + chunk.ends.len() + 1;
                    self.error = Some(format!("corsim: reading {} failed at line {line}: {e}", self.file));
                    self.done = true;
                    break;
                }
            }
        }
        self.lines += chunk.ends.len();
        self.size_hint = chunk.text.len().min(RESERVE_AT_MOST);
        sink.done_bytes += chunk.text.len() as u64;
        sink.done_lines += chunk.ends.len();
        (!chunk.ends.is_empty()).then_some(chunk)
    }
}

/// Simulate chunks on `workers` threads while this one reads and writes:
/// each worker takes the next chunk when it is free, and the verdicts are
/// written in input order as they come back. Each worker reads its lines
/// through one reader, which remembers the page origins it has seen.
fn run_on_workers(chunks: &mut Chunks<'_>, sink: &mut Sink, workers: usize, profile: Option<&Profile>, summary: bool) {
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, Chunk)>(workers * AHEAD);
    let job_rx = Mutex::new(job_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Written)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (job_rx, done_tx) = (&job_rx, done_tx.clone());
            scope.spawn(move || {
                let mut reader = Reader::new();
                // Take the lock only to receive; a poisoned lock or a closed
                // channel ends the worker.
                while let Some((index, chunk)) = job_rx.lock().ok().and_then(|rx| rx.recv().ok()) {
                    let results = simulate_chunk(&mut reader, &chunk, profile, summary);
                    if done_tx.send((index, results)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        // Results that came back before those ahead of them.
        let mut pending: BTreeMap<usize, Written> = BTreeMap::new();
        let mut next = 0;
        let mut write_ready = |pending: &mut BTreeMap<usize, Written>, sink: &mut Sink| {
            while let Some(results) = pending.remove(&next) {
                next += 1;
                if !sink.write(results) {
                    return false;
                }
            }
            true
        };
        let mut sent = 0;
        while let Some(chunk) = chunks.next_chunk(sink) {
            if job_tx.send((sent, chunk)).is_err() {
                break;
            }
            sent += 1;
            pending.extend(done_rx.try_iter());
            if !write_ready(&mut pending, sink) {
                return;
            }
        }
        // The input is read: no more jobs; write the rest as it comes.
        drop(job_tx);
        for (index, results) in done_rx.iter() {
            pending.insert(index, results);
            if !write_ready(&mut pending, sink) {
                return;
            }
        }
    });
}

/// Where verdict lines go, with what the end of the run reports.
struct Sink<'o> {
    out: BufWriter<io::StdoutLock<'o>>,
    tally: Tally,
    progress: bool,
    size: Option<u64>,
    done_bytes: u64,
    done_lines: usize,
    unreadable: usize,
    written: usize,
    /// Standard output was closed (e.g. piped into `head`).
    closed: bool,
}

impl Sink<'_> {
    /// Write a chunk's lines; `false` once standard output is closed.
    fn write(&mut self, written: Written) -> bool {
        if self.out.write_all(&written.text).is_err() {
            self.closed = true;
            return false;
        }
        for (line_tally, readable) in written.lines {
            self.unreadable += usize::from(!readable);
            self.written += 1;
            if let Some(t) = line_tally {
                self.tally.add(t);
            }
        }
        if self.progress {
            let pct = self.size.filter(|s| *s > 0).map(|s| format!(" ({}%)", (self.done_bytes.min(s) * 100) / s)).unwrap_or_default();
            eprint!("\r\x1b[Kcorsim run: {} lines{pct}", self.done_lines);
        }
        true
    }

    /// Flush, report, and say how the run ended.
    fn finish(mut self, read_error: Option<String>, summary: bool) -> ExitCode {
        let flushed = !self.closed && self.out.flush().is_ok();
        clear_progress(self.progress);
        if self.closed {
            // Standard output closed: stop quietly.
            return ExitCode::SUCCESS;
        }
        if let Some(message) = read_error {
            eprintln!("{message}");
            return Status::BadInput.into();
        }
        if summary {
            eprint!("{}", self.tally.report());
        }
        if !flushed {
            return ExitCode::SUCCESS;
        }
        if self.unreadable > 0 {
            eprintln!(
                "corsim run: {} of {} lines could not be read (their output lines carry \"error\"); the other {} were simulated",
                self.unreadable,
                self.written,
                self.written - self.unreadable
            );
            return Status::DoesNotHold.into();
        }
        Status::Holds.into()
    }
}

fn clear_progress(progress: bool) {
    if progress {
        eprint!("\r\x1b[K");
    }
}

/// A chunk's lines simulated through `reader`, a phase at a time: every
/// line read, then every scenario simulated, then every verdict written.
/// Each phase's code stays in the instruction cache across the chunk's
/// lines (about 3% less time than line by line, on one thread). Each line's
/// work in each phase is guarded; blank lines give nothing. The lines are
/// written in order.
fn simulate_chunk(reader: &mut Reader, chunk: &Chunk, profile: Option<&Profile>, summary: bool) -> Written {
    let lines: Vec<&[u8]> = chunk
        .lines()
        .map(|raw| raw.strip_suffix(b"\r").unwrap_or(raw))
        .filter(|raw| !raw.iter().all(u8::is_ascii_whitespace))
        .collect();
    let read: Vec<Phase<Scenario>> = lines.iter().map(|raw| read_line(reader, raw, summary)).collect();
    let simulated: Vec<Phase<ScenarioVerdict>> = read
        .into_iter()
        .map(|scenario| scenario.and_then(|s| guarded(reader, |r| r.simulate(&s, profile))))
        .collect();
    // A verdict line is about as long as its scenario line.
    let reserve = chunk.text.len().min(RESERVE_AT_MOST);
    let mut out = Written { text: Vec::with_capacity(reserve), lines: Vec::with_capacity(lines.len()) };
    for (raw, verdict) in lines.iter().zip(simulated) {
        let start = out.text.len();
        let text = &mut out.text;
        let written = verdict.and_then(|v| guarded(reader, |_| write_verdict(raw, &v, summary, text)));
        out.lines.push(match written {
            Ok(tally) => (tally, true),
            Err(failed) => {
                // A panic may have left part of the verdict written.
                out.text.truncate(start);
                failed.line.write_line(&mut out.text);
                (failed.tally, false)
            }
        });
    }
    out
}

/// A line's work, a panic in it (a bug) made that line's error line: the
/// rest of the batch still runs, and a worker thread never dies with its
/// chunk unanswered. The panic's own message goes to standard error as
/// usual; the reader starts afresh, since the panic may have left it
/// half-updated.
fn guarded<T>(reader: &mut Reader, work: impl FnOnce(&mut Reader) -> T) -> Phase<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(reader))).map_err(|_| {
        *reader = Reader::new();
        let error = "corsim failed on this line (a bug, please report it with the line): see the panic message on standard error";
        Failed { line: ErrorLine { id: None, error: error.to_owned() }, tally: None }
    })
}

/// A non-blank line read as a scenario, or its error line (with `summary`,
/// tallied as a line that could not be simulated).
fn read_line(reader: &mut Reader, raw: &[u8], summary: bool) -> Phase<Scenario> {
    guarded(reader, |r| r.parse_bytes(raw))?.map_err(|(id, e)| Failed {
        line: ErrorLine { id, error: e.to_string() },
        tally: summary.then(|| LineTally::new(&String::from_utf8_lossy(raw), None)),
    })
}

/// A simulated line's verdict line written to `out`, and with `summary` how
/// it agrees with the line's `expect`.
fn write_verdict(raw: &[u8], verdict: &ScenarioVerdict, summary: bool, out: &mut Vec<u8>) -> Option<LineTally> {
    let tally = summary.then(|| {
        let steps = verdict.steps.iter().filter_map(|s| serde_json::to_value(s).ok()).collect();
        LineTally::new(&String::from_utf8_lossy(raw), Some(steps))
    });
    verdict.write_line(out);
    tally
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

    /// A chunk of `lines`, as the input is read into one.
    fn chunk(lines: &[&str]) -> Chunk {
        let mut chunk = Chunk { text: Vec::new(), ends: Vec::new() };
        for line in lines {
            chunk.text.extend_from_slice(line.as_bytes());
            chunk.ends.push(chunk.text.len());
        }
        chunk
    }

    const OK: &str = r#"{"id":"ok","origin":"https://a.example","steps":[{"request":{"url":"https://a.example/"}}]}"#;

    #[test]
    fn a_line_that_panics_gets_an_error_line_and_the_next_runs() {
        let mut reader = Reader::new();
        reader.parse(OK).unwrap();
        let panicked = guarded(&mut reader, |_| -> () { panic!("a test panic") }).unwrap_err();
        assert!(panicked.line.to_line().starts_with(r#"{"id":null,"error":"corsim failed on this line"#));
        assert!(panicked.tally.is_none());
        let written = simulate_chunk(&mut reader, &chunk(&[OK, "\n"]), None, false);
        assert_eq!(written.lines.len(), 1);
        assert!(written.text.starts_with(br#"{"id":"ok","steps":"#), "{}", String::from_utf8_lossy(&written.text));
        assert!(written.text.ends_with(b"}\n"));
        assert!(written.lines[0].1);
    }

    #[test]
    fn a_chunk_keeps_its_lines_order_through_the_phases() {
        let lines = [&format!("{OK}\n"), "\r\n", "  \n", "{\"id\":\"bad\"}\r\n", &OK.replace("\"ok\"", "\"last\"")];
        let written = simulate_chunk(&mut Reader::new(), &chunk(&lines), None, false);
        let text = String::from_utf8(written.text).unwrap();
        let out: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        let ids: Vec<&Value> = out.iter().map(|line| &line["id"]).collect();
        assert_eq!(ids, ["ok", "bad", "last"], "blank lines give nothing");
        assert_eq!(written.lines.iter().map(|l| l.1).collect::<Vec<_>>(), [true, false, true]);
        assert!(out[1]["error"].is_string(), "{text}");
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn chunks_read_whole_lines_and_say_where_reading_failed() {
        /// Gives `good`, then fails.
        struct Failing<'a> {
            good: &'a [u8],
        }
        impl io::Read for Failing<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if self.good.is_empty() {
                    return Err(io::Error::other("the disk went away"));
                }
                let n = out.len().min(self.good.len());
                out[..n].copy_from_slice(&self.good[..n]);
                self.good = &self.good[n..];
                Ok(n)
            }
        }
        let text: String = (0..CHUNK + 2).map(|i| format!("line {i}\n")).collect::<String>() + "half a line";
        let input = io::BufReader::with_capacity(7, Failing { good: text.as_bytes() });
        let mut chunks = Chunks { input: Box::new(input), file: "f.jsonl", lines: 0, size_hint: 0, error: None, done: false };
        let mut sink = Sink {
            out: BufWriter::new(io::stdout().lock()),
            tally: Tally::default(),
            progress: false,
            size: None,
            done_bytes: 0,
            done_lines: 0,
            unreadable: 0,
            written: 0,
            closed: false,
        };
        let first = chunks.next_chunk(&mut sink).unwrap();
        assert_eq!(first.lines().count(), CHUNK);
        assert_eq!(first.lines().nth(3), Some(&b"line 3"[..]));
        let second = chunks.next_chunk(&mut sink).unwrap();
        assert_eq!(second.lines().collect::<Vec<_>>(), [&b"line 64"[..], b"line 65"], "the half line is dropped");
        assert!(chunks.next_chunk(&mut sink).is_none());
        assert_eq!(chunks.error.as_deref(), Some("corsim: reading f.jsonl failed at line 67: the disk went away"));
        assert_eq!((sink.done_lines, sink.done_bytes), (CHUNK + 2, (text.len() - "half a line".len()) as u64));
    }

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
        let (t, _) = simulate_chunk(&mut Reader::new(), &chunk(&[line]), None, true).lines.pop().unwrap();
        let mut tally = Tally::default();
        tally.add(t.unwrap());
        assert_eq!((tally.steps, tally.agree, tally.false_allow, tally.false_block), (1, 0, 0, 1));
        let report = tally.report();
        assert!(report.contains("by category: cat 1/1 off"), "{report}");
        assert!(report.contains("differing fields: server_saw 1, result 1, cors_error 1"), "{report}");
        assert!(report.ends_with("agree: 0/1 steps (0.0%), false-allow: 0, false-block: 1, missing: 0, errors: 0, console: 0/1, unstable skipped: 0\n"), "{report}");
    }
}
