//! The URLs `fetch()` answers itself (Fetch § "Scheme fetch", § "data:
//! URLs"): `data:` in every mode, `about:blank` and `blob:` in the modes that
//! reach a scheme fetch; anything else that is not HTTP(S) is a network error.
//!
//! Nothing is sent to a server for these, and no CORS check runs: a `data:`
//! URL gives a `basic` response even from another origin. Chromium fetches
//! `data:` URLs (observed in Chromium 156) and refuses every `about:` URL
//! (`FetchManager`'s scheme fetch has no `about:` branch; read from source).

use data_url::DataUrl;
use url::Url;

pub use crate::blocked::SchemeError;
pub use crate::profile::SchemeRules;
use crate::response::HttpResponse;

/// Whether `rules` refuse `url` before the request's mode is looked at
/// (mode `same-origin` refuses first), and why.
///
/// ```
/// use corsim::scheme_fetch::{refused_first, SchemeRules, SchemeError};
/// let chromium = SchemeRules { unsupported_refused_first: true, file_refused_first: true, file_local_resource: true, ..SchemeRules::SPEC };
/// let about = "about:blank".parse().unwrap();
/// assert_eq!(refused_first(chromium, false, &about), Some(SchemeError::Unsupported { scheme: "about".into() }));
/// assert_eq!(refused_first(chromium, true, &about), None);
/// assert_eq!(refused_first(SchemeRules::SPEC, false, &about), None);
/// ```
pub fn refused_first(rules: SchemeRules, same_origin_mode: bool, url: &Url) -> Option<SchemeError> {
    if same_origin_mode {
        return None;
    }
    match url.scheme() {
        "http" | "https" | "data" | "blob" => None,
        "file" => rules.file_refused_first.then_some(SchemeError::LocalResource),
        scheme => rules.unsupported_refused_first.then(|| SchemeError::Unsupported { scheme: scheme.to_owned() }),
    }
}

/// Whether main fetch hands `url` to a scheme fetch whatever the request's
/// mode and origin (Fetch § "Main fetch": "request's current URL's scheme is
/// `data`").
pub fn is_always_scheme_fetched(url: &Url) -> bool {
    url.scheme() == "data"
}

/// "Scheme fetch" (Fetch § "Scheme fetch") for a URL that is not HTTP(S):
/// the response `fetch()` makes itself, with status 200 and its
/// `Content-Type`, or why it is a network error. `about_blank` says whether
/// the browser loads `about:blank` (the standard: yes; Chromium: no), and
/// whether a `data:` response has a `Content-Length`.
///
/// ```
/// use corsim::scheme_fetch::{scheme_fetch, SchemeRules};
/// let r = scheme_fetch(&"data:text/plain;base64,aGk=".parse().unwrap(), SchemeRules::SPEC).unwrap();
/// assert_eq!(r.headers.get("content-type").unwrap(), b"text/plain");
/// assert!(scheme_fetch(&"ftp://files.example/x".parse().unwrap(), SchemeRules::SPEC).is_err());
/// ```
pub fn scheme_fetch(url: &Url, rules: SchemeRules) -> Result<HttpResponse, SchemeError> {
    match url.scheme() {
        "about" if rules.about_blank && url.path() == "blank" => {
            Ok(HttpResponse::new(200).header("Content-Type", "text/html;charset=utf-8"))
        }
        "data" => {
            let (mime, length) = data_url_processor(url)?;
            let response = HttpResponse::new(200);
            let response = if rules.data_content_length { response.header("Content-Length", &length.to_string()) } else { response };
            Ok(response.header("Content-Type", &mime))
        }
        "blob" => Err(SchemeError::BlobUnavailable),
        "file" if rules.file_local_resource => Err(SchemeError::LocalResource),
        scheme => Err(SchemeError::Unsupported { scheme: scheme.to_owned() }),
    }
}

/// "data: URL processor" (Fetch § "data: URLs"), through the `data-url`
/// crate: the serialized MIME type and the body's length, once the body decodes.
fn data_url_processor(url: &Url) -> Result<(String, usize), SchemeError> {
    let invalid = |detail: String| SchemeError::InvalidDataUrl { detail };
    let data = DataUrl::process(url.as_str()).map_err(|e| invalid(e.to_string()))?;
    let (body, _) = data.decode_to_vec().map_err(|_| invalid("its base64 body does not decode".to_owned()))?;
    Ok((data.mime_type().to_string(), body.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_fetch_table() {
        // (URL, about:blank loaded, Content-Type or the error's kind)
        let cases: &[(&str, bool, Result<&str, &str>)] = &[
            ("data:,Hello", true, Ok("text/plain;charset=US-ASCII")),
            ("data:text/html,<p>hi", true, Ok("text/html")),
            ("data:application/json;base64,e30=", true, Ok("application/json")),
            ("data:;base64,aGk=", true, Ok("text/plain;charset=US-ASCII")),
            ("data:text/plain;base64,%%%", true, Err("invalid")),
            ("data:text/plain", true, Err("invalid")),
            ("about:blank", true, Ok("text/html;charset=utf-8")),
            ("about:blank", false, Err("unsupported")),
            ("about:config", true, Err("unsupported")),
            ("blob:https://app.example/5a1c", true, Err("blob")),
            ("ftp://files.example/x", true, Err("unsupported")),
            ("file:///etc/hosts", true, Err("unsupported")),
        ];
        let local = SchemeRules { file_local_resource: true, ..SchemeRules::SPEC };
        assert_eq!(scheme_fetch(&"file:///etc/hosts".parse().unwrap(), local), Err(SchemeError::LocalResource));
        let firefox = SchemeRules { data_content_length: true, ..SchemeRules::SPEC };
        let r = scheme_fetch(&"data:,Hello".parse().unwrap(), firefox).unwrap();
        assert_eq!(r.headers.get("content-length").unwrap(), b"5");
        for &(url, about_blank, want) in cases {
            let got = scheme_fetch(&url.parse().unwrap(), SchemeRules { about_blank, ..SchemeRules::SPEC });
            let got = match &got {
                Ok(r) => Ok(String::from_utf8(r.headers.get("content-type").unwrap()).unwrap()),
                Err(SchemeError::InvalidDataUrl { .. }) => Err("invalid"),
                Err(SchemeError::BlobUnavailable) => Err("blob"),
                Err(SchemeError::Unsupported { .. }) => Err("unsupported"),
                Err(SchemeError::LocalResource) => Err("local"),
            };
            assert_eq!(got.as_deref().map_err(|e| *e), want, "{url}");
        }
    }
}
