//! Header lists (Fetch § "Headers"): ordered name/value byte pairs with
//! duplicates kept, byte-case-insensitive name matching, combined values, and
//! the list syntax of `Access-Control-Allow-Methods` and friends.

use std::fmt;

/// One header: name and value as bytes.
///
/// Names are compared byte-case-insensitively; values are bytes, shown by
/// corsim isomorphically decoded (each byte one character, U+0000–U+00FF).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Header {
    /// The name, as given (case kept).
    pub name: Vec<u8>,
    /// The value, as given.
    pub value: Vec<u8>,
}

impl Header {
    /// A header from a name and value.
    pub fn new(name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> Self {
        Header { name: name.into(), value: value.into() }
    }

    /// Whether the name is a byte-case-insensitive match for `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:?}", isomorphic_decode(&self.name), isomorphic_decode(&self.value))
    }
}

/// A header list: order and duplicates are kept.
///
/// ```
/// use corsim::HeaderList;
/// let mut h = HeaderList::new();
/// h.append("Access-Control-Allow-Origin", "*");
/// h.append("access-control-allow-origin", "https://a.example");
/// assert_eq!(h.get("ACCESS-CONTROL-ALLOW-ORIGIN").unwrap(), b"*, https://a.example");
/// assert_eq!(h.get("Vary"), None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct HeaderList {
    entries: Vec<Header>,
}

impl HeaderList {
    /// An empty list.
    pub fn new() -> Self {
        HeaderList { entries: Vec::new() }
    }

    /// Append a header at the end.
    pub fn append(&mut self, name: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.entries.push(Header::new(name, value));
    }

    /// Append a header.
    pub fn push(&mut self, header: Header) {
        self.entries.push(header);
    }

    /// The headers, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Header> {
        self.entries.iter()
    }

    /// Number of headers (duplicates counted).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a header named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|h| h.is(name))
    }

    /// Every value of headers named `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.entries.iter().filter(move |h| h.is(name)).map(|h| h.value.as_slice())
    }

    /// "Get" (Fetch § "Headers"): the values of every header named `name`
    /// joined with `, `, or `None` when there is none.
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        let mut out: Option<Vec<u8>> = None;
        for v in self.get_all(name) {
            match &mut out {
                None => out = Some(v.to_vec()),
                Some(o) => {
                    o.extend_from_slice(b", ");
                    o.extend_from_slice(v);
                }
            }
        }
        out
    }

    /// Like [`get`](HeaderList::get), but borrowed when there is a single
    /// header of that name (no allocation).
    pub fn get_cow<'a>(&'a self, name: &str) -> Option<std::borrow::Cow<'a, [u8]>> {
        let mut all = self.entries.iter().filter(|h| h.is(name)).map(|h| h.value.as_slice());
        let first = all.next()?;
        match all.next() {
            None => Some(std::borrow::Cow::Borrowed(first)),
            Some(_) => self.get(name).map(std::borrow::Cow::Owned),
        }
    }

    /// Remove every header named `name`.
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|h| !h.is(name));
    }

    /// Set `name` to `value`: replace the first header of that name and
    /// remove the others, or append.
    pub fn set(&mut self, name: &str, value: impl Into<Vec<u8>>) {
        let value = value.into();
        if let Some(i) = self.entries.iter().position(|h| h.is(name)) {
            self.entries[i].value = value;
            let mut seen = false;
            self.entries.retain(|h| {
                if h.is(name) {
                    let keep = !seen;
                    seen = true;
                    keep
                } else {
                    true
                }
            });
        } else {
            self.entries.push(Header::new(name.as_bytes(), value));
        }
    }

    /// Strip leading and trailing spaces and tabs from every value, as an
    /// HTTP parser does with a field's optional whitespace.
    pub fn trim_values(&mut self) {
        for h in &mut self.entries {
            let trimmed = trim_bytes(&h.value, is_http_tab_or_space);
            if trimmed.len() != h.value.len() {
                h.value = trimmed.to_vec();
            }
        }
    }

    /// Combine headers of the same name into one (Fetch § "Headers":
    /// "combine"; the first's position and name casing), values joined with
    /// `, `. This is what browsers do when a `Headers` object becomes a
    /// network request.
    pub fn combined(&self) -> HeaderList {
        if !self.has_duplicate_names() {
            return self.clone();
        }
        let mut out: Vec<Header> = Vec::with_capacity(self.entries.len());
        let mut first: hashbrown::HashMap<Vec<u8>, usize, FixedState> = hashbrown::HashMap::default();
        for h in &self.entries {
            match first.entry(h.name.to_ascii_lowercase()) {
                hashbrown::hash_map::Entry::Occupied(at) => {
                    let existing = &mut out[*at.get()];
                    existing.value.extend_from_slice(b", ");
                    existing.value.extend_from_slice(&h.value);
                }
                hashbrown::hash_map::Entry::Vacant(slot) => {
                    slot.insert(out.len());
                    out.push(h.clone());
                }
            }
        }
        HeaderList { entries: out }
    }

    /// Whether two headers share a name (ASCII case-insensitively).
    pub fn has_duplicate_names(&self) -> bool {
        // A short list (the usual request) is compared pairwise, without
        // allocating; a long one through a set, in linear time.
        if self.entries.len() <= 12 {
            return self
                .entries
                .iter()
                .enumerate()
                .any(|(i, h)| self.entries[i + 1..].iter().any(|later| later.name.eq_ignore_ascii_case(&h.name)));
        }
        let mut seen = NameSet::with_capacity(self.entries.len());
        self.entries.iter().any(|h| !seen.insert(&h.name))
    }
}

