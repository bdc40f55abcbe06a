//! The `corsim` command.

#![forbid(unsafe_code)]

mod check;
mod explain;
mod message;
mod playground;
mod probe;
mod record;
mod run;
mod serve;
mod ui;

use std::process::ExitCode;

/// A batch (`corsim run`) allocates and frees many short strings a line;
/// mimalloc does that in about half of glibc's instructions (benches/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use corsim::{Browser, CredentialsMode, Mode, Profile, RedirectMode};

/// corsim: what a browser will do with your server's CORS headers.
#[derive(Parser, Debug)]
#[command(name = "corsim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate scenario JSON Lines (FORMAT.md) and write one verdict line per input line.
    #[command(after_help = concat!("\
The format is described in FORMAT.md (tests/corpus/FORMAT.md in corsim's repository):
one JSON object per line with `origin`, `steps` and `server`. Lines are simulated in
parallel on every core; the output keeps the input order. A line that cannot be read
gets {\"id\": …, \"error\": \"<field>: <what is wrong>\"} and the other lines still run.

Exit status: 0 when every line was simulated, 1 when some lines could not be read
(every other line still ran), ", corsim_cli::exit_2_and_3!(), "

Example:
  corsim run tests/corpus/chromium-156-public.jsonl --summary > verdicts.jsonl"))]
    Run {
        /// The scenario file, or `-` for standard input.
        file: String,
        /// The browser to imitate; by default each scenario's `browser` field, else Chromium.
        #[arg(long, value_enum)]
        profile: Option<ProfileArg>,
        /// When lines carry `expect`, print agreement counts per field and per
        /// category to standard error.
        #[arg(long)]
        summary: bool,
        /// Threads to simulate on (default: one per core).
        #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
    },
    /// Explain one fetch step by step: the preflight, each check, what script can read,
    /// the console message, and the fix for the server.
    #[command(after_help = explain::AFTER_HELP)]
    Explain(Box<explain::Args>),
    /// Send a live server exactly what the browser would, and judge its answers.
    #[command(after_help = probe::PROBE_HELP)]
    Probe(Box<probe::ProbeArgs>),
    /// Probe a live server for known CORS misconfigurations.
    #[command(after_help = probe::AUDIT_HELP)]
    Audit(probe::AuditArgs),
    /// Serve scenarios' scripted servers byte for byte, and a page that runs their
    /// fetches in whatever browser opens it, beside corsim's prediction.
    #[command(after_help = concat!("\
Listens on the loopback ports the scenarios use (both 127.0.0.1 and ::1) and prints
the page to open. Ctrl-C stops.

Exit status: 0 when stopped, ", corsim_cli::exit_2_and_3!(), "

Example:
  corsim serve tests/corpus/chromium-156-public.jsonl --id chr-cache-000354"))]
    Serve(serve::Args),
    /// Check a CORS library's configuration against the front end's needs before it
    /// ships: blocked requests with the fix in the library's options, origins it lets
    /// read that it should not, a missing Vary.
    #[command(after_help = check::AFTER_HELP)]
    Check(Box<check::Args>),
    /// Run scenarios in a real browser and write them back with `expect` and `browser`
    /// filled as the recorded corpora hold them.
    #[command(after_help = record::AFTER_HELP)]
    Record(record::Args),
    /// Serve the web playground on loopback.
    #[command(after_help = playground::AFTER_HELP)]
    Playground(playground::Args),
    /// Where recorded browsers disagree: a Markdown table built from corpora of the
    /// same scenarios recorded in several browsers.
    #[command(after_help = "\
Scenarios are matched by their id without its prefix (chr-cache-000351 and
ffx-cache-000351). A step is listed when the browsers sent different requests or
script got different results.

With --manifest, every corpus the MANIFEST lists (FILE PROFILE lines, files
relative to the MANIFEST's folder) is read, and the corpora of one profile make
one column (profile spec is left out).

Exit status: 0 when the table was built, 2 for a file that cannot be read.

Examples:
  corsim disagreements tests/corpus/chromium-156-public.jsonl \\
      tests/corpus/firefox-153-public.jsonl tests/corpus/webkit-2.50.6-public.jsonl
  corsim disagreements --manifest tests/corpus/MANIFEST")]
    Disagreements {
        /// Two or more scenario files with `expect`, one per browser.
        #[arg(conflicts_with = "manifest")]
        files: Vec<String>,
        /// Read every corpus a MANIFEST lists, one column per profile.
        #[arg(long, value_name = "FILE")]
        manifest: Option<String>,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ProfileArg {
    Chromium,
    Firefox,
    Webkit,
    Spec,
}

impl ProfileArg {
    fn profile(self) -> &'static Profile {
        match self {
            ProfileArg::Chromium => Browser::Chromium.profile(),
            ProfileArg::Firefox => Browser::Firefox.profile(),
            ProfileArg::Webkit => Browser::WebKit.profile(),
            ProfileArg::Spec => Browser::Spec.profile(),
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum CredentialsArg {
    Omit,
    SameOrigin,
    Include,
}

impl From<CredentialsArg> for CredentialsMode {
    fn from(c: CredentialsArg) -> Self {
        match c {
            CredentialsArg::Omit => CredentialsMode::Omit,
            CredentialsArg::SameOrigin => CredentialsMode::SameOrigin,
            CredentialsArg::Include => CredentialsMode::Include,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ModeArg {
    Cors,
    NoCors,
    SameOrigin,
}

impl From<ModeArg> for Mode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::Cors => Mode::Cors,
            ModeArg::NoCors => Mode::NoCors,
            ModeArg::SameOrigin => Mode::SameOrigin,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum RedirectArg {
    Follow,
    Error,
    Manual,
}

impl From<RedirectArg> for RedirectMode {
    fn from(r: RedirectArg) -> Self {
        match r {
            RedirectArg::Follow => RedirectMode::Follow,
            RedirectArg::Error => RedirectMode::Error,
            RedirectArg::Manual => RedirectMode::Manual,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Run { file, profile, summary, jobs } => {
            run::run(&file, profile.map(ProfileArg::profile), summary, jobs.map(usize::from))
        }
        Command::Explain(args) => explain::explain(*args),
        Command::Probe(args) => probe::probe(*args),
        Command::Audit(args) => probe::audit(args),
        Command::Serve(args) => serve::run(&args),
        Command::Playground(args) => playground::run(&args),
        Command::Check(args) => check::check(*args),
        Command::Record(args) => record::run(&args),
        Command::Disagreements { files, manifest } => disagreements(&files, manifest.as_deref()),
    }
}

/// `corsim disagreements`: the recorded browsers side by side where they differ.
fn disagreements(files: &[String], manifest: Option<&str>) -> ExitCode {
    match disagreement_columns(files, manifest) {
        Ok(columns) => {
            let labels: Vec<&str> = columns.iter().map(|(l, _)| l.as_str()).collect();
            let pairs: Vec<(&str, String)> = columns.iter().map(|(l, t)| (l.as_str(), t.clone())).collect();
            match corsim::recordings::disagreements(&pairs) {
                Ok(rows) => {
                    print!("{}", corsim::recordings::to_markdown(&labels, &rows));
                    println!("\n{} step(s) where the recorded browsers differ.", rows.len());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("corsim disagreements: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Err(message) => {
            eprintln!("corsim disagreements: {message}");
            ExitCode::from(2)
        }
    }
}

/// The table's columns, (label, JSON Lines text): one per file, or with a
/// MANIFEST one per profile, its corpora joined. A label is the `browser`
/// field of the column's corpora (each version once), else the file name.
fn disagreement_columns(files: &[String], manifest: Option<&str>) -> Result<Vec<(String, String)>, String> {
    let groups: Vec<Vec<String>> = match manifest {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            let entries = corsim::recordings::manifest_entries(&text).map_err(|e| format!("{path}: {e}"))?;
            let dir = std::path::Path::new(path).parent().unwrap_or(std::path::Path::new("."));
            let mut by_profile: Vec<(Browser, Vec<String>)> = Vec::new();
            for (file, browser) in entries.into_iter().filter(|(_, b)| *b != Browser::Spec) {
                let file = dir.join(file).to_string_lossy().into_owned();
                match by_profile.iter_mut().find(|(b, _)| *b == browser) {
                    Some((_, files)) => files.push(file),
                    None => by_profile.push((browser, vec![file])),
                }
            }
            by_profile.into_iter().map(|(_, files)| files).collect()
        }
        None => files.iter().map(|f| vec![f.clone()]).collect(),
    };
    if groups.len() < 2 {
        return Err("give 2 or more scenario files (one per browser), or --manifest FILE".to_owned());
    }
    let mut columns = Vec::new();
    for group in groups {
        let mut labels: Vec<String> = Vec::new();
        let mut text = String::new();
        for file in &group {
            let t = std::fs::read_to_string(file).map_err(|e| format!("cannot read {file}: {e}"))?;
            let label = t
                .lines()
                .find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .and_then(|v| v["browser"].as_str().map(str::to_owned))
                .unwrap_or_else(|| file.clone());
            if !labels.contains(&label) {
                labels.push(label);
            }
            text.push_str(&t);
            if !text.ends_with('\n') {
                text.push('\n');
            }
        }
        columns.push((labels.join(" + "), text));
    }
    Ok(columns)
}
