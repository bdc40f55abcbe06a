//! Header lists (Fetch § "Headers"): ordered name/value byte pairs with
//! duplicates kept, byte-case-insensitive name matching, combined values, and
//! the list syntax of `Access-Control-Allow-Methods` and friends.

use std::fmt;

/// One header of a [`HeaderList`]: its name and value, borrowed from the list.
///
/// Names are compared byte-case-insensitively; values are bytes, shown by
/// corsim isomorphically decoded (each byte one character, U+0000–U+00FF).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    /// The name, as given (case kept).
    pub name: &'a [u8],
    /// The value, as given.
    pub value: &'a [u8],
}

impl<'a> Header<'a> {
    /// A header from a name and value.
    pub fn new(name: &'a [u8], value: &'a [u8]) -> Self {
        Header { name, value }
    }

    /// Whether the name is a byte-case-insensitive match for `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name.as_bytes())
    }
}

impl fmt::Debug for Header<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {:?}", isomorphic_decode(self.name), isomorphic_decode(self.value))
    }
}

/// Where one header's name and value lie in a [`HeaderList`]'s bytes.
#[derive(Clone, Copy, Debug)]
struct Span {
    name: usize,
    name_end: usize,
    value: usize,
    value_end: usize,
}

/// A header list: order and duplicates are kept.
///
/// Every name and value lives in one byte buffer, each header a span of it:
/// a list costs two allocations however many headers it holds.
///
/// ```
/// use corsim::HeaderList;
/// let mut h = HeaderList::new();
/// h.append("Access-Control-Allow-Origin", "*");
/// h.append("access-control-allow-origin", "https://a.example");
/// assert_eq!(h.get("ACCESS-CONTROL-ALLOW-ORIGIN").unwrap(), b"*, https://a.example");
/// assert_eq!(h.get("Vary"), None);
/// ```
#[derive(Clone, Default)]
pub struct HeaderList {
    bytes: Vec<u8>,
    spans: Vec<Span>,
}

impl HeaderList {
    /// An empty list.
    pub fn new() -> Self {
        HeaderList { bytes: Vec::new(), spans: Vec::new() }
    }

    /// An empty list with room for `headers` headers of `bytes` bytes of
    /// names and values in all.
    pub fn with_capacity(headers: usize, bytes: usize) -> Self {
        HeaderList { bytes: Vec::with_capacity(bytes), spans: Vec::with_capacity(headers) }
    }

