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

Exit status: 0 when the table was built, 2 for a file that cannot be read.

Example:
  corsim disagreements tests/corpus/chromium-156-public.jsonl \\
      tests/corpus/firefox-153-public.jsonl tests/corpus/webkit-2.50.6-public.jsonl")]
    Disagreements {
        /// Two or more scenario files with `expect`, one per browser.
        #[arg(required = true, num_args = 2..)]
        files: Vec<String>,
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
        Command::Disagreements { files } => disagreements(&files),
    }
}

/// `corsim disagreements`: the recorded browsers side by side where they differ.
fn disagreements(files: &[String]) -> ExitCode {
    let mut corpora = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("corsim disagreements: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        };
        let label = text
            .lines()
            .find_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .and_then(|v| v["browser"].as_str().map(str::to_owned))
            .unwrap_or_else(|| file.clone());
        corpora.push((label, text));
    }
    let labels: Vec<&str> = corpora.iter().map(|(l, _)| l.as_str()).collect();
    let pairs: Vec<(&str, String)> = corpora.iter().map(|(l, t)| (l.as_str(), t.clone())).collect();
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
