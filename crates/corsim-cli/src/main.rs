//! The `corsim` command.

#![forbid(unsafe_code)]

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use corsim::scenario::{ErrorLine, Scenario};
use corsim::{Browser, Profile};

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
    Run {
        /// The scenario file, or `-` for standard input.
        file: String,
        /// The browser to imitate; by default each scenario's `browser` field, else Chromium.
        #[arg(long, value_enum)]
        profile: Option<ProfileArg>,
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
        Command::Run { file, profile } => run(&file, profile.map(ProfileArg::profile)),
    }
}

fn run(file: &str, profile: Option<&Profile>) -> ExitCode {
    let reader: Box<dyn BufRead> = if file == "-" {
        Box::new(io::stdin().lock())
    } else {
        match std::fs::File::open(file) {
            Ok(f) => Box::new(io::BufReader::new(f)),
            Err(e) => {
                eprintln!("corsim: cannot read {file}: {e}");
                return ExitCode::from(2);
            }
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for (n, line) in reader.split(b'\n').enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("corsim: reading {file} failed at line {}: {e}", n + 1);
                return ExitCode::from(2);
            }
        };
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches('\r');
        if text.trim().is_empty() {
            continue;
        }
        let json = match Scenario::parse(text) {
            Ok(scenario) => serde_json::to_string(&scenario.simulate(profile)),
            Err((id, e)) => serde_json::to_string(&ErrorLine { id, error: e.to_string() }),
        };
        let written = match json {
            Ok(j) => writeln!(out, "{j}"),
            Err(e) => writeln!(out, "{{\"id\":null,\"error\":\"cannot serialize verdict: {e}\"}}"),
        };
        if written.is_err() {
            // Standard output closed (e.g. piped into `head`): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    ExitCode::SUCCESS
}