    fn header(&self, span: &Span) -> Header<'_> {
        Header { name: &self.bytes[span.name..span.name_end], value: &self.bytes[span.value..span.value_end] }
    }

    /// A copy with room for `headers` more headers of `bytes` more bytes,
    /// so that appending them does not grow the copy again.
    pub fn clone_with_room(&self, headers: usize, bytes: usize) -> HeaderList {
        let mut copy = HeaderList::with_capacity(self.spans.len() + headers, self.bytes.len() + bytes);
        copy.bytes.extend_from_slice(&self.bytes);
        copy.spans.extend_from_slice(&self.spans);
        copy
    }

    /// Append a header at the end.
    pub fn append(&mut self, name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) {
        let (name, value) = (name.as_ref(), value.as_ref());
        let start = self.bytes.len();
        self.bytes.extend_from_slice(name);
        self.bytes.extend_from_slice(value);
        let name_end = start + name.len();
        self.spans.push(Span { name: start, name_end, value: name_end, value_end: self.bytes.len() });
    }

    /// Append a header.
    pub fn push(&mut self, header: Header<'_>) {
        self.append(header.name, header.value);
    }

    /// The headers, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter { list: self, spans: self.spans.iter() }
    }

    /// Number of headers (duplicates counted).
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Whether a header named `name` is present.
    pub fn contains(&self, name: &str) -> bool {
        self.iter().any(|h| h.is(name))
    }

    /// Every value of headers named `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.iter().filter(move |h| h.is(name)).map(|h| h.value)
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
        let mut all = self.iter().filter(|h| h.is(name)).map(|h| h.value);
        let first = all.next()?;
        match all.next() {
            None => Some(std::borrow::Cow::Borrowed(first)),
            Some(_) => self.get(name).map(std::borrow::Cow::Owned),
        }
    }

    /// Whether any header's name or value holds `byte`. The buffer behind
    /// the list is searched once; only when it holds the byte (perhaps in a
    /// header since removed) are the headers searched one by one.
    ///
    /// ```
    /// use corsim::HeaderList;
    /// let mut h = HeaderList::new();
    /// h.append("X-A", "a\0b");
    /// h.append("X-B", "b");
    /// assert!(h.contains_byte(0));
    /// h.remove("x-a");
    /// assert!(!h.contains_byte(0));
    /// ```
    pub fn contains_byte(&self, byte: u8) -> bool {
        self.bytes.contains(&byte) && self.iter().any(|h| h.name.contains(&byte) || h.value.contains(&byte))
    }

    /// Remove every header named `name`.
    pub fn remove(&mut self, name: &str) {
        let bytes = &self.bytes;
        self.spans.retain(|s| !bytes[s.name..s.name_end].eq_ignore_ascii_case(name.as_bytes()));
    }

    /// Set `name` to `value`: replace the first header of that name and
    /// remove the others, or append.
    pub fn set(&mut self, name: &str, value: impl AsRef<[u8]>) {
        let value = value.as_ref();
        let Some(i) = self.iter().position(|h| h.is(name)) else {
            self.append(name, value);
            return;
        };
        let start = self.bytes.len();
        self.bytes.extend_from_slice(value);
        self.spans[i].value = start;
        self.spans[i].value_end = self.bytes.len();
        let bytes = &self.bytes;
        let mut seen = false;
        self.spans.retain(|s| {
            if bytes[s.name..s.name_end].eq_ignore_ascii_case(name.as_bytes()) {
                let keep = !seen;
                seen = true;
                keep
            } else {
                true
            }
        });
    }

    /// Strip leading and trailing spaces and tabs from every value, as an
    /// HTTP parser does with a field's optional whitespace.
    pub fn trim_values(&mut self) {
        for s in &mut self.spans {
            let value = &self.bytes[s.value..s.value_end];
            let trimmed = trim_bytes(value, is_http_tab_or_space);
            if trimmed.len() != value.len() {
                // The trimmed value is a part of the value: narrow its span.
                let lead = trimmed.as_ptr() as usize - value.as_ptr() as usize;
                s.value += lead;
                s.value_end = s.value + trimmed.len();
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
        // Each header's group (the index of the first of its name), and for
        // each header the next of its group: linear in the list's length.
        let n = self.spans.len();
        let mut next: Vec<Option<usize>> = vec![None; n];
        let mut last_of_group: Vec<usize> = (0..n).collect();
        let mut first: hashbrown::HashMap<Vec<u8>, usize, FixedState> = hashbrown::HashMap::default();
        let mut leaders = Vec::new();
        for (i, h) in self.iter().enumerate() {
            match first.entry(h.name.to_ascii_lowercase()) {
                hashbrown::hash_map::Entry::Occupied(at) => {
                    let group = *at.get();
                    next[last_of_group[group]] = Some(i);
                    last_of_group[group] = i;
                }
                hashbrown::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                    leaders.push(i);
                }
            }
        }
        let mut out = HeaderList::with_capacity(leaders.len(), self.bytes.len() + 2 * n);
        for leader in leaders {
            let h = self.header(&self.spans[leader]);
            let start = out.bytes.len();
            out.bytes.extend_from_slice(h.name);
            let name_end = out.bytes.len();
            out.bytes.extend_from_slice(h.value);
            let mut at = next[leader];
            while let Some(i) = at {
                out.bytes.extend_from_slice(b", ");
                out.bytes.extend_from_slice(self.header(&self.spans[i]).value);
                at = next[i];
            }
            out.spans.push(Span { name: start, name_end, value: name_end, value_end: out.bytes.len() });
        }
        out
    }

    /// Whether two headers share a name (ASCII case-insensitively).
    pub fn has_duplicate_names(&self) -> bool {
        // A short list (the usual request) is compared pairwise, without
        // allocating; a long one through a set, in linear time.
        if self.spans.len() <= 12 {
            return self.iter().enumerate().any(|(i, h)| self.iter().skip(i + 1).any(|later| later.name.eq_ignore_ascii_case(h.name)));
        }
        let mut seen = NameSet::with_capacity(self.spans.len());
        self.iter().any(|h| !seen.insert(h.name))
    }
}

