//! The HTTP/1.1 response head as `corsim probe` and `corsim audit` read it
//! from a live server: sans-IO (bytes in, a response or a named error out),
//! so a fuzz target and the tests drive it without sockets.
//!
//! `httparse` parses the head; this module decides when a head is complete,
//! skips informational (1xx) answers the way a browser does, and bounds the
//! head the way Chromium bounds it: by its size in bytes (256 KiB in all,
//! `ERR_RESPONSE_HEADERS_TOO_BIG`), not by a count of lines. Header lines
//! are kept byte for byte (value bytes as sent, without the surrounding
//! whitespace HTTP strips), in order, duplicates kept.

use std::fmt;

use corsim::{HeaderList, HttpResponse};

/// The most bytes of response head read, informational answers included:
/// Chromium's limit on a response's headers (`kMaxHeaderBufSize`, 256 KiB).
pub const MAX_HEAD_BYTES: usize = 256 * 1024;

/// Why the bytes a server sent are not a response head corsim can judge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadError {
    /// The bytes are not an HTTP/1.x response head (`httparse`'s reason).
    NotHttp(String),
    /// More than [`MAX_HEAD_BYTES`] arrived without the head ending.
    TooLarge,
    /// The connection ended before the head did.
    Truncated {
        /// How many bytes had arrived.
        received: usize,
    },
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadError::NotHttp(why) => write!(f, "not an HTTP response: {why}"),
            HeadError::TooLarge => write!(
                f,
                "not an HTTP response a browser accepts: the response head is larger than {} KiB (Chromium's limit, ERR_RESPONSE_HEADERS_TOO_BIG)",
                MAX_HEAD_BYTES / 1024
            ),
            HeadError::Truncated { received: 0 } => write!(f, "the server closed the connection without answering"),
            HeadError::Truncated { received } => {
                write!(f, "the connection closed after {received} bytes, before the response head ended")
            }
        }
    }
}

impl std::error::Error for HeadError {}

/// Reads one response head from bytes as they arrive.
///
/// ```
/// use corsim_cli::wire::HeadReader;
/// let mut reader = HeadReader::new();
/// assert_eq!(reader.push(b"HTTP/1.1 200 OK\r\nVary: Origin\r\n"), Ok(None));
/// let response = reader.push(b"vary: Cookie\r\n\r\nbody").unwrap().unwrap();
/// assert_eq!(response.status, 200);
/// assert_eq!(response.headers.len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct HeadReader {
    /// Bytes taken and not yet dropped.
    buf: Vec<u8>,
    /// Where the current head starts in `buf` (informational heads before it
    /// are skipped, and dropped now and then).
    start: usize,
    /// How far `buf` was searched for the end of the current head.
    scanned: usize,
    /// Every byte taken so far, informational heads included.
    total: usize,
    /// Set once a final head was returned or an error met: nothing more is read.
    done: bool,
}

impl HeadReader {
    /// A reader waiting for the first byte.
    pub fn new() -> HeadReader {
        HeadReader::default()
    }

    /// Take the next bytes the server sent: `Ok(Some(response))` once the
    /// final (non-1xx) head is complete, `Ok(None)` while more is needed.
    /// The bytes after the head (the body) are ignored. Linear in the bytes
    /// pushed, however they are split.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Option<HttpResponse>, HeadError> {
        if self.done {
            return Ok(None);
        }
        let room = MAX_HEAD_BYTES - self.total;
        let take = &bytes[..bytes.len().min(room)];
        self.total += take.len();
        // Drop skipped informational heads once they are most of the buffer.
        if self.start > self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(take);
        loop {
            let from = self.scanned.max(self.start);
            let Some(end) = head_end(&self.buf[self.start..], from - self.start).map(|e| e + self.start) else {
                self.scanned = self.buf.len();
                if self.total >= MAX_HEAD_BYTES {
                    self.done = true;
                    return Err(HeadError::TooLarge);
                }
                return Ok(None);
            };
            match parse_head(&self.buf[self.start..end]) {
                Ok(Some(response)) => {
                    self.done = true;
                    return Ok(Some(response));
                }
                // An informational answer: the real one follows.
                Ok(None) => {
                    self.start = end;
                    self.scanned = end;
                }
                Err(e) => {
                    self.done = true;
                    return Err(e);
                }
            }
        }
    }

    /// The connection ended: the error to report when no head was complete.
    pub fn finish(&self) -> HeadError {
        HeadError::Truncated { received: self.total }
    }
}

