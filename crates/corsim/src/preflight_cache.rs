//! The CORS-preflight cache (Fetch § "CORS-preflight cache"), a value the
//! caller owns, with time passed in and eviction randomness seeded, so that
//! every run is reproducible.
//!
//! The profile decides its shape: Chromium keeps one result per (page origin,
//! URL) and replaces it on every preflight, erases it when it does not cover
//! a request, and drops a random run of 10 entries when 1024 are stored;
//! Firefox keys credentialed and uncredentialed entries apart, merges tokens
//! and evicts the least recently used of 100; WebKit is unbounded.

use url::Url;

use crate::header_list::TokenList;
use crate::origin::Origin;
use crate::profile::{CacheRules, Eviction, Profile};
use crate::request::CredentialsMode;
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

/// A request's cache key, borrowed: what its entry is found and stored by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyParts<'a> {
    /// The origin part.
    pub origin: &'a str,
    /// The URL, serialized.
    pub url: &'a str,
    /// The credentials part, in profiles that keep credentialed entries apart.
    pub credentials: Option<bool>,
}

impl<'a> KeyParts<'a> {
    /// The key of the entry for a request to `url` from a page of origin
    /// `page_origin` (Fetch § "CORS-preflight cache", with the profile's
    /// rules): keyed on `null` once redirect-tainted where the profile keys
    /// on the serialized request origin, and on the credentials mode where it
    /// keeps credentialed entries apart. `None` when the profile caches no
    /// preflight for such a URL (Firefox: hosts that are IP addresses).
    pub fn for_request(
        profile: &Profile,
        page_origin: &'a Origin,
        redirect_tainted: bool,
        url: &'a Url,
        credentials: CredentialsMode,
    ) -> Option<KeyParts<'a>> {
        let rules = &profile.cache;
        if !rules.cache_ip_hosts && Origin::of_url(url).host_is_ip() {
            return None;
        }
        let origin = if rules.key_on_tainted_origin && redirect_tainted { "null" } else { page_origin.serialize() };
        let credentials = rules.separate_credentials.then_some(credentials == CredentialsMode::Include);
        Some(KeyParts { origin, url: url.as_str(), credentials })
    }
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
    pub methods: TokenList,
    /// Header names, lower-cased.
    pub headers: TokenList,
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
    pub unsafe_headers: &'a TokenList,
    /// Whether its credentials mode is `include`.
    pub credentials: bool,
}

/// Why a lookup found nothing usable.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(tag = "reason", content = "value", rename_all = "kebab-case"))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
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
/// Entries are stored compactly (one allocation each: the URL and the allowed
/// methods and header names in one string; origins interned), found through a
/// hash table, and iterated in storage order.
///
/// ```
/// use corsim::preflight_cache::{CacheKey, CacheQuery, PreflightCache, PreflightResult};
/// use corsim::{Profile, Timestamp, TokenList};
/// let p = &Profile::CHROMIUM;
/// let mut cache = PreflightCache::new();
/// let key = CacheKey { origin: "https://a.example".into(), url: "https://api.example/x".into(), credentials: None };
/// let result = PreflightResult { methods: ["PUT"].into_iter().collect(), headers: TokenList::new(), credentials: false, max_age_secs: Some(600) };
/// cache.insert(p, key.clone(), &result, Timestamp::ZERO);
/// let put = CacheQuery { method: "PUT", unsafe_headers: &TokenList::new(), credentials: false };
/// assert!(cache.lookup(p, &key, &put, Timestamp::from_millis(599_999)).is_ok());
/// assert!(cache.lookup(p, &key, &put, Timestamp::from_millis(600_000)).is_err());
/// ```
#[derive(Clone, Default)]
pub struct PreflightCache {
    slots: Vec<Slot>,
    index: hashbrown::HashTable<u32>,
    origins: Vec<Box<str>>,
    /// Each origin's index in `origins`, found by the origin's hash: the
    /// text is stored once, in `origins`.
    origin_ids: hashbrown::HashTable<u32>,
    rng: u64,
    uses: u64,
}

impl std::fmt::Debug for PreflightCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.entries()).finish()
    }
}

