//! The CORS-preflight cache (Fetch § "CORS-preflight cache"), a value the
//! caller owns, with time passed in and eviction randomness seeded, so that
//! every run is reproducible.
//!
//! The profile decides its shape: Chromium keeps one result per (page origin,
//! URL) and replaces it on every preflight, erases it when it does not cover
//! a request, and drops a random run of 10 entries when 1024 are stored;
//! Firefox keys credentialed and uncredentialed entries apart, merges tokens
//! and evicts the least recently used of 100; WebKit is unbounded.

use std::collections::BTreeMap;

use crate::header_list::isomorphic_decode;
use crate::profile::{CacheRules, Eviction, Profile};
use crate::time::Timestamp;

/// What a cache entry is found by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CacheKey {
    /// The origin the entry is for (the page's origin, or `null` once
    /// redirect-tainted in profiles that key on it).
    pub origin: String,
    /// The URL, serialized.
    pub url: String,
    /// Set only in profiles that keep credentialed entries apart (Firefox).
    pub credentials: Option<bool>,
}

/// One allowed method or header name and when it expires.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CachedToken {
    /// The method (case kept) or header name (lower-case), or `*`.
    pub token: String,
    /// The first time at which it no longer counts.
    pub expires: Timestamp,
}

/// A cache entry: what one successful preflight allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CacheEntry {
    /// Whether the preflight was for a credentialed request; only such an
    /// entry serves credentialed requests.
    pub credentials: bool,
    /// Methods from `Access-Control-Allow-Methods`.
    pub methods: Vec<CachedToken>,
    /// Header names from `Access-Control-Allow-Headers`, lower-case.
    pub headers: Vec<CachedToken>,
    /// When the entry as a whole expires (the latest token's expiry).
    pub expires: Timestamp,
    /// When it was stored or last refreshed.
    pub stored: Timestamp,
    last_used: u64,
}

/// What one successful preflight allowed, ready to be stored.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PreflightResult {
    /// Methods (as listed).
    pub methods: Vec<String>,
    /// Header names, lower-cased.
    pub headers: Vec<String>,
    /// Whether the request was credentialed.
    pub credentials: bool,
    /// How long to keep it, in seconds, after the profile's default and cap;
    /// `None` when the profile stores nothing for this response.
    pub max_age_secs: Option<u64>,
}

/// What a request needs from the cache.
#[derive(Clone, Debug)]
pub struct CacheQuery<'a> {
    /// The request's method.
    pub method: &'a str,
    /// Its CORS-unsafe header names, lower-case.
    pub unsafe_headers: &'a [String],
    /// Whether its credentials mode is `include`.
    pub credentials: bool,
}

/// Why a lookup found nothing usable.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CacheMiss {
    /// No entry for the key.
    NoEntry,
    /// The entry had expired (and was removed).
    Expired,
    /// A credentialed request and an uncredentialed entry.
    NotCredentialed,
    /// The method is not in the entry.
    Method(String),
    /// A header name is not in the entry.
    Header(String),
}

/// The preflight cache of one page (one network partition).
///
/// ```
/// use corsim::preflight_cache::{CacheKey, CacheQuery, PreflightCache, PreflightResult};
/// use corsim::{Profile, Timestamp};
/// let p = &Profile::CHROMIUM;
/// let mut cache = PreflightCache::new();
/// let key = CacheKey { origin: "https://a.example".into(), url: "https://api.example/x".into(), credentials: None };
/// let result = PreflightResult { methods: vec!["PUT".into()], headers: vec![], credentials: false, max_age_secs: Some(600) };
/// cache.insert(p, key.clone(), &result, Timestamp::ZERO);
/// let put = CacheQuery { method: "PUT", unsafe_headers: &[], credentials: false };
/// assert!(cache.lookup(p, &key, &put, Timestamp::from_millis(599_999)).is_ok());
/// assert!(cache.lookup(p, &key, &put, Timestamp::from_millis(600_000)).is_err());
/// ```
#[derive(Clone, Debug, Default)]
pub struct PreflightCache {
    entries: BTreeMap<CacheKey, CacheEntry>,
    rng: u64,
    uses: u64,
}

impl PreflightCache {
    /// An empty cache whose eviction randomness starts from a fixed seed.
    pub fn new() -> Self {
        Self::with_seed(0x5EED_C0125)
    }