/// Where the head ends (just after its blank line: `\n\n` or `\n\r\n`), if
/// it does; the search restarts a few bytes before `from`.
fn head_end(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(2);
    let mut i = buf[start..].iter().position(|&b| b == b'\n')? + start;
    loop {
        match buf.get(i + 1) {
            Some(b'\n') => return Some(i + 2),
            Some(b'\r') if buf.get(i + 2) == Some(&b'\n') => return Some(i + 3),
            _ => {}
        }
        i += 1 + buf[i + 1..].iter().position(|&b| b == b'\n')?;
    }
}

/// Parse one complete head: `Ok(None)` for an informational answer (1xx
/// other than 101), which a browser skips.
fn parse_head(head: &[u8]) -> Result<Option<HttpResponse>, HeadError> {
    // Each header takes a line, so this many slots always suffice; the head
    // is bounded, so this is too.
    let lines = head.iter().filter(|&&b| b == b'\n').count();
    let mut slots = vec![httparse::EMPTY_HEADER; lines];
    let mut response = httparse::Response::new(&mut slots);
    match response.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(HeadError::NotHttp("the head does not end".to_owned())),
        Err(e) => return Err(HeadError::NotHttp(e.to_string())),
    }
    let status = response.code.ok_or_else(|| HeadError::NotHttp("no status code".to_owned()))?;
    if (100..200).contains(&status) && status != 101 {
        return Ok(None);
    }
    let mut headers = HeaderList::new();
    for h in response.headers.iter() {
        headers.append(h.name.as_bytes(), h.value);
    }
    Ok(Some(HttpResponse { status, headers, body: Vec::new() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_in_pieces(bytes: &[u8], piece: usize) -> Result<Option<HttpResponse>, HeadError> {
        let mut reader = HeadReader::new();
        for chunk in bytes.chunks(piece.max(1)) {
            if let Some(r) = reader.push(chunk)? {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    #[test]
    fn any_split_gives_the_same_head() {
        let raw = b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\nA: 1\r\na: 2\r\nX-Raw: \xe9t\xe9 \r\n\r\n";
        let whole = read_in_pieces(raw, raw.len()).unwrap().unwrap();
        assert_eq!(whole.status, 204);
        let lines: Vec<(Vec<u8>, Vec<u8>)> = whole.headers.iter().map(|h| (h.name.to_vec(), h.value.to_vec())).collect();
        assert_eq!(
            lines,
            [(b"A".to_vec(), b"1".to_vec()), (b"a".to_vec(), b"2".to_vec()), (b"X-Raw".to_vec(), b"\xe9t\xe9".to_vec())]
        );
        for piece in 1..raw.len() {
            assert_eq!(read_in_pieces(raw, piece).unwrap().as_ref(), Some(&whole), "pieces of {piece}");
        }
    }

    /// Found by the `http_head` fuzz target: `000` is a status of three
    /// digits; the reader passes it on as sent and the engine judges it.
    #[test]
    fn a_status_below_100_is_passed_on() {
        let r = read_in_pieces(b"HTTP/1.1 000 X\r\nA: b\r\n\r\n", 5).unwrap().unwrap();
        assert_eq!((r.status, r.headers.len()), (0, 1));
    }

    #[test]
    fn bare_newlines_end_a_head() {
        let r = read_in_pieces(b"HTTP/1.1 200 OK\nA: b\n\n", 1).unwrap().unwrap();
        assert_eq!((r.status, r.headers.len()), (200, 1));
    }

    #[test]
    fn many_header_lines_are_fine_a_huge_head_is_not() {
        let mut raw = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..1000 {
            raw.extend_from_slice(format!("X-H{i}: v\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        assert_eq!(read_in_pieces(&raw, 4096).unwrap().unwrap().headers.len(), 1000);

        let mut flood = b"HTTP/1.1 200 OK\r\n".to_vec();
        while flood.len() <= MAX_HEAD_BYTES {
            flood.extend_from_slice(b"X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }
        assert_eq!(read_in_pieces(&flood, 4096), Err(HeadError::TooLarge));
        // Endless informational answers count against the same bound.
        let early = b"HTTP/1.1 100 Continue\r\n\r\n".repeat(MAX_HEAD_BYTES / 20);
        assert_eq!(read_in_pieces(&early, 4096), Err(HeadError::TooLarge));
    }

    #[test]
    fn lies_are_named() {
        for raw in [&b"SSH-2.0-OpenSSH_9.6\r\n\r\n"[..], b"HTTP/1.1 abc\r\n\r\n", b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n"] {
            assert!(matches!(read_in_pieces(raw, 3), Err(HeadError::NotHttp(_))), "{raw:?}");
        }
        let mut reader = HeadReader::new();
        assert_eq!(reader.push(b"HTTP/1.1 200 OK\r\n"), Ok(None));
        assert_eq!(reader.finish(), HeadError::Truncated { received: 17 });
        assert_eq!(HeadReader::new().finish().to_string(), "the server closed the connection without answering");
    }
}
