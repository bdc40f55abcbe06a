//! Time as the caller gives it: corsim never reads a clock.

use std::fmt;
use std::ops::Add;

/// A point in time, in milliseconds since an epoch the caller chooses (a
/// scenario's first step, a test's start). Only differences matter.
///
/// ```
/// use corsim::Timestamp;
/// let t = Timestamp::from_millis(1_500);
/// assert_eq!((t + 5_000).as_millis(), 6_500);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Timestamp(u64);

impl Timestamp {
    /// The epoch.
    pub const ZERO: Timestamp = Timestamp(0);

    /// A time `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Timestamp(ms)
    }

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// This time plus `secs` seconds, saturating.
    pub const fn plus_secs(self, secs: u64) -> Self {
        Timestamp(self.0.saturating_add(secs.saturating_mul(1000)))
    }
}

impl Add<u64> for Timestamp {
    type Output = Timestamp;
    /// Add milliseconds, saturating.
    fn add(self, ms: u64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms", self.0)
    }
}
