//! The page a `fetch()` runs in, beyond its origin: what the checks around
//! CORS ([`crate::gate`]) need to know. Every field is optional; the default
//! is derived from the page's origin, so a fetch described by its origin
//! alone behaves as before these checks existed (an `https:` origin is an
//! `https:` page, a loopback origin is a secure context in the `loopback`
//! address space, a host name's address space is unknown).

use url::Url;

use crate::cross_origin_resource_policy::EmbedderPolicy;
use crate::local_network_access::{address_space_of_host, AddressSpace, Permission};
use crate::origin::Origin;
use crate::secure_context::is_url_potentially_trustworthy;

/// The page's context.
///
/// ```
/// use corsim::page::PageContext;
/// use corsim::local_network_access::AddressSpace;
/// use corsim::Origin;
/// let origin = Origin::parse("http://127.0.0.1:8001").unwrap();
/// let page = PageContext::default();
/// assert!(page.is_secure_context(&origin));
/// assert_eq!(page.client_address_space(&origin), Some(AddressSpace::Loopback));
/// let page = PageContext { address_space: Some(AddressSpace::Public), ..PageContext::default() };
/// assert_eq!(page.client_address_space(&origin), Some(AddressSpace::Public));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageContext {
    /// The page's URL (default: its origin with path `/`; for an opaque
    /// origin, unknown).
    pub url: Option<Url>,
    /// Whether the page is a secure context (default: its URL is
    /// potentially trustworthy).
    pub secure_context: Option<bool>,
    /// The address space the page was loaded from (default: its host's,
    /// when the host says it).
    pub address_space: Option<AddressSpace>,
    /// The page's `Cross-Origin-Embedder-Policy`.
    pub embedder_policy: EmbedderPolicy,
    /// The page's Local Network Access permission.
    pub local_network_access: Permission,
    /// The address spaces of the hosts it fetches from, by `host` or
    /// `host:port` (as a URL serializes them: `api.test`, `[::1]:8080`);
    /// IP addresses and `localhost` need no entry.
    pub address_spaces: Vec<(String, AddressSpace)>,
}

impl PageContext {
    /// The page's URL.
    pub fn page_url(&self, origin: &Origin) -> Option<Url> {
        if let Some(url) = &self.url {
            return Some(url.clone());
        }
        match origin {
            Origin::Tuple(_) => Url::parse(&format!("{}/", origin.serialize())).ok(),
            Origin::Opaque => None,
        }
    }

    /// Whether the page is a secure context.
    pub fn is_secure_context(&self, origin: &Origin) -> bool {
        self.secure_context
            .unwrap_or_else(|| self.page_url(origin).is_some_and(|url| is_url_potentially_trustworthy(&url)))
    }

    /// The page's address space, when known.
    pub fn client_address_space(&self, origin: &Origin) -> Option<AddressSpace> {
        self.address_space.or_else(|| self.page_url(origin).and_then(|url| self.target_address_space(&url)))
    }

    /// The address space `url` is served from, when known: an entry for its
    /// `host:port` or its host, else what its host says.
    pub fn target_address_space(&self, url: &Url) -> Option<AddressSpace> {
        let host = url.host()?;
        let host_str = host.to_string();
        let with_port = url.port_or_known_default().map(|p| format!("{host_str}:{p}"));
        let listed = |key: &str| self.address_spaces.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, s)| *s);
        with_port.as_deref().and_then(listed).or_else(|| listed(&host_str)).or_else(|| address_space_of_host(&host))
    }
}

