//! What the commands share about their output: whether to colour it, and
//! how a bad argument is reported.

use std::io::{self, IsTerminal};

/// A bad argument: what it is, and what is wrong.
pub(crate) struct BadInput(pub(crate) String);

/// Colour only on a terminal, and not with `NO_COLOR` set (to anything but empty).
pub(crate) fn color() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