impl PartialEq for HeaderList {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for HeaderList {}

impl std::hash::Hash for HeaderList {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for h in self {
            h.hash(state);
        }
    }
}

impl fmt::Debug for HeaderList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Entries<'a>(&'a HeaderList);
        impl fmt::Debug for Entries<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_list().entries(self.0.iter()).finish()
            }
        }
        f.debug_struct("HeaderList").field("entries", &Entries(self)).finish()
    }
}

/// The headers of a [`HeaderList`], in order.
#[derive(Clone, Debug)]
pub struct Iter<'a> {
    list: &'a HeaderList,
    spans: std::slice::Iter<'a, Span>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Header<'a>;
    fn next(&mut self) -> Option<Header<'a>> {
        self.spans.next().map(|s| self.list.header(s))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
    fn nth(&mut self, n: usize) -> Option<Header<'a>> {
        self.spans.nth(n).map(|s| self.list.header(s))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.spans.next_back().map(|s| self.list.header(s))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'h> FromIterator<Header<'h>> for HeaderList {
    fn from_iter<T: IntoIterator<Item = Header<'h>>>(iter: T) -> Self {
        let mut list = HeaderList::new();
        for h in iter {
            list.push(h);
        }
        list
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> FromIterator<(N, V)> for HeaderList {
    fn from_iter<T: IntoIterator<Item = (N, V)>>(iter: T) -> Self {
        let mut list = HeaderList::new();
        for (name, value) in iter {
            list.append(name, value);
        }
        list
    }
}

impl<'a> IntoIterator for &'a HeaderList {
    type Item = Header<'a>;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl From<&http::HeaderMap> for HeaderList {
    fn from(map: &http::HeaderMap) -> Self {
        map.iter().map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes())).collect()
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
    if name.is_ascii() {
        if let Ok(s) = std::str::from_utf8(name) {
            return s.to_ascii_lowercase();
        }
    }
    isomorphic_decode(&name.to_ascii_lowercase())
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
    isomorphic_encode_borrowed(s).map(std::borrow::Cow::into_owned)
}

/// [`isomorphic_encode`], borrowing the string's bytes when it is ASCII
/// (the common case: no allocation).
pub fn isomorphic_encode_borrowed(s: &str) -> Option<std::borrow::Cow<'_, [u8]>> {
    if s.is_ascii() {
        return Some(std::borrow::Cow::Borrowed(s.as_bytes()));
    }
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect::<Option<Vec<u8>>>().map(std::borrow::Cow::Owned)
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
    TCHAR[usize::from(b)]
}

/// [`is_tchar`] for every byte, decided once at compile time: one load a
/// byte on the hot path (header names, list items, methods).
const TCHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~');
        b += 1;
    }
    table
};

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
    for_each_token(value, trim, |token| out.push(token))?;
    Ok(out)
}

/// The steps of [`parse_token_list`], handing each token to `take` instead
/// of collecting them.
fn for_each_token<'v>(value: &'v [u8], trim: ListTrim, mut take: impl FnMut(&'v [u8])) -> Result<(), &'v [u8]> {
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
        take(element);
    }
    Ok(())
}

/// A list of tokens (the methods or header names a preflight allowed, a
/// request's CORS-unsafe header names) held in one string, the items
/// joined by `,`, with each item's end kept inline for the usual short
/// list: one allocation for the whole list, whatever its length. For
/// tokens (which never hold a comma) the joined text is the list's header
/// value (`Access-Control-Request-Headers`).
///
/// ```
/// use corsim::header_list::{ListTrim, TokenList};
/// let list = TokenList::parse(b" PUT ,,X-Trace", ListTrim::TabOrSpace, false).unwrap();
/// assert_eq!(list.iter().collect::<Vec<_>>(), ["PUT", "X-Trace"]);
/// assert_eq!(list.joined(), "PUT,X-Trace");
/// let lower = TokenList::parse(b"X-Trace", ListTrim::TabOrSpace, true).unwrap();
/// assert_eq!(lower.iter().collect::<Vec<_>>(), ["x-trace"]);
/// let collected: TokenList = ["GET", "PUT"].into_iter().collect();
/// assert_eq!(collected.get(1), Some("PUT"));
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct TokenList {
    /// The items joined by `,`; empty for no items.
    joined: String,
    /// Where each item ends in `joined`.
    ends: smallvec::SmallVec<[usize; 6]>,
}

