//! A model-based test of the preflight cache.
//!
//! Random sequences of operations (store a preflight result, look a request
//! up, move the clock to just before, on or just after an expiry, clear a
//! URL, purge what has expired) run against [`PreflightCache`] and against
//! [`Model`], a deliberately naive reference: a `Vec` of entries searched
//! linearly, written from Fetch § "CORS-preflight cache" (and the steps of
//! § "CORS-preflight fetch" and § "HTTP fetch" that fill and read it) and from
//! the documented [`CacheRules`](corsim::profile::CacheRules) of each profile.
//! Every lookup's answer (a hit, or which [`CacheMiss`]) and, after every
//! operation, every stored entry must be the same.
//!
//! Least-recently-used eviction is predicted exactly. A random run cannot be,
//! so for it the test checks what Chromium's rule promises (the cache never
//! grows past its capacity; what goes is a run of consecutive entries in
//! storage order; a fixed seed gives the same cache twice) and then removes
//! the same entries from the model.
//!
//! Where the implementation disagrees with a browser or the standard, this
//! test steps around that one point (the model follows the implementation,
//! the random operations avoid the case, or the invariant checked is the
//! weaker one), marked `KNOWN DISAGREEMENT Dn`, so that everything else stays
//! checked; an `#[ignore]`d test at the end states the faithful behaviour and
//! fails today (`cargo test -p corsim --test cache_model -- --ignored`).

use corsim::preflight_cache::{CacheKey, CacheMiss, CacheQuery, PreflightCache, PreflightResult};
use corsim::profile::{Eviction, Profile};
use corsim::{Timestamp, TokenList};
use proptest::prelude::*;

// ---------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------

/// One allowed method or header name and the first time it no longer counts
/// (stored time + max-age: an entry "must be removed after the seconds
/// specified in [its] max-age field have passed", so at that instant it is
/// gone).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Token {
    name: String,
    expires: Timestamp,
}

/// Everything stored under one key. The standard keeps one cache entry per
/// method and per header name; every browser keeps one record per key, and so
/// does the cache under test, so the model groups the standard's entries by
/// key and keeps each token's own expiry.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    key: CacheKey,
    /// Whether the preflight was for a request whose credentials mode is
    /// `include`.
    credentials: bool,
    methods: Vec<Token>,
    headers: Vec<Token>,
    /// When the last of its tokens stops counting (or, for a preflight that
    /// allowed nothing, its own max-age).
    expires: Timestamp,
    /// When it was stored or last refreshed.
    stored: Timestamp,
}

/// The reference cache.
#[derive(Clone, Debug)]
struct Model {
    profile: Profile,
    entries: Vec<Entry>,
    /// Keys from the least to the most recently used.
    recency: Vec<CacheKey>,
}

impl Model {
    fn new(profile: &Profile) -> Self {
        Model { profile: profile.clone(), entries: Vec::new(), recency: Vec::new() }
    }

    fn position(&self, key: &CacheKey) -> Option<usize> {
        self.entries.iter().position(|e| &e.key == key)
    }

    fn remove(&mut self, key: &CacheKey) {
        self.entries.retain(|e| &e.key != key);
        self.recency.retain(|k| k != key);
    }

    fn touch(&mut self, key: &CacheKey) {
        self.recency.retain(|k| k != key);
        self.recency.push(key.clone());
    }

