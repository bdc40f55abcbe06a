//! Local Network Access (WICG "Local Network Access", the successor of
//! Private Network Access): a page may reach a more private address space
//! (public → local → loopback) only from a secure context and with the
//! user's permission.
//!
//! Chromium applies it to every fetch, `no-cors` included, before the
//! request leaves the browser, and reports a denial *as a CORS error*
//! (`InsecureLocalNetwork`, `LocalNetworkAccessPermissionDenied`), though no
//! CORS header fixes it (`Access-Control-Allow-Private-Network` is no longer
//! read). Observed in Chromium 156 with `--ip-address-space-overrides`:
//! both denials, word for word. Firefox 153 ESR enforces it too (observed
//! with `network.lna.address_space.*.override`), as a failed connection; in
//! both, only pages in the `public` space are checked. Each browser's
//! differences are its [`LnaRules`]; WebKit's profile leaves it off.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::Host;

pub use crate::blocked::{AddressSpace, LnaBlock, LnaDenial, LnaPermissionUi};


/// The address space of an IP address (LNA § "IP address space"; the ranges
/// of Chromium's `ip_address_space_util.cc`): loopback for `127.0.0.0/8`
/// and `::1`; local for `10/8`, `100.64/10`, `172.16/12`, `192.168/16`,
/// `169.254/16`, `fc00::/7` and `fe80::/10`; an IPv4-mapped IPv6 address as
/// its IPv4 address; public otherwise. (`0.0.0.0`, which Chromium blocks
/// separately, is counted as loopback: it reaches this machine.)
///
/// ```
/// use corsim::local_network_access::{address_space_of_ip, AddressSpace};
/// assert_eq!(address_space_of_ip("192.168.1.20".parse().unwrap()), AddressSpace::Local);
/// assert_eq!(address_space_of_ip("::1".parse().unwrap()), AddressSpace::Loopback);
/// ```
pub fn address_space_of_ip(ip: IpAddr) -> AddressSpace {
    match ip {
        IpAddr::V4(v4) => address_space_of_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => address_space_of_v4(v4),
            None => address_space_of_v6(v6),
        },
    }
}

fn address_space_of_v4(ip: Ipv4Addr) -> AddressSpace {
    let [a, b, ..] = ip.octets();
    if a == 127 || ip.is_unspecified() {
        AddressSpace::Loopback
    } else if a == 10 || (a == 100 && (64..128).contains(&b)) || (a == 172 && (16..32).contains(&b)) || (a == 192 && b == 168) || (a == 169 && b == 254) {
        AddressSpace::Local
    } else {
        AddressSpace::Public
    }
}

fn address_space_of_v6(ip: Ipv6Addr) -> AddressSpace {
    let first = ip.segments()[0];
    if ip == Ipv6Addr::LOCALHOST || ip.is_unspecified() {
        AddressSpace::Loopback
    } else if first & 0xfe00 == 0xfc00 || first & 0xffc0 == 0xfe80 {
        AddressSpace::Local
    } else {
        AddressSpace::Public
    }
}

/// The address space of a URL's host when the host alone says it: an IP
/// address, or `localhost` / `*.localhost` (which browsers resolve to
/// loopback themselves). `None` for other names: their space depends on
/// what they resolve to.
pub fn address_space_of_host<S: AsRef<str>>(host: &Host<S>) -> Option<AddressSpace> {
    match host {
        Host::Ipv4(ip) => Some(address_space_of_v4(*ip)),
        Host::Ipv6(ip) => Some(address_space_of_ip(IpAddr::V6(*ip))),
        Host::Domain(_) if crate::secure_context::is_loopback_host(host) => Some(AddressSpace::Loopback),
        Host::Domain(_) => None,
    }
}

/// The state of the page's Local Network Access permission.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify), tsify(missing_as_null))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Permission {
    /// The user allowed it.
    Granted,
    /// The user refused it (or the browser cannot ask: headless Chromium
    /// denies at once, observed).
    Denied,
    /// Not asked yet (the default): the browser asks the user, and the
    /// fetch waits; corsim cannot know the answer and reports the fetch as
    /// denied, marked as asked.
    #[default]
    Prompt,
}