/// One stored entry, in one allocation.
#[derive(Clone, Debug)]
struct Slot {
    /// The URL, `\n`, the methods joined with `,`, `\n`, the header names
    /// joined with `,`.
    text: Box<str>,
    url_len: u32,
    methods_len: u32,
    origin: u32,
    /// The key's credentials part: 0 none, 1 uncredentialed, 2 credentialed.
    key_credentials: u8,
    credentials: bool,
    expires: Timestamp,
    stored: Timestamp,
    last_used: u64,
    /// Per-token expiry (methods, then headers) in profiles that merge
    /// preflights; `None` when every token expires with the entry.
    token_expiry: Option<Box<[Timestamp]>>,
}

impl Slot {
    fn url(&self) -> &str {
        &self.text[..self.url_len as usize]
    }
    fn methods_text(&self) -> &str {
        let start = self.url_len as usize + 1;
        &self.text[start..start + self.methods_len as usize]
    }
    fn headers_text(&self) -> &str {
        &self.text[self.url_len as usize + 1 + self.methods_len as usize + 1..]
    }
    fn methods(&self) -> impl Iterator<Item = &str> {
        self.methods_text().split(',').filter(|t| !t.is_empty())
    }
    fn headers(&self) -> impl Iterator<Item = &str> {
        self.headers_text().split(',').filter(|t| !t.is_empty())
    }
    /// The expiry of the `i`-th token (methods first, then headers).
    fn token_expires(&self, i: usize) -> Timestamp {
        self.token_expiry.as_ref().and_then(|e| e.get(i).copied()).unwrap_or(self.expires)
    }
    /// The slot's text and per-token expiries for tokens that each expire
    /// at their own time (or all at `expires`).
    fn build<'a>(
        url: &str,
        methods: &[(&'a str, Timestamp)],
        headers: &[(&'a str, Timestamp)],
        expires: Timestamp,
    ) -> (Box<str>, u32, u32, Option<Box<[Timestamp]>>) {
        let len = |list: &[(&str, Timestamp)]| list.iter().map(|(t, _)| t.len() + 1).sum::<usize>();
        let mut text = String::with_capacity(url.len() + len(methods) + len(headers) + 2);
        text.push_str(url);
        text.push('\n');
        push_joined(&mut text, methods);
        let methods_len = text.len() - url.len() - 1;
        text.push('\n');
        push_joined(&mut text, headers);
        let all_same = methods.iter().chain(headers).all(|(_, e)| *e == expires);
        let token_expiry =
            (!all_same).then(|| methods.iter().chain(headers).map(|(_, e)| *e).collect::<Vec<_>>().into_boxed_slice());
        (text.into_boxed_str(), url.len() as u32, methods_len as u32, token_expiry)
    }
}

fn push_joined(out: &mut String, tokens: &[(&str, Timestamp)]) {
    for (i, (t, _)) in tokens.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(t);
    }
}

fn credentials_code(c: Option<bool>) -> u8 {
    match c {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

/// A fixed-seed fast hash: lookups are quick and every run is the same.
type FixedState = foldhash::fast::FixedState;

fn key_hash(origin: u32, url: &str, credentials: u8) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = FixedState::with_seed(0x00c0_251a).build_hasher();
    origin.hash(&mut h);
    url.hash(&mut h);
    credentials.hash(&mut h);
    h.finish()
}

fn origin_hash(origin: &str) -> u64 {
    use std::hash::BuildHasher;
    FixedState::with_seed(0x0121_6175).hash_one(origin)
}

fn slot_hash(slot: &Slot) -> u64 {
    key_hash(slot.origin, slot.url(), slot.key_credentials)
}

impl PreflightCache {
    /// An empty cache whose eviction randomness starts from a fixed seed.
    pub fn new() -> Self {
        Self::with_seed(0x5EED_C0125)
    }

    /// An empty cache whose eviction randomness starts from `seed`.
    pub fn with_seed(seed: u64) -> Self {
        PreflightCache { rng: seed | 1, ..Default::default() }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Every entry, as key and value, in storage order.
    pub fn entries(&self) -> impl Iterator<Item = (CacheKey, CacheEntry)> + '_ {
        self.slots.iter().map(move |slot| {
            let key = CacheKey {
                origin: self.origins.get(slot.origin as usize).map(|o| o.to_string()).unwrap_or_default(),
                url: slot.url().to_owned(),
                credentials: match slot.key_credentials {
                    0 => None,
                    1 => Some(false),
                    _ => Some(true),
                },
            };
            let methods_count = slot.methods().count();
            let entry = CacheEntry {
                credentials: slot.credentials,
                methods: slot
                    .methods()
                    .enumerate()
                    .map(|(i, t)| CachedToken { token: t.to_owned(), expires: slot.token_expires(i) })
                    .collect(),
                headers: slot
                    .headers()
                    .enumerate()
                    .map(|(i, t)| CachedToken { token: t.to_owned(), expires: slot.token_expires(methods_count + i) })
                    .collect(),
                expires: slot.expires,
                stored: slot.stored,
                last_used: slot.last_used,
            };
            (key, entry)
        })
    }

    /// Remove everything.
    pub fn clear(&mut self) {
        self.slots.clear();
        self.index.clear();
        self.origins.clear();
        self.origin_ids.clear();
    }

    /// "Clear cache entries" (Fetch § "CORS-preflight cache") for an origin
    /// and URL (both credentials keys).
    pub fn clear_url(&mut self, origin: &str, url: &str) {
        let Some(id) = self.known_origin(origin) else { return };
        self.retain(|s| !(s.origin == id && s.url() == url));
    }

    /// Remove entries that have expired at `now` (Fetch § "CORS-preflight
    /// cache": an entry must be removed once its max-age has passed).
    pub fn purge_expired(&mut self, now: Timestamp) {
        self.retain(|s| s.expires > now);
    }

    fn retain(&mut self, keep: impl Fn(&Slot) -> bool) {
        let before = self.slots.len();
        self.slots.retain(|s| keep(s));
        if self.slots.len() != before {
            self.rebuild_index();
        }
    }

    fn rebuild_index(&mut self) {
        self.index.clear();
        for (i, slot) in self.slots.iter().enumerate() {
            let slots = &self.slots;
            self.index.insert_unique(slot_hash(slot), i as u32, |&j| slot_hash(&slots[j as usize]));
        }
    }

    fn find(&self, origin: &str, url: &str, credentials: Option<bool>) -> Option<usize> {
        let id = self.known_origin(origin)?;
        let code = credentials_code(credentials);
        let slots = &self.slots;
        self.index
            .find(key_hash(id, url, code), |&i| {
                let s = &slots[i as usize];
                s.origin == id && s.key_credentials == code && s.url() == url
            })
            .map(|&i| i as usize)
    }

    /// Remove the slot at `i`, moving the last slot into its place.
    fn remove_at(&mut self, i: usize) {
        let hash = slot_hash(&self.slots[i]);
        if let Ok(entry) = self.index.find_entry(hash, |&j| j as usize == i) {
            entry.remove();
        }
        let last = self.slots.len() - 1;
        self.slots.swap_remove(i);
        if i != last {
            let moved_hash = slot_hash(&self.slots[i]);
            if let Some(j) = self.index.find_mut(moved_hash, |&j| j as usize == last) {
                *j = i as u32;
            }
        }
    }

    /// The id of an origin the cache has stored before.
    fn known_origin(&self, origin: &str) -> Option<u32> {
        let origins = &self.origins;
        self.origin_ids.find(origin_hash(origin), |&i| &*origins[i as usize] == origin).copied()
    }

    /// The id of `origin`, stored now if it is new (one hash, one probe).
    fn origin_id(&mut self, origin: &str) -> u32 {
        let origins = &self.origins;
        let eq = |&i: &u32| &*origins[i as usize] == origin;
        match self.origin_ids.entry(origin_hash(origin), eq, |&i| origin_hash(&origins[i as usize])) {
            hashbrown::hash_table::Entry::Occupied(known) => *known.get(),
            hashbrown::hash_table::Entry::Vacant(new) => {
                let id = self.origins.len() as u32;
                self.origins.push(origin.into());
                new.insert(id);
                id
            }
        }
    }

    /// Whether a stored entry lets the request skip its preflight (Fetch §
    /// "HTTP fetch", with the matches of § "CORS-preflight cache"). On a miss
    /// the entry may be removed, as the profile says.
    pub fn lookup(
        &mut self,
        profile: &Profile,
        key: &CacheKey,
        query: &CacheQuery<'_>,
        now: Timestamp,
    ) -> Result<(), CacheMiss> {
        let parts = KeyParts { origin: &key.origin, url: &key.url, credentials: key.credentials };
        self.lookup_parts(profile, parts, query, now)
    }

    /// [`lookup`](PreflightCache::lookup) with the key's parts borrowed.
    pub fn lookup_parts(
        &mut self,
        profile: &Profile,
        key: KeyParts<'_>,
        query: &CacheQuery<'_>,
        now: Timestamp,
    ) -> Result<(), CacheMiss> {
        let Some(i) = self.find(key.origin, key.url, key.credentials) else {
            return Err(CacheMiss::NoEntry);
        };
        if self.slots[i].expires <= now {
            self.remove_at(i);
            return Err(CacheMiss::Expired);
        }
        // Finding the entry counts as a use, whether or not it allows the
        // request (Firefox's `nsPreflightCache::GetEntry` moves it to the
        // front of its LRU list either way).
        self.uses += 1;
        self.slots[i].last_used = self.uses;
        match slot_allows(profile, &self.slots[i], query, now) {
            Ok(()) => Ok(()),
            Err(miss) => {
                if profile.cache.erase_when_insufficient {
                    self.remove_at(i);
                }
                Err(miss)
            }
        }
    }

    /// Store what a successful preflight allowed (Fetch § "CORS-preflight
    /// fetch", steps 7.12–7.15), or nothing, when the profile says so for its
    /// max-age or URL.
    pub fn insert(&mut self, profile: &Profile, key: CacheKey, result: &PreflightResult, now: Timestamp) {
        let parts = KeyParts { origin: &key.origin, url: &key.url, credentials: key.credentials };
        self.insert_parts(profile, parts, result, now);
    }

    /// [`insert`](PreflightCache::insert) with the key's parts borrowed.
    pub fn insert_parts(&mut self, profile: &Profile, key: KeyParts<'_>, result: &PreflightResult, now: Timestamp) {
        let KeyParts { origin, url, credentials } = key;
        let rules = &profile.cache;
        let Some(max_age) = result.max_age_secs else { return };
        if rules.max_url_len.is_some_and(|limit| url.len() >= limit) {
            return;
        }
        let expires = now.plus_secs(max_age);
        self.uses += 1;
        // A token listed twice is stored once.
        fn fresh(list: &TokenList, expires: Timestamp) -> Vec<(&str, Timestamp)> {
            let mut tokens = Vec::with_capacity(list.len());
            merge_tokens(&mut tokens, list, expires);
            tokens
        }
        if let Some(i) = self.find(origin, url, credentials) {
            // Merging reads the old tokens while the slot is rewritten.
            let old = if rules.merge { Some(self.slots[i].clone()) } else { None };
            let (methods, headers) = if let Some(old) = &old {
                let count = old.methods().count();
                let mut methods: Vec<(&str, Timestamp)> =
                    old.methods().enumerate().map(|(j, t)| (t, old.token_expires(j))).collect();
                let mut headers: Vec<(&str, Timestamp)> =
                    old.headers().enumerate().map(|(j, t)| (t, old.token_expires(count + j))).collect();
                merge_tokens(&mut methods, &result.methods, expires);
                merge_tokens(&mut headers, &result.headers, expires);
                methods.retain(|(_, e)| *e > now);
                headers.retain(|(_, e)| *e > now);
                (methods, headers)
            } else {
                (fresh(&result.methods, expires), fresh(&result.headers, expires))
            };
            let latest = methods.iter().chain(&headers).map(|(_, e)| *e).max().unwrap_or(expires).max(expires);
            let entry_expires = if rules.merge { latest } else { expires };
            if entry_expires <= now {
                self.remove_at(i);
                return;
            }
            let (text, url_len, methods_len, token_expiry) = Slot::build(url, &methods, &headers, entry_expires);
            let uses = self.uses;
            let slot = &mut self.slots[i];
            // The URL is unchanged, so the slot's hash is too.
            slot.text = text;
            slot.url_len = url_len;
            slot.methods_len = methods_len;
            slot.token_expiry = token_expiry;
            slot.credentials = result.credentials;
            slot.expires = entry_expires;
            slot.stored = now;
            slot.last_used = uses;
            return;
        }
        if max_age == 0 {
            return;
        }
        self.make_room(rules, now);
        let (text, url_len, methods_len, token_expiry) =
            Slot::build(url, &fresh(&result.methods, expires), &fresh(&result.headers, expires), expires);
        let slot = Slot {
            text,
            url_len,
            methods_len,
            origin: self.origin_id(origin),
            key_credentials: credentials_code(credentials),
            credentials: result.credentials,
            expires,
            stored: now,
            last_used: self.uses,
            token_expiry,
        };
        let hash = slot_hash(&slot);
        let index = self.slots.len() as u32;
        self.slots.push(slot);
        let slots = &self.slots;
        self.index.insert_unique(hash, index, |&j| slot_hash(&slots[j as usize]));
    }

    fn make_room(&mut self, rules: &CacheRules, now: Timestamp) {
        let Some(capacity) = rules.capacity else { return };
        if self.slots.len() < capacity {
            return;
        }
        match rules.eviction {
            Eviction::RandomRun(run) => {
                // Erase `run` consecutive entries from a random index, as
                // Chromium's `MayPurge` does: the start is drawn so that the
                // whole run fits (`RandInt(0, size - run)`).
                let run = run.clamp(1, self.slots.len());
                let start = (self.next_random() % (self.slots.len() - run + 1) as u64) as usize;
                let end = start + run;
                for i in (start..end).rev() {
                    self.remove_at(i);
                }
            }
            Eviction::LeastRecentlyUsed => {
                self.purge_expired(now);
                while self.slots.len() >= capacity {
                    let Some(oldest) = self.slots.iter().enumerate().min_by_key(|(_, s)| s.last_used).map(|(i, _)| i)
                    else {
                        break;
                    };
                    self.remove_at(oldest);
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

/// Merge a new preflight's tokens (Fetch § "CORS-preflight fetch", steps
/// 7.12–7.15): known ones are refreshed, new ones added.
fn merge_tokens<'a>(into: &mut Vec<(&'a str, Timestamp)>, new: &'a TokenList, expires: Timestamp) {
    // Short lists (the usual ones) are merged in place, without a map.
    if into.len() + new.len() <= FEW_HEADERS {
        for t in new.iter() {
            match into.iter_mut().find(|(known, _)| *known == t) {
                Some(known) => known.1 = expires,
                None => into.push((t, expires)),
            }
        }
        return;
    }
    // Where each known token is, so that long lists merge in linear time.
    let mut at: hashbrown::HashMap<&'a str, usize, FixedState> =
        into.iter().enumerate().map(|(i, (t, _))| (*t, i)).collect();
    for t in new.iter() {
        match at.get(t) {
            Some(&i) => into[i].1 = expires,
            None => {
                at.insert(t, into.len());
                into.push((t, expires));
            }
        }
    }
}

/// Above this many unsafe request headers, a lookup first gathers the
/// entry's header tokens in a hash set rather than scanning the list for
/// each name.
const FEW_HEADERS: usize = 8;

/// Whether the comma-joined `list` holds `token` (byte for byte).
fn list_contains(list: &str, token: &str) -> bool {
    let (list, token) = (list.as_bytes(), token.as_bytes());
    let mut rest = list;
    loop {
        let end = rest.iter().position(|&b| b == b',').unwrap_or(rest.len());
        if &rest[..end] == token {
            return true;
        }
        if end == rest.len() {
            return false;
        }
        rest = &rest[end + 1..];
    }
}

/// "Method cache entry match" and "header-name cache entry match" (Fetch §
/// "CORS-preflight cache") for every unsafe header, with the profile's rules
/// for `*` and credentials. Header names are lower-case on both sides.
fn slot_allows(profile: &Profile, slot: &Slot, q: &CacheQuery<'_>, now: Timestamp) -> Result<(), CacheMiss> {
    let rules = &profile.cache;
    if q.credentials && !slot.credentials && !rules.separate_credentials {
        return Err(CacheMiss::NotCredentialed);
    }
    // `*` acts as a wildcard only for an uncredentialed entry and request.
    let wildcard_ok = !slot.credentials && !q.credentials && !profile.cache_wildcard_literal;
    let authorization_by_wildcard = rules.wildcard_covers_authorization;
    if slot.token_expiry.is_none() {
        // Every token lives as long as the entry, which is alive: plain
        // membership tests on the joined lists.
        let (methods, headers) = (slot.methods_text(), slot.headers_text());
        if !(profile.cache_exempt_methods.contains(&q.method)
            || list_contains(methods, q.method)
            || (wildcard_ok && list_contains(methods, "*")))
        {
            return Err(CacheMiss::Method(q.method.to_owned()));
        }
        let star = wildcard_ok && list_contains(headers, "*");
        let set: Option<hashbrown::HashSet<&str, FixedState>> =
            (q.unsafe_headers.len() > FEW_HEADERS).then(|| headers.split(',').collect());
        for name in q.unsafe_headers.iter() {
            let covered_by_star = star && (authorization_by_wildcard || name != "authorization");
            let listed = match &set {
                Some(set) => set.contains(name),
                None => list_contains(headers, name),
            };
            if !covered_by_star && !listed {
                return Err(CacheMiss::Header(name.to_owned()));
            }
        }
        return Ok(());
    }
    let method_ok = profile.cache_exempt_methods.contains(&q.method)
        || slot
            .methods()
            .enumerate()
            .any(|(i, t)| slot.token_expires(i) > now && (t == q.method || (wildcard_ok && t == "*")));
    if !method_ok {
        return Err(CacheMiss::Method(q.method.to_owned()));
    }
    let count = slot.methods().count();
    // The header tokens still alive, each once.
    let live = || slot.headers().enumerate().filter(move |(i, _)| slot.token_expires(count + i) > now).map(|(_, t)| t);
    let star = wildcard_ok && live().any(|t| t == "*");
    let set: Option<hashbrown::HashSet<&str, FixedState>> = (q.unsafe_headers.len() > FEW_HEADERS).then(|| live().collect());
    for name in q.unsafe_headers.iter() {
        let covered_by_star = star && (authorization_by_wildcard || name != "authorization");
        let listed = match &set {
            Some(set) => set.contains(name),
            None => live().any(|t| t == name),
        };
        if !covered_by_star && !listed {
            return Err(CacheMiss::Header(name.to_owned()));
        }
    }
    Ok(())
}

/// Read `Access-Control-Max-Age` (Fetch § "CORS-preflight fetch", steps
/// 7.8–7.10) as the profile does, given all its lines joined with `, `
/// (`None` when absent): seconds to keep the result, or `None` for "store
/// nothing".
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
    use crate::header_list::isomorphic_decode;

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
        let none = TokenList::new();
        let q = |credentials| CacheQuery { method: "PUT", unsafe_headers: &none, credentials };
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
        let names: TokenList = ["x-a"].into_iter().collect();
        let q = CacheQuery { method: "FOO", unsafe_headers: &names, credentials: false };
        assert!(c.lookup(p, &key("u"), &q, Timestamp::ZERO).is_ok());
        let auth: TokenList = ["authorization"].into_iter().collect();
        let q = CacheQuery { method: "GET", unsafe_headers: &auth, credentials: false };
        assert_eq!(c.lookup(p, &key("u"), &q, Timestamp::ZERO), Err(CacheMiss::Header("authorization".into())));
    }

    #[test]
    fn replace_versus_merge() {
        let none = TokenList::new();
        let q = |m| CacheQuery { method: m, unsafe_headers: &none, credentials: false };
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
