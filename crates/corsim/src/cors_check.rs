//! The CORS check (Fetch § "CORS check"): does a response share itself with
//! the request's origin? Reads `Access-Control-Allow-Origin` and
//! `Access-Control-Allow-Credentials` byte for byte, never as URLs.

use crate::error::{CorsError, CorsErrorStatus};
use crate::header_list::{isomorphic_decode, HeaderList};
use crate::profile::{MismatchReasons, Profile};
use crate::verdict::CheckName;
use crate::request::CredentialsMode;

/// "CORS check" (Fetch § "CORS check"): `Ok` when the response may be
/// shared with `serialized_origin` (the byte-serialized request origin,
/// `null` when opaque or redirect-tainted); otherwise the reason, named as
/// Chromium names it, with the value that failed.
///
/// It is the checks of [`cors_check_order`], in that order.
///
/// ```
/// use corsim::{cors_check::cors_check, CorsError, CredentialsMode, HeaderList, Profile};
/// let mut h = HeaderList::new();
/// h.append("Access-Control-Allow-Origin", "*");
/// let p = &Profile::CHROMIUM;
/// assert!(cors_check(p, "https://a.example", CredentialsMode::SameOrigin, &h).is_ok());
/// let err = cors_check(p, "https://a.example", CredentialsMode::Include, &h).unwrap_err();
/// assert_eq!(err.error, CorsError::WildcardOriginNotAllowed);
/// ```
pub fn cors_check(
    profile: &Profile,
    serialized_origin: &str,
    credentials: CredentialsMode,
    headers: &HeaderList,
) -> Result<(), CorsErrorStatus> {
    allow_origin_check(profile, serialized_origin, credentials, headers)?;
    if credentials == CredentialsMode::Include {
        allow_credentials_check(headers)?;
    }
    Ok(())
}

/// The checks of Fetch § "CORS check", in order: the credentials check only
/// when credentials are included.
pub fn cors_check_order(credentials: CredentialsMode) -> &'static [CheckName] {
    match credentials {
        CredentialsMode::Include => &[CheckName::AllowOrigin, CheckName::AllowCredentials],
        _ => &[CheckName::AllowOrigin],
    }
}

/// Steps 1–4 of Fetch § "CORS check": `Access-Control-Allow-Origin` must be
/// `*` (without credentials) or the serialized origin, byte for byte.
pub fn allow_origin_check(
    profile: &Profile,
    serialized_origin: &str,
    credentials: CredentialsMode,
    headers: &HeaderList,
) -> Result<(), CorsErrorStatus> {
    let include = credentials == CredentialsMode::Include;
    // 1–2. origin = get `Access-Control-Allow-Origin`; absent → failure.
    let Some(allow_origin) = headers.get_cow("access-control-allow-origin") else {
        return Err(CorsErrorStatus::new(CorsError::MissingAllowOriginHeader, ""));
    };
    let allow_origin: &[u8] = &allow_origin;
    if profile.allow_origin_lines_counted && headers.get_all("access-control-allow-origin").nth(1).is_some() {
        // Firefox counts raw header lines before anything else.
        return Err(CorsErrorStatus::new(CorsError::MultipleAllowOriginValues, isomorphic_decode(allow_origin)));
    }
    if allow_origin == b"*" {
        // 3. `*` shares with any origin when credentials are not included.
        if !include {
            return Ok(());
        }
        return Err(CorsErrorStatus::new(CorsError::WildcardOriginNotAllowed, "*"));
    }
    // 4. The serialized origin must equal the value byte for byte.
    if allow_origin != serialized_origin.as_bytes() {
        let value = isomorphic_decode(allow_origin);
        return Err(CorsErrorStatus::new(classify_mismatch(profile, &value), value));
    }
    Ok(())
}