/// A browser's Local Network Access rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LnaRules {
    /// Whether it is enforced at all.
    pub enforced: bool,
    /// Whether only requests from a `public` page are checked, so that a
    /// `local` page reaches `loopback` freely (Chromium 156 and Firefox 153,
    /// observed), rather than every request to a more private space (the
    /// draft as written).
    pub public_clients_only: bool,
    /// Whether a page that is not a secure context is refused outright
    /// (Chromium, `InsecureLocalNetwork`) rather than asked for the
    /// permission like any other (Firefox, observed).
    pub insecure_context_refused: bool,
    /// Whether the check runs when a request is about to leave (Firefox's
    /// network stack, observed: a request that needs a preflight fails at
    /// its preflight, after CORS chose it) rather than before the fetch is
    /// routed (Chromium, observed: nothing is sent, preflight or not).
    pub at_connect: bool,
    /// Whether `fetch()` reads the `targetAddressSpace` option (Chromium,
    /// observed): declaring `local` or `loopback` lets an `http:` URL pass
    /// mixed content, and a target found in another space than declared
    /// fails the fetch (`InvalidLocalNetworkAccess`). A browser that does
    /// not read it ignores it, as any unknown `RequestInit` member.
    pub target_address_space_option: bool,
    /// How it asks for the permission, which the fix of a refusal names.
    pub asks_as: Option<LnaPermissionUi>,
}

impl LnaRules {
    /// Not enforced.
    pub const OFF: LnaRules = LnaRules { enforced: false, public_clients_only: true, insecure_context_refused: true, at_connect: false, asks_as: None, target_address_space_option: false };

    /// Whether a request from a page in `client` to `target` is checked.
    pub fn applies(self, client: AddressSpace, target: AddressSpace) -> bool {
        self.enforced && target.is_more_private_than(client) && (!self.public_clients_only || client == AddressSpace::Public)
    }
}

/// The page side of the check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LnaClient {
    /// The page's address space.
    pub space: AddressSpace,
    /// Whether the page is a secure context.
    pub secure_context: bool,
    /// The permission's state.
    pub permission: Permission,
}

/// "Local network access check" (WICG LNA § "Integration with Fetch"): a
/// request from `client` to an address in `target` is allowed when the
/// target is not more private than the client; otherwise the client must be
/// a secure context and hold the permission.
///
/// ```
/// use corsim::local_network_access::*;
/// let page = LnaClient { space: AddressSpace::Public, secure_context: true, permission: Permission::Denied };
/// let block = local_network_access_check(&page, AddressSpace::Loopback).unwrap_err();
/// assert_eq!(block.chromium_name(), "LocalNetworkAccessPermissionDenied");
/// assert!(local_network_access_check(&page, AddressSpace::Public).is_ok());
/// ```
pub fn local_network_access_check(client: &LnaClient, target: AddressSpace) -> Result<(), LnaBlock> {
    if !target.is_more_private_than(client.space) {
        return Ok(());
    }
    let denial = if !client.secure_context {
        LnaDenial::InsecureContext
    } else {
        match client.permission {
            Permission::Granted => return Ok(()),
            Permission::Denied => LnaDenial::PermissionDenied { prompted: false },
            Permission::Prompt => LnaDenial::PermissionDenied { prompted: true },
        }
    };
    Err(LnaBlock { denial, client: client.space, target, asked_as: None })
}