impl TokenList {
    /// An empty list.
    pub const fn new() -> TokenList {
        TokenList { joined: String::new(), ends: smallvec::SmallVec::new_const() }
    }

    /// The items joined by `separator`, as `[String]::join` does.
    pub fn join(&self, separator: &str) -> String {
        if separator == "," {
            return self.joined.clone();
        }
        let mut out = String::with_capacity(self.joined.len() + self.len() * separator.len());
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push_str(separator);
            }
            out.push_str(item);
        }
        out
    }

    /// An empty list with room for `bytes` bytes of items.
    pub fn with_capacity(bytes: usize) -> TokenList {
        TokenList { joined: String::with_capacity(bytes), ends: smallvec::SmallVec::new() }
    }

    /// Parse a `#`-list of tokens as [`parse_token_list`] does, straight
    /// into one string, ASCII-lower-cased when `lower` is set (header
    /// names); the first element that is not a token is the error.
    pub fn parse(value: &[u8], trim: ListTrim, lower: bool) -> Result<TokenList, &[u8]> {
        let mut list = TokenBytes::with_capacity(value.len());
        for_each_token(value, trim, |token| list.push(token, lower))?;
        Ok(list.finish(None))
    }

    /// Append an item.
    pub fn push(&mut self, item: &str) {
        self.start_item();
        self.joined.push_str(item);
        self.ends.push(self.joined.len());
    }

    /// Append a header name or token, each byte one character (isomorphic
    /// decoding), ASCII-lower-cased when `lower` is set.
    pub fn push_bytes(&mut self, item: &[u8], lower: bool) {
        self.start_item();
        match std::str::from_utf8(item) {
            // ASCII (every token) is copied whole and lower-cased in place.
            Ok(ascii) if ascii.is_ascii() => {
                let start = self.joined.len();
                self.joined.push_str(ascii);
                if lower {
                    self.joined[start..].make_ascii_lowercase();
                }
            }
            // Otherwise each byte is one character.
            _ => {
                self.joined.reserve(item.len());
                for &b in item {
                    self.joined.push(char::from(if lower { b.to_ascii_lowercase() } else { b }));
                }
            }
        }
        self.ends.push(self.joined.len());
    }

    fn start_item(&mut self) {
        if !self.ends.is_empty() {
            self.joined.push(',');
        }
    }

    /// The item at `index`.
    pub fn get(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] + 1 };
        Some(&self.joined[start..end])
    }

    /// The items, in order.
    pub fn iter(&self) -> Tokens<'_> {
        Tokens { text: &self.joined, ends: &self.ends, start: 0, front: 0, back: self.ends.len() }
    }

    /// The items joined by `,` (for tokens, the list's header value).
    pub fn joined(&self) -> &str {
        &self.joined
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Whether `item` is in the list, byte for byte.
    pub fn contains(&self, item: &str) -> bool {
        self.iter().any(|t| t == item)
    }

    /// Sort the items by their bytes, and drop repeats when `dedup` is set,
    /// rewriting the list in place (a short list is copied aside on the
    /// stack, so sorting it allocates nothing).
    pub fn sort(&mut self, dedup: bool) {
        let mut bytes = std::mem::take(&mut self.joined).into_bytes();
        sort_items(&mut bytes, &mut self.ends, dedup);
        // Items are rearranged whole, between commas: still UTF-8.
        match String::from_utf8(bytes) {
            Ok(joined) => self.joined = joined,
            Err(_) => self.ends.clear(),
        }
    }

    /// Find `item` in a list sorted by [`sort`](TokenList::sort).
    pub fn binary_search(&self, item: &[u8]) -> Result<usize, usize> {
        let (mut low, mut high) = (0, self.len());
        while low < high {
            let mid = low + (high - low) / 2;
            let probe = self.get(mid).unwrap_or_default().as_bytes();
            match probe.cmp(item) {
                std::cmp::Ordering::Less => low = mid + 1,
                std::cmp::Ordering::Greater => high = mid,
                std::cmp::Ordering::Equal => return Ok(mid),
            }
        }
        Err(low)
    }
}