    /// Store a successful preflight's result. `random_victims` are the
    /// entries the cache under test evicted for a random run (the model cannot
    /// choose them); returns whether the model needed room by a random run.
    fn insert(
        &mut self,
        key: &CacheKey,
        result: &PreflightResult,
        now: Timestamp,
        random_victims: &[CacheKey],
    ) -> bool {
        let rules = self.profile.cache;
        // `None`: the profile stores nothing for this response's Max-Age.
        let Some(max_age) = result.max_age_secs else { return false };
        // "URLs at least this long are never cached."
        if rules.max_url_len.is_some_and(|limit| key.url.len() >= limit) {
            return false;
        }
        let expires = now.plus_secs(max_age);
        // A new entry per method (header name) that has none yet: a name
        // listed twice finds the entry its first mention created.
        let fresh = |names: &TokenList| -> Vec<Token> {
            let mut tokens = Vec::new();
            refresh_or_add(&mut tokens, names, expires);
            tokens
        };
        if let Some(i) = self.position(key) {
            let entry = &mut self.entries[i];
            if rules.merge {
                // § CORS-preflight fetch: for each method (header name) with a
                // matching cache entry, set that entry's max-age; for each
                // without, create a new entry. Then whatever is past its
                // max-age is removed.
                refresh_or_add(&mut entry.methods, &result.methods, expires);
                refresh_or_add(&mut entry.headers, &result.headers, expires);
                entry.methods.retain(|t| t.expires > now);
                entry.headers.retain(|t| t.expires > now);
                entry.expires = entry.methods.iter().chain(&entry.headers).map(|t| t.expires).fold(expires, Ord::max);
            } else {
                // Chromium, WebKit: the new result replaces the old one.
                entry.methods = fresh(&result.methods);
                entry.headers = fresh(&result.headers);
                entry.expires = expires;
            }
            // KNOWN DISAGREEMENT D3: the standard keeps `credentials` per
            // method and per header name; a merging cache that does not key
            // on credentials (the SPEC profile) keeps one flag per key, set by
            // the latest preflight. The model follows the cache here.
            entry.credentials = result.credentials;
            entry.stored = now;
            if entry.expires <= now {
                self.remove(key);
            } else {
                self.touch(key);
            }
            return false;
        }
        // Entries created with max-age 0 are past their max-age at once.
        if max_age == 0 {
            return false;
        }
        let mut made_random_room = false;
        if let Some(capacity) = rules.capacity {
            if self.entries.len() >= capacity {
                match rules.eviction {
                    Eviction::LeastRecentlyUsed => {
                        // Firefox: purge what has expired, then drop the least
                        // recently used until there is room.
                        let expired: Vec<CacheKey> =
                            self.entries.iter().filter(|e| e.expires <= now).map(|e| e.key.clone()).collect();
                        for k in &expired {
                            self.remove(k);
                        }
                        while self.entries.len() >= capacity {
                            let oldest = self.recency[0].clone();
                            self.remove(&oldest);
                        }
                    }
                    Eviction::RandomRun(_) => {
                        for k in random_victims {
                            self.remove(k);
                        }
                        made_random_room = true;
                    }
                }
            }
        }
        self.entries.push(Entry {
            key: key.clone(),
            credentials: result.credentials,
            methods: fresh(&result.methods),
            headers: fresh(&result.headers),
            expires,
            stored: now,
        });
        self.touch(key);
        made_random_room
    }

    /// Whether the stored entry lets the request skip its preflight.
    fn lookup(&mut self, key: &CacheKey, query: &CacheQuery<'_>, now: Timestamp) -> Result<(), CacheMiss> {
        let Some(i) = self.position(key) else { return Err(CacheMiss::NoEntry) };
        if self.entries[i].expires <= now {
            self.remove(key);
            return Err(CacheMiss::Expired);
        }
        match allows(&self.profile, &self.entries[i], query, now) {
            Ok(()) => {
                self.touch(key);
                Ok(())
            }
            Err(miss) => {
                // Firefox counts every lookup that finds the entry as a use
                // (`nsPreflightCache::GetEntry` moves it to the front of its
                // LRU list), not only hits.
                self.touch(key);
                if self.profile.cache.erase_when_insufficient {
                    self.remove(key);
                }
                Err(miss)
            }
        }
    }

    /// "Clear cache entries": every entry for the origin and URL, whatever
    /// its credentials.
    fn clear_url(&mut self, origin: &str, url: &str) {
        let gone: Vec<CacheKey> =
            self.entries.iter().filter(|e| e.key.origin == origin && e.key.url == url).map(|e| e.key.clone()).collect();
        for k in &gone {
            self.remove(k);
        }
    }

    fn purge_expired(&mut self, now: Timestamp) {
        let gone: Vec<CacheKey> = self.entries.iter().filter(|e| e.expires <= now).map(|e| e.key.clone()).collect();
        for k in &gone {
            self.remove(k);
        }
    }

