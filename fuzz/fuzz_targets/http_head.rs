//! Input: the bytes a live server sends `corsim probe` (the first byte picks
//! how they are split into reads).
//! Checks: `corsim_cli::wire::HeadReader` never panics; however the bytes
//! are split, it gives the same answer as when they arrive at once; it never
//! takes more than `MAX_HEAD_BYTES`; a response it gives has a final status
//! of three digits (not 1xx, 101 aside) and header lines that are non-empty tokens with
//! values free of CR, LF and NUL, no more lines than the head has.
#![no_main]

use corsim::header_list::is_token;
use corsim::HttpResponse;
use corsim_cli::wire::{HeadError, HeadReader, MAX_HEAD_BYTES};
use libfuzzer_sys::fuzz_target;

fn read(bytes: &[u8], piece: usize) -> Result<Option<HttpResponse>, HeadError> {
    let mut reader = HeadReader::new();
    for chunk in bytes.chunks(piece) {
        if let Some(response) = reader.push(chunk)? {
            return Ok(Some(response));
        }
    }
    Ok(None)
}

fuzz_target!(|data: &[u8]| {
    let Some((&split, bytes)) = data.split_first() else { return };
    let whole = read(bytes, bytes.len().max(1));
    let pieces = read(bytes, usize::from(split % 64) + 1);
    assert_eq!(whole, pieces, "the split changed the answer");
    if let Ok(Some(response)) = &whole {
        // Three digits as sent: `000` is status 0, left for the engine to judge.
        assert!(response.status <= 999, "status {}", response.status);
        assert!(!(100..200).contains(&response.status) || response.status == 101, "an informational answer was returned");
        let lines = bytes.iter().filter(|&&b| b == b'\n').count();
        assert!(response.headers.len() <= lines);
        for h in response.headers.iter() {
            assert!(is_token(&h.name), "{:?}", h.name);
            assert!(!h.value.iter().any(|b| matches!(b, b'\r' | b'\n' | 0)), "{:?}", h.value);
        }
    }
    if bytes.len() > MAX_HEAD_BYTES {
        assert!(whole.is_err() || matches!(whole, Ok(Some(_))), "more than the bound was waited for");
    }
});