/// A [`TokenList`] being built from bytes (tokens, header names): the
/// items go into one byte buffer, are sorted there if asked, and the
/// buffer becomes the list's string at the end, checked once instead of
/// once per item.
pub(crate) struct TokenBytes {
    bytes: Vec<u8>,
    ends: smallvec::SmallVec<[usize; 6]>,
    /// Bytes reserved at the first push (none are before it).
    room: usize,
}

impl TokenBytes {
    /// An empty list with room for `bytes` bytes of items.
    pub(crate) fn with_capacity(bytes: usize) -> TokenBytes {
        TokenBytes { bytes: Vec::with_capacity(bytes), ends: smallvec::SmallVec::new(), room: 0 }
    }

    /// An empty list for some of `headers`' names: nothing is allocated
    /// until the first name, then room for all of them.
    pub(crate) fn for_names(headers: &HeaderList) -> TokenBytes {
        let room = headers.iter().map(|h| h.name.len() + 1).sum();
        TokenBytes { bytes: Vec::new(), ends: smallvec::SmallVec::new(), room }
    }

    /// Append an item, ASCII-lower-cased when `lower` is set.
    pub(crate) fn push(&mut self, item: &[u8], lower: bool) {
        if self.ends.is_empty() {
            self.bytes.reserve(self.room);
        } else {
            self.bytes.push(b',');
        }
        let start = self.bytes.len();
        self.bytes.extend_from_slice(item);
        if lower {
            self.bytes[start..].make_ascii_lowercase();
        }
        self.ends.push(self.bytes.len());
    }

    /// The list, its items sorted by their bytes first when `sort` is
    /// given (`Some(true)` also drops repeats), as [`TokenList::sort`]
    /// does. Each byte is one character (isomorphic decoding).
    pub(crate) fn finish(mut self, sort: Option<bool>) -> TokenList {
        if let Some(dedup) = sort {
            sort_items(&mut self.bytes, &mut self.ends, dedup);
        }
        if self.bytes.is_ascii() {
            if let Ok(joined) = String::from_utf8(self.bytes) {
                return TokenList { joined, ends: self.ends };
            }
            return TokenList::new();
        }
        // Bytes above 0x7F become two bytes of UTF-8: push item by item.
        let mut list = TokenList::with_capacity(self.bytes.len() * 2);
        let mut start = 0;
        for &end in &self.ends {
            list.push_bytes(&self.bytes[start..end], false);
            start = end + 1;
        }
        list
    }
}

/// Sort the items of a comma-joined list (`ends` as in [`TokenList`]) by
/// their bytes, dropping repeats when `dedup` is set, rewriting both in
/// place. A list already in order is left as it is; a short one is copied
/// aside on the stack, so sorting it allocates nothing. Equal items are
/// equal bytes, so an unstable sort gives the same list.
fn sort_items(bytes: &mut Vec<u8>, ends: &mut smallvec::SmallVec<[usize; 6]>, dedup: bool) {
    let span = |ends: &[usize], i: usize| (if i == 0 { 0 } else { ends[i - 1] + 1 }, ends[i]);
    let in_order = (1..ends.len()).all(|i| {
        let ((a0, a1), (b0, b1)) = (span(ends, i - 1), span(ends, i));
        let (a, b) = (&bytes[a0..a1], &bytes[b0..b1]);
        if dedup { a < b } else { a <= b }
    });
    if in_order {
        return;
    }
    let mut stack = [0u8; 256];
    let heap: Vec<u8>;
    let old: &[u8] = if bytes.len() <= stack.len() {
        stack[..bytes.len()].copy_from_slice(bytes);
        &stack[..bytes.len()]
    } else {
        heap = bytes.clone();
        &heap
    };
    let mut items: smallvec::SmallVec<[&[u8]; 8]> = (0..ends.len()).map(|i| {
        let (start, end) = span(ends, i);
        &old[start..end]
    }).collect();
    items.sort_unstable();
    if dedup {
        items.dedup();
    }
    bytes.clear();
    ends.clear();
    for item in items {
        if !ends.is_empty() {
            bytes.push(b',');
        }
        bytes.extend_from_slice(item);
        ends.push(bytes.len());
    }
}