impl FromIterator<Header> for HeaderList {
    fn from_iter<T: IntoIterator<Item = Header>>(iter: T) -> Self {
        HeaderList { entries: iter.into_iter().collect() }
    }
}

impl<'a> IntoIterator for &'a HeaderList {
    type Item = &'a Header;
    type IntoIter = std::slice::Iter<'a, Header>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl From<&http::HeaderMap> for HeaderList {
    fn from(map: &http::HeaderMap) -> Self {
        map.iter().map(|(n, v)| Header::new(n.as_str().as_bytes(), v.as_bytes())).collect()
    }
}

/// The bytes an isomorphically decoded string stands for, read as UTF-8
/// (invalid sequences become U+FFFD), as browsers read a `Location` or show
/// a header value in a message.
///
/// ```
/// use corsim::header_list::utf8_of_isomorphic;
/// assert_eq!(utf8_of_isomorphic("t\u{c3}\u{a9}rget"), "térget");
/// ```
pub fn utf8_of_isomorphic(s: &str) -> String {
    let bytes: Vec<u8> = s.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Isomorphic decode: each byte becomes the character with that code point.
pub fn isomorphic_decode(bytes: &[u8]) -> String {
    // ASCII, by far the common case, is already valid UTF-8: one copy.
    if bytes.is_ascii() {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return s.to_owned();
        }
    }
    bytes.iter().map(|&b| b as char).collect()
}

/// A header name lower-cased and decoded, in one allocation.
pub fn lower_name(name: &[u8]) -> String {
    // ASCII lower-cased stays ASCII, valid UTF-8: one copy.
    match String::from_utf8(name.to_ascii_lowercase()) {
        Ok(s) if s.is_ascii() => s,
        _ => isomorphic_decode(&name.to_ascii_lowercase()),
    }
}

/// Lower-case a short name into `buf` without allocating; `None` when it is
/// longer than the buffer (no name corsim looks up by value is).
pub fn lower_into<'a>(name: &[u8], buf: &'a mut [u8; 48]) -> Option<&'a [u8]> {
    let out = buf.get_mut(..name.len())?;
    for (o, b) in out.iter_mut().zip(name) {
        *o = b.to_ascii_lowercase();
    }
    Some(out)
}

