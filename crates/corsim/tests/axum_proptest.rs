//! The one property a server wants, against the axum app: "for every request
//! my front end could make from my allowed origins, the browser lets it read
//! the response; from every other origin it does not". On a correct
//! `CorsLayer` it holds; on an `ends_with` origin check it fails and shrinks
//! to the smallest request and origin that show it.

mod support;

use corsim::harness::Page;
use corsim::strategies::{allowed_origin, other_origin, FrontEnd};
use corsim::{CredentialsMode, Origin, RequestInit};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestError, TestRunner};
use support::apps::{self, API, APP};

fn front_end() -> FrontEnd {
    FrontEnd::new([format!("{API}/items"), format!("{API}/items/1"), format!("{API}/me")])
        .methods(["GET", "POST", "PUT", "DELETE"])
        .header("Authorization", ["Bearer t"])
        .header("Content-Type", ["application/json", "text/plain"])
        .credentials([CredentialsMode::Include, CredentialsMode::Omit])
}

fn allowed() -> Vec<Origin> {
    vec![Origin::parse(APP).unwrap()]
}

/// The origins that may read: the front end's, and the API's own (a page
/// there is same-origin).
fn excluded() -> Vec<Origin> {
    vec![Origin::parse(APP).unwrap(), Origin::parse(API).unwrap()]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn front_end_can_read_everything(origin in allowed_origin(&allowed()), init in front_end().requests()) {
        let outcome = Page::from_origin(origin).fetch(init).against_service(apps::correct());
        prop_assert!(outcome.is_readable(), "{}", outcome.describe());
    }

    #[test]
    fn nobody_else_can_read_anything(origin in other_origin(&excluded()), init in front_end().requests()) {
        let outcome = Page::from_origin(origin).fetch(init).against_service(apps::correct());
        prop_assert!(!outcome.is_readable(), "{}", outcome.describe());
    }
}

#[test]
fn an_ends_with_check_fails_and_shrinks_to_the_smallest_case() {
    let config = Config { cases: 256, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, proptest::test_runner::TestRng::deterministic_rng(config_rng()));
    let result = runner.run(&(other_origin(&excluded()), front_end().requests()), |(origin, init)| {
        let outcome = Page::from_origin(origin).fetch(init).against_service(apps::ends_with());
        prop_assert!(!outcome.is_readable(), "{}", outcome.describe());
        Ok(())
    });
    let Err(TestError::Fail(reason, (origin, init))) = result else {
        panic!("the property should fail on an ends_with origin check: {result:?}");
    };
    // The smallest failing case: the first look-alike, the first URL and
    // method, no headers, the first credentials mode.
    assert_eq!(origin.serialize(), "https://evilapp.example");
    assert_eq!(init, RequestInit::get(format!("{API}/items")).credentials(CredentialsMode::Include));
    assert!(reason.message().contains("access-control-allow-origin: https://evilapp.example"), "{}", reason.message());
}

fn config_rng() -> proptest::test_runner::RngAlgorithm {
    proptest::test_runner::RngAlgorithm::ChaCha
}