/// The check of `fetch()`'s `targetAddressSpace` option (LNA § "Integration
/// with Fetch": a request whose target IP address space is set fails when the
/// connection's address space differs): `declared` must be the space the
/// target is in.
///
/// ```
/// use corsim::local_network_access::*;
/// assert!(target_address_space_check(AddressSpace::Local, AddressSpace::Local).is_ok());
/// let denial = target_address_space_check(AddressSpace::Local, AddressSpace::Loopback).unwrap_err();
/// assert_eq!(denial, LnaDenial::AddressSpaceMismatch { declared: AddressSpace::Local });
/// ```
pub fn target_address_space_check(declared: AddressSpace, target: AddressSpace) -> Result<(), LnaDenial> {
    match declared == target {
        true => Ok(()),
        false => Err(LnaDenial::AddressSpaceMismatch { declared }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_spaces() {
        let cases: &[(&str, AddressSpace)] = &[
            ("127.0.0.1", AddressSpace::Loopback),
            ("127.9.9.9", AddressSpace::Loopback),
            ("0.0.0.0", AddressSpace::Loopback),
            ("::1", AddressSpace::Loopback),
            ("::ffff:127.0.0.1", AddressSpace::Loopback),
            ("10.1.2.3", AddressSpace::Local),
            ("172.16.0.1", AddressSpace::Local),
            ("172.31.255.255", AddressSpace::Local),
            ("172.32.0.1", AddressSpace::Public),
            ("192.168.0.10", AddressSpace::Local),
            ("169.254.1.1", AddressSpace::Local),
            ("100.64.0.1", AddressSpace::Local),
            ("100.128.0.1", AddressSpace::Public),
            ("fd12:3456::1", AddressSpace::Local),
            ("fe80::1", AddressSpace::Local),
            ("::ffff:192.168.1.1", AddressSpace::Local),
            ("8.8.8.8", AddressSpace::Public),
            ("2001:4860::8888", AddressSpace::Public),
        ];
        for &(ip, want) in cases {
            assert_eq!(address_space_of_ip(ip.parse().unwrap()), want, "{ip}");
        }
        assert_eq!(address_space_of_host(&Host::Domain("localhost")), Some(AddressSpace::Loopback));
        assert_eq!(address_space_of_host(&Host::Domain("api.localhost")), Some(AddressSpace::Loopback));
        assert_eq!(address_space_of_host(&Host::Domain("api.example")), None);
    }

    #[test]
    fn lna_check_table() {
        use AddressSpace::*;
        use Permission::*;
        let insecure = Some("InsecureLocalNetwork");
        let denied = Some("LocalNetworkAccessPermissionDenied");
        // (client space, secure, permission, target, refusal)
        let cases: &[(AddressSpace, bool, Permission, AddressSpace, Option<&str>)] = &[
            (Public, true, Denied, Loopback, denied),
            (Public, true, Prompt, Local, denied),
            (Public, true, Granted, Loopback, None),
            (Public, false, Granted, Loopback, insecure),
            (Public, false, Denied, Local, insecure),
            (Public, true, Denied, Public, None),
            (Local, true, Denied, Loopback, denied),
            (Local, false, Denied, Local, None),
            (Local, false, Denied, Public, None),
            (Loopback, false, Denied, Local, None),
            (Loopback, true, Denied, Loopback, None),
        ];
        for &(space, secure_context, permission, target, want) in cases {
            let client = LnaClient { space, secure_context, permission };
            let got = local_network_access_check(&client, target).err().map(|b| b.chromium_name());
            assert_eq!(got, want, "{space} secure={secure_context} {permission:?} → {target}");
        }
    }

    #[test]
    fn which_requests_are_checked() {
        use AddressSpace::*;
        let chromium = LnaRules { enforced: true, public_clients_only: true, insecure_context_refused: true, at_connect: false, asks_as: None, target_address_space_option: false };
        let draft = LnaRules { public_clients_only: false, ..chromium };
        // (page, target, checked by Chromium's rules, by the draft's)
        let cases: &[(AddressSpace, AddressSpace, bool, bool)] = &[
            (Public, Loopback, true, true),
            (Public, Local, true, true),
            (Local, Loopback, false, true),
            (Local, Local, false, false),
            (Loopback, Public, false, false),
            (Public, Public, false, false),
        ];
        for &(page, target, by_chromium, by_draft) in cases {
            assert_eq!(chromium.applies(page, target), by_chromium, "{page} → {target}");
            assert_eq!(draft.applies(page, target), by_draft, "{page} → {target}");
            assert!(!LnaRules::OFF.applies(page, target));
        }
    }
}