impl<S: AsRef<str>> FromIterator<S> for TokenList {
    fn from_iter<T: IntoIterator<Item = S>>(iter: T) -> Self {
        let mut list = TokenList::new();
        for item in iter {
            list.push(item.as_ref());
        }
        list
    }
}

/// The items of a [`TokenList`], in order.
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    text: &'a str,
    ends: &'a [usize],
    /// Where the front item starts in `text`.
    start: usize,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.front == self.back {
            return None;
        }
        let end = self.ends[self.front];
        let item = self.text.get(self.start..end);
        self.start = end + 1;
        self.front += 1;
        item
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.back - self.front, Some(self.back - self.front))
    }
}

impl DoubleEndedIterator for Tokens<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front == self.back {
            return None;
        }
        self.back -= 1;
        let start = if self.back == 0 { 0 } else { self.ends[self.back - 1] + 1 };
        self.text.get(start..self.ends[self.back])
    }
}

impl ExactSizeIterator for Tokens<'_> {}

impl<'a> IntoIterator for &'a TokenList {
    type Item = &'a str;
    type IntoIter = Tokens<'a>;
    fn into_iter(self) -> Tokens<'a> {
        self.iter()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for TokenList {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == *b)
    }
}

impl fmt::Debug for TokenList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for TokenList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for TokenList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<String>::deserialize(deserializer)?.into_iter().collect())
    }
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
        assert_eq!(h.combined().iter().map(|h| h.value.to_vec()).collect::<Vec<_>>(), vec![b"1, 3".to_vec(), b"2".to_vec()]);
        assert_eq!(h.combined().iter().map(|h| h.name.to_vec()).collect::<Vec<_>>(), vec![b"X-A".to_vec(), b"x-b".to_vec()]);
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
/// The names live lower-cased in one buffer, so a set of any size costs
/// two allocations, not one a name.
#[derive(Clone, Default)]
pub struct NameSet {
    /// The names, lower-cased, one after another.
    bytes: Vec<u8>,
    /// Each name's span of `bytes`.
    table: hashbrown::HashTable<(usize, usize)>,
}

impl NameSet {
    /// An empty set with room for `n` names.
    pub fn with_capacity(n: usize) -> NameSet {
        NameSet { bytes: Vec::with_capacity(n * 16), table: hashbrown::HashTable::with_capacity(n) }
    }

    fn hash(lower: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        FixedState::default().hash_one(lower)
    }

    fn find(&self, lower: &[u8], hash: u64) -> bool {
        self.table.find(hash, |&(start, end)| &self.bytes[start..end] == lower).is_some()
    }

    /// Add a name; `false` when it was there already.
    pub fn insert(&mut self, name: &[u8]) -> bool {
        // Lower-cased at the end of the buffer, kept only when new.
        let start = self.bytes.len();
        self.bytes.extend(name.iter().map(u8::to_ascii_lowercase));
        let hash = NameSet::hash(&self.bytes[start..]);
        if self.find(&self.bytes[start..], hash) {
            self.bytes.truncate(start);
            return false;
        }
        let (bytes, end) = (&self.bytes, self.bytes.len());
        self.table.insert_unique(hash, (start, end), |&(s, e)| NameSet::hash(&bytes[s..e]));
        true
    }

    /// Whether the set holds `name`.
    pub fn contains(&self, name: &[u8]) -> bool {
        let mut buf = [0u8; 48];
        match lower_into(name, &mut buf) {
            Some(lower) => self.find(lower, NameSet::hash(lower)),
            None => {
                let lower = name.to_ascii_lowercase();
                self.find(&lower, NameSet::hash(&lower))
            }
        }
    }
}

impl fmt::Debug for NameSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.table.iter().map(|&(s, e)| isomorphic_decode(&self.bytes[s..e]))).finish()
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