#[cfg(feature = "serde")]
impl PageContext {
    /// Read a scenario's `page` object (`tests/corpus/FORMAT.md`): `url`,
    /// `secure_context`, `address_space`, `coep`, `local_network_access`,
    /// `address_spaces`, each optional; any other key is an error. The error
    /// names the field that is wrong (relative to `page`).
    pub fn from_json(value: &serde_json::Value) -> Result<PageContext, crate::error::InputError> {
        use crate::error::InputError;
        use serde_json::Value;
        let obj = value.as_object().ok_or_else(|| InputError::new("", "must be an object"))?;
        let text = |key: &str| -> Result<Option<&str>, InputError> {
            match obj.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(InputError::new(key, "must be a string")),
            }
        };
        let space = |field: &str, name: &str| {
            AddressSpace::from_name(name)
                .ok_or_else(|| InputError::new(field, format!("{name:?} is not one of loopback, local, public")))
        };
        let mut page = PageContext::default();
        for key in obj.keys() {
            if !matches!(key.as_str(), "url" | "secure_context" | "address_space" | "coep" | "local_network_access" | "address_spaces") {
                return Err(InputError::new(
                    key.as_str(),
                    "unknown key (expected url, secure_context, address_space, coep, local_network_access, address_spaces)",
                ));
            }
        }
        if let Some(url) = text("url")? {
            page.url = Some(Url::parse(url).map_err(|e| InputError::new("url", format!("{url:?} is not a URL: {e}")))?);
        }
        page.secure_context = match obj.get("secure_context") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => return Err(InputError::new("secure_context", "must be true or false")),
        };
        if let Some(name) = text("address_space")? {
            page.address_space = Some(space("address_space", name)?);
        }
        page.embedder_policy = match text("coep")? {
            None | Some("unsafe-none") => EmbedderPolicy::UnsafeNone,
            Some("require-corp") => EmbedderPolicy::RequireCorp,
            Some("credentialless") => EmbedderPolicy::Credentialless,
            Some(other) => {
                return Err(InputError::new("coep", format!("{other:?} is not one of unsafe-none, require-corp, credentialless")))
            }
        };
        page.local_network_access = match text("local_network_access")? {
            None | Some("prompt") => Permission::Prompt,
            Some("granted") => Permission::Granted,
            Some("denied") => Permission::Denied,
            Some(other) => {
                return Err(InputError::new("local_network_access", format!("{other:?} is not one of granted, denied, prompt")))
            }
        };
        match obj.get("address_spaces") {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (host, name) in map {
                    let field = format!("address_spaces[{host:?}]");
                    let name = name.as_str().ok_or_else(|| InputError::new(&field, "must be a string"))?;
                    page.address_spaces.push((host.clone(), space(&field, name)?));
                }
            }
            Some(_) => return Err(InputError::new("address_spaces", "must be an object keyed by host or host:port")),
        }
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_origin() {
        let page = PageContext::default();
        // (origin, secure context, address space, page URL)
        let cases: &[(&str, bool, Option<AddressSpace>, Option<&str>)] = &[
            ("https://app.example", true, None, Some("https://app.example/")),
            ("http://app.example", false, None, Some("http://app.example/")),
            ("http://127.0.0.1:8001", true, Some(AddressSpace::Loopback), Some("http://127.0.0.1:8001/")),
            ("http://localhost:3000", true, Some(AddressSpace::Loopback), Some("http://localhost:3000/")),
            ("http://192.168.1.4", false, Some(AddressSpace::Local), Some("http://192.168.1.4/")),
            ("null", false, None, None),
        ];
        for &(origin, secure, space, url) in cases {
            let origin = Origin::parse(origin).unwrap();
            assert_eq!(page.is_secure_context(&origin), secure, "{origin}");
            assert_eq!(page.client_address_space(&origin), space, "{origin}");
            assert_eq!(page.page_url(&origin).map(|u| u.to_string()).as_deref(), url, "{origin}");
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn reads_the_scenario_page_object() {
        let v = serde_json::json!({"url": "https://app.example/", "address_space": "public", "coep": "require-corp",
            "local_network_access": "granted", "address_spaces": {"api.test": "private"}});
        let page = PageContext::from_json(&v).unwrap();
        assert_eq!(page.address_space, Some(AddressSpace::Public));
        assert_eq!(page.embedder_policy, EmbedderPolicy::RequireCorp);
        assert_eq!(page.local_network_access, Permission::Granted);
        assert_eq!(page.address_spaces, vec![("api.test".to_owned(), AddressSpace::Local)]);
        let errors: &[(serde_json::Value, &str)] = &[
            (serde_json::json!({"adress_space": "public"}), "adress_space"),
            (serde_json::json!({"address_space": "intranet"}), "address_space"),
            (serde_json::json!({"coep": "require_corp"}), "coep"),
            (serde_json::json!({"secure_context": "yes"}), "secure_context"),
            (serde_json::json!({"address_spaces": {"api.test": "lan"}}), "address_spaces[\"api.test\"]"),
            (serde_json::json!({"url": "not a url"}), "url"),
            (serde_json::json!([]), ""),
        ];
        for (v, field) in errors {
            assert_eq!(PageContext::from_json(v).unwrap_err().field, *field, "{v}");
        }
    }

    #[test]
    fn listed_spaces_win() {
        let page = PageContext {
            address_spaces: vec![("api.test".into(), AddressSpace::Local), ("127.0.0.1:8101".into(), AddressSpace::Public)],
            ..PageContext::default()
        };
        let space = |u: &str| page.target_address_space(&u.parse().unwrap());
        assert_eq!(space("http://api.test/x"), Some(AddressSpace::Local));
        assert_eq!(space("http://API.test:9000/x"), Some(AddressSpace::Local));
        assert_eq!(space("http://127.0.0.1:8101/"), Some(AddressSpace::Public));
        assert_eq!(space("http://127.0.0.1:8102/"), Some(AddressSpace::Loopback));
        assert_eq!(space("http://other.test/"), None);
        assert_eq!(space("data:,x"), None);
    }
}