    /// An empty cache whose eviction randomness starts from `seed`.
    pub fn with_seed(seed: u64) -> Self {
        PreflightCache { entries: BTreeMap::new(), rng: seed | 1, uses: 0 }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Entries in key order.
    pub fn entries(&self) -> impl Iterator<Item = (&CacheKey, &CacheEntry)> {
        self.entries.iter()
    }

    /// Remove everything.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// "Clear cache entries" for an origin and URL (both credentials keys).
    pub fn clear_url(&mut self, origin: &str, url: &str) {
        self.entries.retain(|k, _| !(k.origin == origin && k.url == url));
    }

    /// Remove entries that have expired at `now`.
    pub fn purge_expired(&mut self, now: Timestamp) {
        self.entries.retain(|_, e| e.expires > now);
    }

    /// Whether a stored entry lets the request skip its preflight. On a miss
    /// the entry may be removed, as the profile says.
    pub fn lookup(
        &mut self,
        profile: &Profile,
        key: &CacheKey,
        query: &CacheQuery<'_>,
        now: Timestamp,
    ) -> Result<(), CacheMiss> {
        let rules = &profile.cache;
        let Some(entry) = self.entries.get_mut(key) else {
            return Err(CacheMiss::NoEntry);
        };
        if entry.expires <= now {
            self.entries.remove(key);
            return Err(CacheMiss::Expired);
        }
        let verdict = entry_allows(profile, entry, query, now);
        match verdict {
            Ok(()) => {
                self.uses += 1;
                entry.last_used = self.uses;
                Ok(())
            }
            Err(miss) => {
                if rules.erase_when_insufficient {
                    self.entries.remove(key);
                }
                Err(miss)
            }
        }
    }

    /// Store what a successful preflight allowed (or nothing, when the
    /// profile says so for its max-age or URL).
    pub fn insert(&mut self, profile: &Profile, key: CacheKey, result: &PreflightResult, now: Timestamp) {
        let rules = &profile.cache;
        let Some(max_age) = result.max_age_secs else { return };
        if rules.max_url_len.is_some_and(|limit| key.url.len() >= limit) {
            return;
        }
        let expires = now.plus_secs(max_age);
        self.uses += 1;
        let tokens = |list: &[String]| -> Vec<CachedToken> {
            list.iter().map(|t| CachedToken { token: t.clone(), expires }).collect()
        };
        if let Some(entry) = self.entries.get_mut(&key) {
            if rules.merge {
                merge_tokens(&mut entry.methods, &result.methods, expires, |a, b| a == b);
                merge_tokens(&mut entry.headers, &result.headers, expires, |a, b| a.eq_ignore_ascii_case(b));
                entry.credentials = result.credentials;
                entry.methods.retain(|t| t.expires > now);
                entry.headers.retain(|t| t.expires > now);
                entry.expires = latest(entry).max(now);
                entry.stored = now;
            } else {
                *entry = CacheEntry {
                    credentials: result.credentials,
                    methods: tokens(&result.methods),
                    headers: tokens(&result.headers),
                    expires,
                    stored: now,
                    last_used: self.uses,
                };
            }
            entry.last_used = self.uses;
            if entry.expires <= now {
                self.entries.remove(&key);
            }
            return;
        }
        if max_age == 0 {
            return;
        }
        self.make_room(rules, now);
        self.entries.insert(
            key,
            CacheEntry {
                credentials: result.credentials,
                methods: tokens(&result.methods),
                headers: tokens(&result.headers),
                expires,
                stored: now,
                last_used: self.uses,
            },
        );
    }

    fn make_room(&mut self, rules: &CacheRules, now: Timestamp) {
        let Some(capacity) = rules.capacity else { return };
        if self.entries.len() < capacity {
            return;
        }
        match rules.eviction {
            Eviction::RandomRun(run) => {
                // Erase `run` consecutive entries from a random index.
                let start = (self.next_random() % self.entries.len() as u64) as usize;
                let doomed: Vec<CacheKey> = self.entries.keys().skip(start).take(run.max(1)).cloned().collect();
                for k in doomed {
                    self.entries.remove(&k);
                }
            }
            Eviction::LeastRecentlyUsed => {
                self.purge_expired(now);
                while self.entries.len() >= capacity {
                    let Some(oldest) = self.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| k.clone())
                    else {
                        break;
                    };
                    self.entries.remove(&oldest);
                }
            }
        }
    }

