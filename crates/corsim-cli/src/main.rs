//! The `corsim` command.

#![forbid(unsafe_code)]

mod explain;
mod run;

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
    #[command(after_help = "\
Lines are simulated in parallel on every core; the output keeps the input order.

Example:
  corsim run tests/corpus/chromium-156-public.jsonl --summary > verdicts.jsonl")]
    Run {
        /// The scenario file, or `-` for standard input.
        file: String,
        /// The browser to imitate; by default each scenario's `browser` field, else Chromium.
        #[arg(long, value_enum)]
        profile: Option<ProfileArg>,
        /// When lines carry `expect`, print agreement counts per field and per
        /// category to standard error (as shared/tools/agree.py does).
        #[arg(long)]
        summary: bool,
    },
    /// Explain one fetch step by step: the preflight, each check, what script can read,
    /// the console message, and the fix for the server.
    #[command(after_help = explain::AFTER_HELP)]
    Explain(Box<explain::Args>),
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
        Command::Run { file, profile, summary } => run::run(&file, profile.map(ProfileArg::profile), summary),
        Command::Explain(args) => explain::explain(*args),
    }
}