/// Isomorphic encode: each character U+0000–U+00FF becomes one byte; `None`
/// when a character is above U+00FF.
pub fn isomorphic_encode(s: &str) -> Option<Vec<u8>> {
    if s.is_ascii() {
        return Some(s.as_bytes().to_vec());
    }
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// "HTTP tab or space byte" (Fetch § "HTTP"): 0x09 or 0x20.
pub fn is_http_tab_or_space(b: u8) -> bool {
    b == b'\t' || b == b' '
}

/// "HTTP whitespace byte" (Fetch § "HTTP"): 0x09, 0x0A, 0x0D or 0x20.
pub fn is_http_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// Strip leading and trailing bytes matching `pred`.
pub fn trim_bytes(mut v: &[u8], pred: impl Fn(u8) -> bool) -> &[u8] {
    while let [first, rest @ ..] = v {
        if pred(*first) {
            v = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = v {
        if pred(*last) {
            v = rest;
        } else {
            break;
        }
    }
    v
}

/// "Normalize" a header value (Fetch § "Headers"): strip leading and
/// trailing HTTP whitespace.
pub fn normalize_value(v: &[u8]) -> &[u8] {
    trim_bytes(v, is_http_whitespace)
}

/// RFC 9110 `tchar`.
pub fn is_tchar(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// RFC 9110 `token`: one or more `tchar`.
pub fn is_token(v: &[u8]) -> bool {
    !v.is_empty() && v.iter().all(|&b| is_tchar(b))
}

/// Whether `v` is a "header value" (Fetch § "Headers"), as the `Headers`
/// class requires after normalization: no NUL, CR or LF, and no leading or
/// trailing tab or space.
pub fn is_header_value(v: &[u8]) -> bool {
    !v.iter().any(|&b| matches!(b, 0 | b'\n' | b'\r'))
        && v.first().is_none_or(|&b| !is_http_tab_or_space(b))
        && v.last().is_none_or(|&b| !is_http_tab_or_space(b))
}

/// How a `#`-list of tokens (`Access-Control-Allow-Methods`,
/// `-Allow-Headers`, `-Expose-Headers`) is split before each element is
/// checked to be a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ListTrim {
    /// Trim SP and HTAB around elements (RFC 9110; Chromium, Firefox).
    TabOrSpace,
    /// Trim SP, HTAB, CR and LF (WebKit's `parseAccessControlAllowList`).
    HttpWhitespace,
}

/// "Extract header list values" (Fetch § "Headers") for a list of tokens:
/// split on `,`, trim each element, skip empty elements, and fail on the
/// first element that is not a token, returning it (trimmed) as the error.
///
/// ```
/// use corsim::header_list::{parse_token_list, ListTrim};
/// assert_eq!(parse_token_list(b" ,PUT, x-a ,,", ListTrim::TabOrSpace), Ok(vec![&b"PUT"[..], &b"x-a"[..]]));
/// assert_eq!(parse_token_list(b"GET, (PATCH)", ListTrim::TabOrSpace), Err(&b"(PATCH)"[..]));
/// ```
pub fn parse_token_list(value: &[u8], trim: ListTrim) -> Result<Vec<&[u8]>, &[u8]> {
    let mut out = Vec::new();
    for element in value.split(|&b| b == b',') {
        let element = match trim {
            ListTrim::TabOrSpace => trim_bytes(element, is_http_tab_or_space),
            ListTrim::HttpWhitespace => trim_bytes(element, is_http_whitespace),
        };
        if element.is_empty() {
            continue;
        }
        if !is_token(element) {
            return Err(element);
        }
        out.push(element);
    }
    Ok(out)
}

/// "Get, decode, and split" a value (Fetch § "Headers"): split on commas
/// outside quoted strings, trimming tab and space; empty items are kept.
pub fn get_decode_split(value: &[u8]) -> Vec<Vec<u8>> {
    let mut values = Vec::new();
    let mut current = Vec::new();
    let mut i = 0;
    while i < value.len() {
        let b = value[i];
        if b == b'"' {
            // Collect a quoted string, keeping quotes, honouring backslash escapes.
            current.push(b);
            i += 1;
            while i < value.len() {
                let c = value[i];
                current.push(c);
                i += 1;
                if c == b'\\' {
                    if i < value.len() {
                        current.push(value[i]);
                        i += 1;
                    }
                } else if c == b'"' {
                    break;
                }
            }
            continue;
        }
        if b == b',' {
            values.push(trim_bytes(&current, is_http_tab_or_space).to_vec());
            current.clear();
        } else {
            current.push(b);
        }
        i += 1;
    }
    values.push(trim_bytes(&current, is_http_tab_or_space).to_vec());
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lists() {
        type Row = (&'static [u8], Result<Vec<&'static [u8]>, &'static [u8]>);
        let rows: Vec<Row> = vec![
            (b"", Ok(vec![])),
            (b" , ,", Ok(vec![])),
            (b",,PUT,GET", Ok(vec![b"PUT", b"GET"])),
            (b",y-lol,x-PriNT, ,,,Y-PRINT", Ok(vec![b"y-lol", b"x-PriNT", b"Y-PRINT"])),
            (b"'bb-8'", Ok(vec![b"'bb-8'"])),
            (b"bb-8, no no", Err(b"no no")),
            (b"\"bb-8\",bb-8", Err(b"\"bb-8\"")),
            (b"bb-8\x0c", Err(b"bb-8\x0c")),
            (b"PUT;GET", Err(b"PUT;GET")),
            (b"FO\xc3\xbf", Err(b"FO\xc3\xbf")),
        ];
        for (input, want) in rows {
            assert_eq!(parse_token_list(input, ListTrim::TabOrSpace), want, "{:?}", isomorphic_decode(input));
        }
        assert_eq!(parse_token_list(b"a\r\n,b", ListTrim::HttpWhitespace), Ok(vec![&b"a"[..], &b"b"[..]]));
    }

    #[test]
    fn split_respects_quotes() {
        let got = get_decode_split(b"GET,\",TRACE\", x ,");
        assert_eq!(got, vec![b"GET".to_vec(), b"\",TRACE\"".to_vec(), b"x".to_vec(), b"".to_vec()]);
    }

    #[test]
    fn combine_and_set() {
        let mut h = HeaderList::new();
        h.append("X-A", "1");
        h.append("x-b", "2");
        h.append("x-a", "3");
        assert_eq!(h.combined().iter().map(|h| h.value.clone()).collect::<Vec<_>>(), vec![b"1, 3".to_vec(), b"2".to_vec()]);
        h.set("X-A", "9");
        assert_eq!(h.len(), 2);
        assert_eq!(h.get("x-a").unwrap(), b"9");
    }
}

/// A fixed-seed fast hash, so every run is the same.
type FixedState = foldhash::fast::FixedState;

/// A set of header names compared ASCII case-insensitively: membership in
/// time independent of the set's size, for lists that can be long
/// (`Access-Control-Allow-Headers`, `-Expose-Headers`, request headers).
#[derive(Clone, Debug, Default)]
pub struct NameSet {
    names: hashbrown::HashSet<Vec<u8>, FixedState>,
}

impl NameSet {
    /// An empty set with room for `n` names.
    pub fn with_capacity(n: usize) -> NameSet {
        NameSet { names: hashbrown::HashSet::with_capacity_and_hasher(n, FixedState::default()) }
    }

    /// Add a name; `false` when it was there already.
    pub fn insert(&mut self, name: &[u8]) -> bool {
        self.names.insert(name.to_ascii_lowercase())
    }

    /// Whether the set holds `name`.
    pub fn contains(&self, name: &[u8]) -> bool {
        let mut buf = [0u8; 48];
        match lower_into(name, &mut buf) {
            Some(lower) => self.names.contains(lower as &[u8]),
            None => self.names.contains(&name.to_ascii_lowercase()),
        }
    }
}

impl<'a> FromIterator<&'a [u8]> for NameSet {
    fn from_iter<T: IntoIterator<Item = &'a [u8]>>(iter: T) -> Self {
        let mut set = NameSet::default();
        for name in iter {
            set.insert(name);
        }
        set
    }
}