    /// xorshift64*: small, seeded, reproducible.
    fn next_random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn latest(entry: &CacheEntry) -> Timestamp {
    entry.methods.iter().chain(entry.headers.iter()).map(|t| t.expires).max().unwrap_or(Timestamp::ZERO)
}

fn merge_tokens(into: &mut Vec<CachedToken>, new: &[String], expires: Timestamp, same: impl Fn(&str, &str) -> bool) {
    for t in new {
        match into.iter_mut().find(|c| same(&c.token, t)) {
            Some(c) => c.expires = expires,
            None => into.push(CachedToken { token: t.clone(), expires }),
        }
    }
}

/// "Method cache entry match" and "header-name cache entry match" for every
/// unsafe header, with the profile's rules for `*` and credentials.
fn entry_allows(profile: &Profile, entry: &CacheEntry, q: &CacheQuery<'_>, now: Timestamp) -> Result<(), CacheMiss> {
    let rules = &profile.cache;
    if q.credentials && !entry.credentials && !rules.separate_credentials {
        return Err(CacheMiss::NotCredentialed);
    }
    let live = |t: &&CachedToken| t.expires > now;
    // `*` acts as a wildcard only for an uncredentialed entry and request.
    let wildcard_ok = !entry.credentials && !q.credentials && !profile.cache_wildcard_literal;
    let method_ok = profile.cache_exempt_methods.contains(&q.method)
        || entry.methods.iter().filter(live).any(|t| t.token == q.method || (wildcard_ok && t.token == "*"));
    if !method_ok {
        return Err(CacheMiss::Method(q.method.to_owned()));
    }
    for name in q.unsafe_headers {
        let is_authorization = name.eq_ignore_ascii_case("authorization");
        let ok = entry.headers.iter().filter(live).any(|t| {
            t.token.eq_ignore_ascii_case(name)
                || (wildcard_ok && t.token == "*" && (!is_authorization || rules.wildcard_covers_authorization))
        });
        if !ok {
            return Err(CacheMiss::Header(isomorphic_decode(name.as_bytes())));
        }
    }
    Ok(())
}

/// Read `Access-Control-Max-Age` (all its lines joined with `, `; `None` when
/// absent) as the profile does: seconds to keep the result, or `None` for
/// "store nothing".
///
/// ```
/// use corsim::{preflight_cache::max_age, Profile};
/// let p = &Profile::CHROMIUM;
/// assert_eq!(max_age(p, None), Some(5));
/// assert_eq!(max_age(p, Some(b"600")), Some(600));
/// assert_eq!(max_age(p, Some(b"86400")), Some(7200));
/// assert_eq!(max_age(p, Some(b"2.9")), Some(5));
/// assert_eq!(max_age(p, Some(b"-1")), None);
/// assert_eq!(max_age(p, Some(b"0")), None);
/// assert_eq!(max_age(&Profile::FIREFOX, Some(b"2.9")), None);
/// ```
pub fn max_age(profile: &Profile, value: Option<&[u8]>) -> Option<u64> {
    use crate::profile::InvalidMaxAge;
    let rules = &profile.max_age;
    let Some(value) = value else { return Some(rules.default_secs) };
    let parsed = parse_delta_seconds(value, rules.accepts_plus);
    let secs = match (parsed, rules.invalid) {
        (Parsed::Seconds(s), _) => s,
        (Parsed::Empty, InvalidMaxAge::NotCached) => return Some(rules.default_secs),
        (Parsed::Negative, InvalidMaxAge::DefaultNegativeNotCached) => return None,
        (Parsed::Negative | Parsed::Invalid | Parsed::Empty, InvalidMaxAge::Default) => rules.default_secs,
        (Parsed::Invalid | Parsed::Empty, InvalidMaxAge::DefaultNegativeNotCached) => rules.default_secs,
        (Parsed::Negative | Parsed::Invalid, InvalidMaxAge::NotCached) => return None,
    };
    let secs = secs.min(rules.cap_secs);
    if secs == 0 {
        None
    } else {
        Some(secs)
    }
}

enum Parsed {
    Seconds(u64),
    Negative,
    Invalid,
    Empty,
}

fn parse_delta_seconds(value: &[u8], accepts_plus: bool) -> Parsed {
    if value.is_empty() {
        return Parsed::Empty;
    }
    let (negative, digits) = match value {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] if accepts_plus => (false, rest),
        _ => (false, value),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Parsed::Invalid;
    }
    // Saturate: a huge value is capped anyway.
    let n = digits.iter().fold(0u64, |acc, &d| acc.saturating_mul(10).saturating_add(u64::from(d - b'0')));
    if negative {
        if n == 0 {
            Parsed::Seconds(0)
        } else {
            Parsed::Negative
        }
    } else {
        Parsed::Seconds(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(url: &str) -> CacheKey {
        CacheKey { origin: "http://o".into(), url: url.into(), credentials: None }
    }

    fn result(methods: &[&str], headers: &[&str], credentials: bool, age: u64) -> PreflightResult {
        PreflightResult {
            methods: methods.iter().map(|s| s.to_string()).collect(),
            headers: headers.iter().map(|s| s.to_string()).collect(),
            credentials,
            max_age_secs: Some(age),
        }
    }

    #[test]
    fn max_age_table() {
        let c = &Profile::CHROMIUM;
        let rows: &[(&[u8], Option<u64>)] = &[
            (b"", Some(5)),
            (b"1e3", Some(5)),
            (b"+5", Some(5)),
            (b"7201", Some(7200)),
            (b"2147483648", Some(7200)),
            (b"99999999999999999999999", Some(7200)),
            (b"5, 5", Some(5)),
            (b"-5", None),
            (b"0", None),
            (b"-0", None),
            (b"1", Some(1)),
        ];
        for (v, want) in rows {
            assert_eq!(max_age(c, Some(v)), *want, "{:?}", isomorphic_decode(v));
        }
        assert_eq!(max_age(&Profile::SPEC, Some(b"-1")), Some(5));
        assert_eq!(max_age(&Profile::FIREFOX, Some(b"100000")), Some(86400));
        assert_eq!(max_age(&Profile::WEBKIT, Some(b"86400")), Some(600));
    }

    #[test]
    fn credentialed_entries_serve_both_in_chromium() {
        let p = &Profile::CHROMIUM;
        let mut c = PreflightCache::new();
        c.insert(p, key("u"), &result(&["PUT"], &[], true, 60), Timestamp::ZERO);
        let q = |credentials| CacheQuery { method: "PUT", unsafe_headers: &[], credentials };
        assert!(c.lookup(p, &key("u"), &q(false), Timestamp::ZERO).is_ok());
        assert!(c.lookup(p, &key("u"), &q(true), Timestamp::ZERO).is_ok());
        let mut c = PreflightCache::new();
        c.insert(p, key("u"), &result(&["PUT"], &[], false, 60), Timestamp::ZERO);
        assert_eq!(c.lookup(p, &key("u"), &q(true), Timestamp::ZERO), Err(CacheMiss::NotCredentialed));
        // Chromium erases the entry that did not suffice.
        assert_eq!(c.lookup(p, &key("u"), &q(false), Timestamp::ZERO), Err(CacheMiss::NoEntry));
    }

    #[test]
    fn wildcards_and_authorization() {
        let p = &Profile::CHROMIUM;
        let mut c = PreflightCache::new();
        c.insert(p, key("u"), &result(&["*"], &["*"], false, 60), Timestamp::ZERO);
        let names = vec!["x-a".to_string()];
        let q = CacheQuery { method: "FOO", unsafe_headers: &names, credentials: false };
        assert!(c.lookup(p, &key("u"), &q, Timestamp::ZERO).is_ok());
        let auth = vec!["authorization".to_string()];
        let q = CacheQuery { method: "GET", unsafe_headers: &auth, credentials: false };
        assert_eq!(c.lookup(p, &key("u"), &q, Timestamp::ZERO), Err(CacheMiss::Header("authorization".into())));
    }

    #[test]
    fn replace_versus_merge() {
        let q = |m| CacheQuery { method: m, unsafe_headers: &[], credentials: false };
        let p = &Profile::CHROMIUM;
        let mut c = PreflightCache::new();
        c.insert(p, key("u"), &result(&["PUT"], &[], false, 60), Timestamp::ZERO);
        c.insert(p, key("u"), &result(&["PATCH"], &[], false, 60), Timestamp::ZERO);
        assert!(c.lookup(p, &key("u"), &q("PUT"), Timestamp::ZERO).is_err());
        let s = &Profile::SPEC;
        let mut c = PreflightCache::new();
        c.insert(s, key("u"), &result(&["PUT"], &[], false, 60), Timestamp::ZERO);
        c.insert(s, key("u"), &result(&["PATCH"], &[], false, 60), Timestamp::ZERO);
        assert!(c.lookup(s, &key("u"), &q("PUT"), Timestamp::ZERO).is_ok());
        assert!(c.lookup(s, &key("u"), &q("PATCH"), Timestamp::ZERO).is_ok());
    }

    #[test]
    fn capacity_and_long_urls() {
        let p = &Profile::CHROMIUM;
        let mut c = PreflightCache::with_seed(7);
        for i in 0..1024 {
            c.insert(p, key(&format!("u{i:05}")), &result(&["PUT"], &[], false, 60), Timestamp::ZERO);
        }
        assert_eq!(c.len(), 1024);
        c.insert(p, key("new"), &result(&["PUT"], &[], false, 60), Timestamp::ZERO);
        assert_eq!(c.len(), 1024 - 10 + 1);
        let long = "x".repeat(1024);
        c.insert(p, key(&long), &result(&["PUT"], &[], false, 60), Timestamp::ZERO);
        assert!(c.entries().all(|(k, _)| k.url != long));
        let f = &Profile::FIREFOX;
        let mut c = PreflightCache::new();
        for i in 0..101 {
            c.insert(f, key(&format!("u{i:03}")), &result(&["PUT"], &[], false, 60), Timestamp::ZERO);
        }
        assert_eq!(c.len(), 100);
        assert!(c.entries().all(|(k, _)| k.url != "u000"), "the least recently used entry goes first");
    }
}