    /// Every expiry in the model, for moving the clock onto one.
    fn expiries(&self) -> Vec<Timestamp> {
        let mut all: Vec<Timestamp> = self
            .entries
            .iter()
            .flat_map(|e| std::iter::once(e.expires).chain(e.methods.iter().chain(&e.headers).map(|t| t.expires)))
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// A known token gets the new expiry; a new one is added.
fn refresh_or_add(tokens: &mut Vec<Token>, names: &TokenList, expires: Timestamp) {
    for name in names {
        match tokens.iter_mut().find(|t| t.name == name) {
            Some(t) => t.expires = expires,
            None => tokens.push(Token { name: name.to_owned(), expires }),
        }
    }
}

/// § "cache entry match", "method cache entry match" and "header-name cache
/// entry match", with the profile's rules.
fn allows(profile: &Profile, entry: &Entry, q: &CacheQuery<'_>, now: Timestamp) -> Result<(), CacheMiss> {
    // A cache entry match needs a credentialed entry for a credentialed
    // request.
    if q.credentials && !entry.credentials {
        return Err(CacheMiss::NotCredentialed);
    }
    // `*` is a wildcard only for an uncredentialed entry and request (the
    // standard's gap, as Chromium and WebKit close it), and never in a profile
    // that compares it literally (Firefox).
    let wildcard = !profile.cache_wildcard_literal && !entry.credentials && !q.credentials;
    let live = |t: &Token| t.expires > now;
    // Safelisted methods need no method entry (§ HTTP fetch), as each
    // profile lists them.
    let method_ok = profile.cache_exempt_methods.contains(&q.method)
        || entry.methods.iter().any(|t| live(t) && (t.name == q.method || (wildcard && t.name == "*")));
    if !method_ok {
        return Err(CacheMiss::Method(q.method.to_owned()));
    }
    for name in q.unsafe_headers {
        // `*` does not cover `Authorization`, a CORS non-wildcard
        // request-header name, unless the profile's cache says it does.
        let star_covers =
            wildcard && (profile.cache.wildcard_covers_authorization || !name.eq_ignore_ascii_case("authorization"));
        let ok = entry
            .headers
            .iter()
            .any(|t| live(t) && (t.name.eq_ignore_ascii_case(name) || (star_covers && t.name == "*")));
        if !ok {
            return Err(CacheMiss::Header(name.to_owned()));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

const ORIGINS: [&str; 3] = ["https://app.example", "https://other.example", "null"];
const METHODS: [&str; 8] = ["PUT", "DELETE", "PATCH", "put", "*", "GET", "HEAD", "POST"];
const QUERY_METHODS: [&str; 9] = ["PUT", "DELETE", "PATCH", "put", "*", "GET", "HEAD", "POST", "FOO"];
const HEADERS: [&str; 5] = ["x-a", "x-b", "authorization", "*", "content-type"];
const QUERY_HEADERS: [&str; 5] = ["x-a", "x-b", "authorization", "content-type", "x-c"];
const MAX_AGES: [Option<u64>; 5] = [None, Some(0), Some(1), Some(5), Some(600)];

/// Short URLs, and two whose length is either side of Chromium's 1024.
fn urls() -> Vec<String> {
    let long = |len: usize| {
        let mut u = String::from("https://api.example/");
        u.push_str(&"l".repeat(len - u.len()));
        u
    };
    vec![
        "https://api.example/a".into(),
        "https://api.example/b".into(),
        "https://api.example/c?q=1".into(),
        long(1023),
        long(1024),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Insert {
        origin: usize,
        url: usize,
        credentials: bool,
        methods: Vec<usize>,
        headers: Vec<usize>,
        max_age: usize,
    },
    /// Look a request up under a key of the pools, or, with `stored`, under
    /// the key of the model's entry at that index (when there is one), so
    /// that most lookups find an entry.
    Lookup {
        origin: usize,
        url: usize,
        stored: Option<usize>,
        credentials: bool,
        method: usize,
        headers: Vec<usize>,
    },
    /// Move the clock on by this many milliseconds.
    Advance(u64),
    /// Move the clock to one of the stored expiries, 1 ms before it, on it
    /// or 1 ms after it (never backwards).
    ToExpiry {
        pick: usize,
        delta: i8,
    },
    ClearUrl {
        origin: usize,
        url: usize,
    },
    Purge,
}

/// Operations of every kind. `filling` draws mostly stores under many keys
/// with a Max-Age that keeps them, and short clock moves, so that a small
/// cache fills up and evicts.
fn op(filling: bool) -> impl Strategy<Value = Op> {
    let index = |n: usize| 0..n;
    let subset = |n: usize, max: usize| proptest::sample::subsequence((0..n).collect::<Vec<_>>(), 0..=max);
    // Keys repeat often: the first origin and the short URLs are likelier.
    let origin = move || {
        let weights = if filling { [1, 1, 1] } else { [4, 2, 1] };
        prop_oneof![weights[0] => Just(0usize), weights[1] => Just(1), weights[2] => Just(2)]
    };
    let url = || prop_oneof![6 => 0..3usize, 1 => 3..5usize];
    // Max-Age: any, or when filling mostly 5 s and 600 s (indices into
    // MAX_AGES).
    let max_age = move || {
        if filling {
            prop_oneof![1 => Just(1usize), 3 => Just(3), 6 => Just(4)].boxed()
        } else {
            index(MAX_AGES.len()).boxed()
        }
    };
    let advance = move || {
        if filling {
            prop_oneof![Just(1u64), 1u64..6_000].boxed()
        } else {
            prop_oneof![Just(1u64), Just(999), 1_000u64..700_000].boxed()
        }
    };
    let stores = if filling { 8 } else { 4 };
    prop_oneof![
        stores => (origin(), url(), any::<bool>(), subset(METHODS.len(), 3), subset(HEADERS.len(), 3), max_age())
            .prop_map(|(origin, url, credentials, methods, headers, max_age)| Op::Insert { origin, url, credentials, methods, headers, max_age }),
        5 => (origin(), url(), proptest::option::weighted(0.7, any::<usize>()), any::<bool>(), index(QUERY_METHODS.len()), subset(QUERY_HEADERS.len(), 2))
            .prop_map(|(origin, url, stored, credentials, method, headers)| Op::Lookup { origin, url, stored, credentials, method, headers }),
        1 => advance().prop_map(Op::Advance),
        2 => (any::<usize>(), -1i8..=1).prop_map(|(pick, delta)| Op::ToExpiry { pick, delta }),
        1 => (origin(), url()).prop_map(|(origin, url)| Op::ClearUrl { origin, url }),
        1 => Just(Op::Purge),
    ]
}

/// The key a fetch would use (as `Fetch` builds it: credentials in the key
/// only in profiles that keep credentialed entries apart).
fn key(profile: &Profile, urls: &[String], origin: usize, url: usize, credentials: bool) -> CacheKey {
    CacheKey {
        origin: ORIGINS[origin].to_owned(),
        url: urls[url].clone(),
        credentials: profile.cache.separate_credentials.then_some(credentials),
    }
}

/// An entry as the test compares it: everything `entries()` shows.
type Shown = (CacheKey, bool, Vec<(String, Timestamp)>, Vec<(String, Timestamp)>, Timestamp, Timestamp);

fn shown_cache(cache: &PreflightCache) -> Vec<Shown> {
    let mut all: Vec<Shown> = cache
        .entries()
        .map(|(k, e)| {
            let tokens = |ts: &[corsim::preflight_cache::CachedToken]| -> Vec<(String, Timestamp)> {
                ts.iter().map(|t| (t.token.clone(), t.expires)).collect()
            };
            (k, e.credentials, tokens(&e.methods), tokens(&e.headers), e.expires, e.stored)
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

fn shown_model(model: &Model) -> Vec<Shown> {
    let mut all: Vec<Shown> = model
        .entries
        .iter()
        .map(|e| {
            let tokens =
                |ts: &[Token]| -> Vec<(String, Timestamp)> { ts.iter().map(|t| (t.name.clone(), t.expires)).collect() };
            (e.key.clone(), e.credentials, tokens(&e.methods), tokens(&e.headers), e.expires, e.stored)
        })
        .collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

/// What a run observed, for comparing two runs with the same seed.
#[derive(Debug, PartialEq)]
struct Trace {
    lookups: Vec<Result<(), CacheMiss>>,
    states: Vec<Vec<(CacheKey, corsim::preflight_cache::CacheEntry)>>,
}

/// Run `ops` against the cache and the model under `profile`, checking that
/// they agree after every step; return what the cache did.
fn run(profile: &Profile, seed: u64, ops: &[Op]) -> Result<Trace, TestCaseError> {
    let urls = urls();
    let mut cache = PreflightCache::with_seed(seed);
    let mut model = Model::new(profile);
    let mut now = Timestamp::from_millis(1_000);
    let mut trace = Trace { lookups: Vec::new(), states: Vec::new() };
    let rules = profile.cache;
    for (step, op) in ops.iter().enumerate() {
        match op {
            Op::Insert { origin, url, credentials, methods, headers, max_age } => {
                let credentials = *credentials;
                let k = key(profile, &urls, *origin, *url, credentials);
                // Lists here never repeat a token (`subsequence` draws each
                // once); `repeated_tokens_are_one_token` covers repeats.
                let result = PreflightResult {
                    methods: methods.iter().map(|&i| METHODS[i].to_owned()).collect(),
                    headers: headers.iter().map(|&i| HEADERS[i].to_owned()).collect(),
                    credentials,
                    max_age_secs: MAX_AGES[*max_age],
                };
                let before: Vec<CacheKey> = cache.entries().map(|(k, _)| k).collect();
                cache.insert(profile, k.clone(), &result, now);
                let after: Vec<CacheKey> = cache.entries().map(|(k, _)| k).collect();
                let victims: Vec<CacheKey> = before.iter().filter(|b| !after.contains(b)).cloned().collect();
                let random = model.insert(&k, &result, now, &victims);
                if let (true, Eviction::RandomRun(run)) = (random, rules.eviction) {
                    let capacity = rules.capacity.unwrap_or(usize::MAX);
                    prop_assert_eq!(before.len(), capacity, "step {}: a random run only when full", step);
                    // Chromium always evicts exactly `run` entries.
                    prop_assert!(
                        victims.len() == run.min(before.len()),
                        "step {}: evicted {} of a run of {}",
                        step,
                        victims.len(),
                        run
                    );
                    let start = before.iter().position(|b| b == &victims[0]).unwrap();
                    prop_assert_eq!(
                        &before[start..start + victims.len()],
                        &victims[..],
                        "step {}: evicted entries are not consecutive in storage order",
                        step
                    );
                } else {
                    // Nothing else evicts: an entry that went is the replaced
                    // one (removed when its new max-age is 0) or one purged for
                    // least-recently-used room, which the model predicts.
                    let replaced_away = victims.iter().all(|v| v == &k);
                    let lru = rules.eviction == Eviction::LeastRecentlyUsed && rules.capacity.is_some();
                    prop_assert!(replaced_away || lru, "step {}: unexpected eviction of {:?}", step, victims);
                }
                if let Some(capacity) = rules.capacity {
                    prop_assert!(
                        cache.len() <= capacity,
                        "step {}: {} entries, capacity {}",
                        step,
                        cache.len(),
                        capacity
                    );
                }
            }
            Op::Lookup { origin, url, stored, credentials, method, headers } => {
                let picked = stored.and_then(|pick| model.entries.get(pick % model.entries.len().max(1)));
                let (k, credentials) = match picked {
                    // A credentialed request looks under a credentialed key
                    // where the key says so.
                    Some(e) => (e.key.clone(), e.key.credentials.unwrap_or(*credentials)),
                    None => (key(profile, &urls, *origin, *url, *credentials), *credentials),
                };
                let names: TokenList = headers.iter().map(|&i| QUERY_HEADERS[i]).collect();
                let query = CacheQuery { method: QUERY_METHODS[*method], unsafe_headers: &names, credentials };
                let got = cache.lookup(profile, &k, &query, now);
                let want = model.lookup(&k, &query, now);
                prop_assert_eq!(&got, &want, "step {}: lookup {:?} {:?} at {}", step, k, query, now);
                trace.lookups.push(got);
            }
            Op::Advance(ms) => now = now + *ms,
            Op::ToExpiry { pick, delta } => {
                let expiries = model.expiries();
                if let Some(&t) = expiries.get(pick % expiries.len().max(1)) {
                    let target = match delta {
                        -1 => Timestamp::from_millis(t.as_millis().saturating_sub(1)),
                        0 => t,
                        _ => t + 1,
                    };
                    now = now.max(target);
                } else {
                    now = now + 1_000;
                }
            }
            Op::ClearUrl { origin, url } => {
                cache.clear_url(ORIGINS[*origin], &urls[*url]);
                model.clear_url(ORIGINS[*origin], &urls[*url]);
            }
            Op::Purge => {
                cache.purge_expired(now);
                model.purge_expired(now);
            }
        }
        prop_assert_eq!(shown_cache(&cache), shown_model(&model), "step {}: entries differ after {:?}", step, op);
        prop_assert_eq!(cache.len(), model.entries.len());
        trace.states.push(cache.entries().collect());
    }
    Ok(trace)
}

/// The four profiles as shipped, and small-capacity versions so that
/// eviction happens within a few operations: least recently used in each
/// profile that evicts so, and Chromium's random run scaled down.
fn profiles() -> Vec<(&'static str, Profile)> {
    let small = |p: &Profile, capacity: usize| {
        let mut p = p.clone();
        p.cache.capacity = Some(capacity);
        p
    };
    let mut chromium_small = small(&Profile::CHROMIUM, 4);
    chromium_small.cache.eviction = Eviction::RandomRun(2);
    vec![
        ("chromium", Profile::CHROMIUM),
        ("firefox", Profile::FIREFOX),
        ("webkit", Profile::WEBKIT),
        ("spec", Profile::SPEC),
        ("chromium, 4 entries, runs of 2", chromium_small),
        ("firefox, 4 entries", small(&Profile::FIREFOX, 4)),
        ("webkit, 4 entries, LRU", small(&Profile::WEBKIT, 4)),
        ("spec, 4 entries, LRU", small(&Profile::SPEC, 4)),
    ]
}

/// [`run`] under each profile, twice with the same seed where eviction is
/// random.
fn check_all(profiles: &[(&str, Profile)], seed: u64, ops: &[Op]) -> Result<(), TestCaseError> {
    for (name, profile) in profiles {
        let first = run(profile, seed, ops).map_err(|e| TestCaseError::fail(format!("{name}: {e}")))?;
        if matches!(profile.cache.eviction, Eviction::RandomRun(_)) {
            let again = run(profile, seed, ops)?;
            prop_assert!(first == again, "{}: the same seed gave a different cache", name);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn cache_agrees_with_the_model(ops in proptest::collection::vec(op(false), 1..100), seed in any::<u64>()) {
        check_all(&profiles(), seed, &ops)?;
    }

    #[test]
    fn eviction_agrees_with_the_model(ops in proptest::collection::vec(op(true), 1..100), seed in any::<u64>()) {
        let small: Vec<_> = profiles().into_iter().filter(|(_, p)| p.cache.capacity.is_some_and(|c| c < 100)).collect();
        check_all(&small, seed, &ops)?;
    }
}

// ---------------------------------------------------------------------------
// Named cases: each runs through the same comparison and also states the
// answer the rules give, so that the model and the cache cannot agree on a
// wrong one.
// ---------------------------------------------------------------------------

fn insert(
    origin: usize,
    url: usize,
    credentials: bool,
    methods: &[&str],
    headers: &[&str],
    max_age: Option<u64>,
) -> Op {
    let pos = |pool: &[&str], t: &str| pool.iter().position(|p| *p == t).unwrap();
    Op::Insert {
        origin,
        url,
        credentials,
        methods: methods.iter().map(|m| pos(&METHODS, m)).collect(),
        headers: headers.iter().map(|h| pos(&HEADERS, h)).collect(),
        max_age: MAX_AGES.iter().position(|a| *a == max_age).unwrap(),
    }
}

fn lookup(url: usize, credentials: bool, method: &str, headers: &[&str]) -> Op {
    Op::Lookup {
        origin: 0,
        url,
        stored: None,
        credentials,
        method: QUERY_METHODS.iter().position(|m| *m == method).unwrap(),
        headers: headers.iter().map(|h| QUERY_HEADERS.iter().position(|q| q == h).unwrap()).collect(),
    }
}

/// Run the ops under the profile and return the lookups' answers.
fn answers(profile: &Profile, ops: &[Op]) -> Vec<Result<(), CacheMiss>> {
    run(profile, 1, ops).unwrap_or_else(|e| panic!("{e}")).lookups
}

fn miss_method(m: &str) -> Result<(), CacheMiss> {
    Err(CacheMiss::Method(m.into()))
}

#[test]
fn expiry_is_exactly_at_the_boundary() {
    for p in [&Profile::CHROMIUM, &Profile::FIREFOX, &Profile::WEBKIT, &Profile::SPEC] {
        let ops = [
            insert(0, 0, false, &["PUT"], &[], Some(5)),
            Op::ToExpiry { pick: 0, delta: -1 },
            lookup(0, false, "PUT", &[]),
            Op::ToExpiry { pick: 0, delta: 0 },
            lookup(0, false, "PUT", &[]),
            lookup(0, false, "PUT", &[]),
        ];
        assert_eq!(answers(p, &ops), [Ok(()), Err(CacheMiss::Expired), Err(CacheMiss::NoEntry)], "{:?}", p.browser);
    }
}

#[test]
fn merge_keeps_earlier_tokens_and_replace_drops_them() {
    let ops = [
        insert(0, 0, false, &["PUT"], &["x-a"], Some(600)),
        Op::Advance(1_000),
        insert(0, 0, false, &["DELETE"], &[], Some(5)),
        lookup(0, false, "PUT", &["x-a"]),
        Op::Advance(5_000),
        lookup(0, false, "DELETE", &[]),
    ];
    // Firefox and the standard merge: PUT and x-a live on, DELETE expires
    // after its own 5 s.
    assert_eq!(answers(&Profile::FIREFOX, &ops), [Ok(()), miss_method("DELETE")]);
    assert_eq!(answers(&Profile::SPEC, &ops), [Ok(()), miss_method("DELETE")]);
    // Chromium and WebKit replace: PUT is gone, and the insufficient entry
    // is erased.
    assert_eq!(answers(&Profile::CHROMIUM, &ops), [miss_method("PUT"), Err(CacheMiss::NoEntry)]);
    assert_eq!(answers(&Profile::WEBKIT, &ops), [miss_method("PUT"), Err(CacheMiss::NoEntry)]);
}

#[test]
fn credentialed_entries_and_requests() {
    // A credentialed entry serves both; an uncredentialed one only
    // uncredentialed requests (Firefox keys them apart instead).
    let ops = [
        insert(0, 0, true, &["PUT"], &[], Some(600)),
        lookup(0, false, "PUT", &[]),
        lookup(0, true, "PUT", &[]),
        insert(0, 1, false, &["PUT"], &[], Some(600)),
        lookup(1, true, "PUT", &[]),
    ];
    assert_eq!(answers(&Profile::CHROMIUM, &ops), [Ok(()), Ok(()), Err(CacheMiss::NotCredentialed)]);
    assert_eq!(answers(&Profile::WEBKIT, &ops), [Ok(()), Ok(()), Err(CacheMiss::NotCredentialed)]);
    assert_eq!(answers(&Profile::FIREFOX, &ops), [Err(CacheMiss::NoEntry), Ok(()), Err(CacheMiss::NoEntry)]);
}

#[test]
fn wildcards() {
    let ops = [
        insert(0, 0, false, &["*"], &["*"], Some(600)),
        lookup(0, false, "DELETE", &["x-a"]),
        lookup(0, false, "PUT", &["authorization"]),
        insert(0, 1, true, &["*"], &["*"], Some(600)),
        lookup(1, true, "DELETE", &[]),
    ];
    // `*` covers any method and header but Authorization, and only
    // uncredentialed.
    assert_eq!(
        answers(&Profile::CHROMIUM, &ops),
        [Ok(()), Err(CacheMiss::Header("authorization".into())), miss_method("DELETE")]
    );
    // WebKit's cached `*` covers Authorization too.
    assert_eq!(answers(&Profile::WEBKIT, &ops), [Ok(()), Ok(()), miss_method("DELETE")]);
    // Firefox compares `*` literally.
    assert_eq!(answers(&Profile::FIREFOX, &ops), [miss_method("DELETE"), miss_method("PUT"), miss_method("DELETE")]);
}

#[test]
fn exempt_methods() {
    let ops = [insert(0, 0, false, &["PUT"], &["x-a"], Some(600)), lookup(0, false, "HEAD", &["x-a"])];
    assert_eq!(answers(&Profile::CHROMIUM, &ops), [Ok(())]);
    // Firefox exempts only GET and POST.
    assert_eq!(answers(&Profile::FIREFOX, &ops), [miss_method("HEAD")]);
}

#[test]
fn long_urls_and_max_age_zero() {
    let ops = [
        insert(0, 3, false, &["PUT"], &[], Some(600)),
        insert(0, 4, false, &["PUT"], &[], Some(600)),
        lookup(3, false, "PUT", &[]),
        lookup(4, false, "PUT", &[]),
        insert(0, 0, false, &["PUT"], &[], Some(0)),
        lookup(0, false, "PUT", &[]),
    ];
    // Chromium never caches a URL of 1024 bytes or more.
    assert_eq!(answers(&Profile::CHROMIUM, &ops), [Ok(()), Err(CacheMiss::NoEntry), Err(CacheMiss::NoEntry)]);
    assert_eq!(answers(&Profile::WEBKIT, &ops), [Ok(()), Ok(()), Err(CacheMiss::NoEntry)]);
    // A max-age of 0 expires the tokens it names at once, in a merging cache
    // too.
    let refresh = [
        insert(0, 0, false, &["PUT", "DELETE"], &[], Some(600)),
        insert(0, 0, false, &["PUT"], &[], Some(0)),
        lookup(0, false, "PUT", &[]),
        lookup(0, false, "DELETE", &[]),
    ];
    assert_eq!(answers(&Profile::SPEC, &refresh), [miss_method("PUT"), Ok(())]);
}

#[test]
fn least_recently_used_goes_first() {
    let mut p = Profile::FIREFOX.clone();
    p.cache.capacity = Some(2);
    let ops = [
        insert(0, 0, false, &["PUT"], &[], Some(600)),
        insert(0, 1, false, &["PUT"], &[], Some(600)),
        lookup(0, false, "PUT", &[]),
        insert(0, 2, false, &["PUT"], &[], Some(600)),
        lookup(1, false, "PUT", &[]),
        lookup(0, false, "PUT", &[]),
    ];
    assert_eq!(answers(&p, &ops), [Ok(()), Err(CacheMiss::NoEntry), Ok(())]);
    // Expired entries go before any live one.
    let ops = [
        insert(0, 0, false, &["PUT"], &[], Some(600)),
        insert(0, 1, false, &["PUT"], &[], Some(1)),
        lookup(1, false, "PUT", &[]),
        Op::Advance(1_000),
        insert(0, 2, false, &["PUT"], &[], Some(600)),
        lookup(0, false, "PUT", &[]),
        lookup(1, false, "PUT", &[]),
    ];
    assert_eq!(answers(&p, &ops), [Ok(()), Ok(()), Err(CacheMiss::NoEntry)]);
}

// ---------------------------------------------------------------------------
// Disagreements the model found: each test states what the browser or the
// standard does. D1, D2 and D4 are fixed; D3 and D5 (the SPEC profile's
// per-token credentials and Max-Age 0) still fail and are ignored.
// ---------------------------------------------------------------------------

fn plain_key(url: &str, credentials: Option<bool>) -> CacheKey {
    CacheKey { origin: "https://app.example".into(), url: url.into(), credentials }
}

fn result(methods: &[&str], headers: &[&str], credentials: bool, max_age: Option<u64>) -> PreflightResult {
    PreflightResult {
        methods: methods.iter().map(|s| s.to_string()).collect(),
        headers: headers.iter().map(|s| s.to_string()).collect(),
        credentials,
        max_age_secs: max_age,
    }
}

/// D1. Chromium's `PreflightCache::MayPurge` starts the run at
/// `RandInt(0, size - kPurgeUnit)`, so it always erases exactly 10 entries
/// (the cache used to start anywhere in `0..size` and erase fewer near the
/// end).
#[test]
fn random_run_always_evicts_a_full_run() {
    let mut p = Profile::CHROMIUM.clone();
    p.cache.capacity = Some(6);
    p.cache.eviction = Eviction::RandomRun(3);
    for seed in 0..64 {
        let mut cache = PreflightCache::with_seed(seed);
        for i in 0..40 {
            let before = cache.len();
            cache.insert(
                &p,
                plain_key(&format!("https://api.example/{i}"), None),
                &result(&["PUT"], &[], false, Some(600)),
                Timestamp::ZERO,
            );
            if before == 6 {
                assert_eq!(cache.len(), 6 - 3 + 1, "seed {seed}, insert {i}");
            }
        }
    }
}

/// D2. Firefox's `nsPreflightCache::GetEntry` moves an entry to the front of
/// its LRU list whenever a lookup finds it, whether or not it then allows the
/// request (the cache used to count only lookups that hit).
#[test]
fn firefox_counts_every_found_lookup_as_a_use() {
    let mut p = Profile::FIREFOX.clone();
    p.cache.capacity = Some(2);
    let (a, b, c) = (
        plain_key("https://api.example/a", Some(false)),
        plain_key("https://api.example/b", Some(false)),
        plain_key("https://api.example/c", Some(false)),
    );
    let mut cache = PreflightCache::new();
    let put = result(&["PUT"], &[], false, Some(600));
    cache.insert(&p, a.clone(), &put, Timestamp::ZERO);
    cache.insert(&p, b.clone(), &put, Timestamp::ZERO);
    let names: TokenList = ["x-a"].into_iter().collect();
    let q = CacheQuery { method: "PUT", unsafe_headers: &names, credentials: false };
    assert!(cache.lookup(&p, &a, &q, Timestamp::ZERO).is_err());
    cache.insert(&p, c, &put, Timestamp::ZERO);
    let keys: Vec<CacheKey> = cache.entries().map(|(k, _)| k).collect();
    assert!(keys.contains(&a) && !keys.contains(&b), "Firefox evicts b, used less recently than a: {keys:?}");
}

/// D3. The standard keeps `credentials` per cache entry, that is per method
/// and per header name: a method allowed by an uncredentialed preflight never
/// serves a credentialed request, even after a credentialed preflight allowed
/// another method for the same URL. The merging SPEC profile keeps one flag per
/// key, overwritten by the latest preflight.
#[test]
#[ignore = "KNOWN DISAGREEMENT D3: merging overwrites the credentials of earlier tokens (SPEC profile)"]
fn spec_tokens_keep_their_own_credentials() {
    let p = &Profile::SPEC;
    let k = plain_key("https://api.example/a", None);
    let mut cache = PreflightCache::new();
    cache.insert(p, k.clone(), &result(&["PUT"], &[], false, Some(600)), Timestamp::ZERO);
    cache.insert(p, k.clone(), &result(&["DELETE"], &[], true, Some(600)), Timestamp::ZERO);
    let q = CacheQuery { method: "PUT", unsafe_headers: &TokenList::new(), credentials: true };
    assert!(cache.lookup(p, &k, &q, Timestamp::ZERO).is_err(), "PUT was allowed for uncredentialed requests only");
}

/// D4. A list that names a token twice (`Access-Control-Allow-Methods: PUT,
/// PUT`) used to be stored twice in a new entry, so that a later preflight
/// with a shorter Max-Age refreshed only the first copy. Firefox (and the standard, whose second `PUT` finds the entry the
/// first created) keep one token and give it the new, shorter expiry.
#[test]
fn repeated_tokens_are_one_token() {
    let p = &Profile::FIREFOX;
    let k = plain_key("https://api.example/a", Some(false));
    let mut cache = PreflightCache::new();
    cache.insert(p, k.clone(), &result(&["PUT", "PUT"], &[], false, Some(600)), Timestamp::ZERO);
    cache.insert(p, k.clone(), &result(&["PUT"], &[], false, Some(5)), Timestamp::ZERO);
    let q = CacheQuery { method: "PUT", unsafe_headers: &TokenList::new(), credentials: false };
    assert!(cache.lookup(p, &k, &q, Timestamp::from_millis(10_000)).is_err(), "PUT's max-age is now 5 s");
}

/// D5 (in `max_age`, beside the cache). In the standard `Access-Control-Max-Age:
/// 0` sets the max-age of the methods and headers it names to 0, which expires
/// them; the SPEC profile reads 0 as "store nothing", so they live on.
/// (Chromium and WebKit store an expired result, which replaces the entry, but
/// they erase an entry before preflighting again, so it is not observable
/// there; Firefox does store nothing.)
#[test]
#[ignore = "KNOWN DISAGREEMENT D5: Max-Age 0 leaves earlier tokens alive in the SPEC profile"]
fn spec_max_age_zero_expires_what_it_names() {
    let p = &Profile::SPEC;
    let k = plain_key("https://api.example/a", None);
    let mut cache = PreflightCache::new();
    cache.insert(p, k.clone(), &result(&["PUT"], &["x-a"], false, Some(600)), Timestamp::ZERO);
    let zero = corsim::preflight_cache::max_age(p, Some(b"0"));
    cache.insert(p, k.clone(), &result(&["PUT"], &["x-b"], false, zero), Timestamp::from_millis(1_000));
    let q = CacheQuery { method: "PUT", unsafe_headers: &TokenList::new(), credentials: false };
    assert!(cache.lookup(p, &k, &q, Timestamp::from_millis(2_000)).is_err(), "PUT's max-age was set to 0");
}
