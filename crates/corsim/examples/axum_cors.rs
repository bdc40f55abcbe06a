//! An axum API behind tower-http's `CorsLayer`, configured as people do it,
//! checked three ways: the harness (what the browser does with one fetch),
//! the audit (every misconfiguration class), and one property test (every
//! request the front end makes is readable from its origin, and from no
//! other), which shrinks to the smallest failing case.
//!
//! ```sh
//! cargo run -p corsim --example axum_cors
//! ```

#[path = "../tests/support/apps.rs"]
mod apps;

use apps::{API, APP};
use corsim::audit::Audit;
use corsim::harness::{get, put, Page};
use corsim::strategies::{other_origin, FrontEnd};
use corsim::{CredentialsMode, Origin};
use proptest::test_runner::{Config, TestError, TestRunner};

fn main() {
    println!("== harness: PUT with Authorization against a CorsLayer that forgot PUT\n");
    let outcome = Page::new(APP)
        .fetch(put(format!("{API}/items/1")).header("Authorization", "Bearer t"))
        .against_service(apps::missing_method());
    println!("readable: {}\n{}", outcome.is_readable(), outcome.describe());

    println!("== harness: CorsLayer::very_permissive(), a credentialed GET from https://evil.example\n");
    let outcome = Page::new("https://evil.example")
        .fetch(get(format!("{API}/me")).credentials(CredentialsMode::Include))
        .against_service(apps::mirror());
    println!("readable: {}\n{}", outcome.is_readable(), outcome.describe());

    println!("== audit\n");
    for (name, app) in [
        ("correct", apps::correct()),
        ("missing_method", apps::missing_method()),
        ("mirror", apps::mirror()),
        ("ends_with", apps::ends_with()),
        ("star_with_credentials", apps::star_with_credentials()),
        ("route_layer_only", apps::route_layer_only()),
        ("auth_before_cors", apps::auth_before_cors()),
    ] {
        let report = Audit::new(&format!("{API}/items")).unwrap().trust(APP).unwrap().run_service(app);
        println!("-- {name} ({} requests)\n{report}", report.requests_sent);
    }

    println!("== property: no origin but {APP} reads anything (ends_with origin check)\n");
    let may_read = [Origin::parse(APP).unwrap(), Origin::parse(API).unwrap()];
    let front_end = FrontEnd::new([format!("{API}/items"), format!("{API}/items/1"), format!("{API}/me")])
        .methods(["GET", "POST", "PUT", "DELETE"])
        .header("Authorization", ["Bearer t"])
        .header("Content-Type", ["application/json"])
        .credentials([CredentialsMode::Include, CredentialsMode::Omit]);
    let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::default() });
    let result = runner.run(&(other_origin(&may_read), front_end.requests()), |(origin, init)| {
        let outcome = Page::from_origin(origin).fetch(init).against_service(apps::ends_with());
        proptest::prop_assert!(!outcome.is_readable(), "{}", outcome.describe());
        Ok(())
    });
    match result {
        Err(TestError::Fail(_, (origin, init))) => {
            println!("minimal failing case: a page on {origin} reads {} {} (credentials: {})", init.method, init.url, init.credentials)
        }
        other => println!("{other:?}"),
    }
}
