//! Exit statuses, the same for every command, so a CI can rely on them.

use std::process::ExitCode;

/// What a command's exit status says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// 0: the thing checked holds (script can read the response, no
    /// misconfiguration was found, every scenario line was simulated).
    Holds = 0,
    /// 1: the thing checked does not hold (the browser blocks it, a
    /// misconfiguration was found, some scenario lines could not be read
    /// while every other line still ran).
    DoesNotHold = 1,
    /// 2: bad arguments or unusable input (each is named on standard error).
    BadInput = 2,
    /// 3: could not test: a server unreachable, timed out or not speaking
    /// HTTP, a port that cannot be bound. Never 0.
    CouldNotTest = 3,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> ExitCode {
        ExitCode::from(s as u8)
    }
}

/// The end of every command's "Exit status" paragraph in `--help` (a
/// literal, for `concat!`): statuses 2 and 3, which mean the same everywhere.
#[macro_export]
macro_rules! exit_2_and_3 {
    () => {
        "2 for bad arguments or unusable input, 3 when it could not test
(a server unreachable, timed out or not HTTP; a port that cannot be bound)."
    };
}