/// Steps 5–8 of Fetch § "CORS check", when credentials are included:
/// `Access-Control-Allow-Credentials` must be `true`.
pub fn allow_credentials_check(headers: &HeaderList) -> Result<(), CorsErrorStatus> {
    match headers.get_cow("access-control-allow-credentials").as_deref() {
        Some(b"true") => Ok(()),
        other => {
            let hint = other.map(isomorphic_decode).unwrap_or_default();
            Err(CorsErrorStatus::new(CorsError::InvalidAllowCredentials, hint))
        }
    }
}

/// Which reason an `Access-Control-Allow-Origin` value that does not match
/// gets, as Chromium's `CheckAccessInternal` tells them apart.
fn classify_mismatch(profile: &Profile, value: &str) -> CorsError {
    match profile.allow_origin_mismatch {
        MismatchReasons::CommaMeansMultiple if value.contains(',') => CorsError::MultipleAllowOriginValues,
        MismatchReasons::CommaMeansMultiple | MismatchReasons::AlwaysMismatch => CorsError::AllowOriginMismatch,
        MismatchReasons::ParsedAsOrigin => {
            if value.contains([' ', ',']) {
                CorsError::MultipleAllowOriginValues
            } else if value == "null" {
                CorsError::AllowOriginMismatch
            } else if url::Url::parse(value).is_err() {
                CorsError::InvalidAllowOriginValue
            } else {
                CorsError::AllowOriginMismatch
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CorsError::*;

    fn check(origin: &str, creds: CredentialsMode, acao: &[&str], acac: &[&str]) -> Result<(), CorsError> {
        let mut h = HeaderList::new();
        for v in acao {
            h.append("Access-Control-Allow-Origin", v.as_bytes());
        }
        for v in acac {
            h.append("Access-Control-Allow-Credentials", v.as_bytes());
        }
        cors_check(&Profile::CHROMIUM, origin, creds, &h).map_err(|e| e.error)
    }

    #[test]
    fn table() {
        use CredentialsMode::*;
        let o = "http://127.0.0.1:8001";
        type Row<'a> = (&'a str, CredentialsMode, &'a [&'a str], &'a [&'a str], Result<(), CorsError>);
        let rows: &[Row] = &[
            (o, Omit, &["*"], &[], Ok(())),
            (o, SameOrigin, &["*"], &["true"], Ok(())),
            (o, Include, &["*"], &["true"], Err(WildcardOriginNotAllowed)),
            (o, Omit, &[], &[], Err(MissingAllowOriginHeader)),
            (o, Omit, &[""], &[], Err(InvalidAllowOriginValue)),
            (o, Omit, &["-"], &[], Err(InvalidAllowOriginValue)),
            (o, Omit, &["NULL"], &[], Err(InvalidAllowOriginValue)),
            (o, Omit, &["null"], &[], Err(AllowOriginMismatch)),
            (o, Omit, &["http://127.0.0.1:8001/"], &[], Err(AllowOriginMismatch)),
            (o, Omit, &["HTTP://127.0.0.1:8001"], &[], Err(AllowOriginMismatch)),
            (o, Omit, &["*, http://127.0.0.1:8001"], &[], Err(MultipleAllowOriginValues)),
            (o, Omit, &[o, o], &[], Err(MultipleAllowOriginValues)),
            (o, Omit, &[o], &[], Ok(())),
            (o, Include, &[o], &["true"], Ok(())),
            (o, Include, &[o], &["True"], Err(InvalidAllowCredentials)),
            (o, Include, &[o], &[], Err(InvalidAllowCredentials)),
            (o, Include, &[o], &["true", "true"], Err(InvalidAllowCredentials)),
            ("null", Omit, &["null"], &[], Ok(())),
            ("null", Include, &["null"], &["true"], Ok(())),
        ];
        for (origin, creds, acao, acac, want) in rows {
            assert_eq!(check(origin, *creds, acao, acac), *want, "{origin} {creds:?} {acao:?} {acac:?}");
        }
    }
}
