//! The two scenario readers (`Scenario::parse_bytes`, the typed fast path, and
//! `Scenario::from_value`, the generic one that names errors) must give the
//! same answer for every line. Cases the fuzzer found where they did not.

use corsim::scenario::Scenario;

fn both(line: &str) -> (Result<Scenario, corsim::InputError>, Result<Scenario, corsim::InputError>) {
    let typed = Scenario::parse_bytes(line.as_bytes()).map_err(|(_, e)| e);
    let value: serde_json::Value = serde_json::from_str(line).expect("the case is JSON");
    (typed, Scenario::from_value(&value))
}

/// Two server keys that name one URL once parsed (here the fragment, the
/// scheme's case and an extra slash after `http:`) used to keep whichever the
/// reader's map visited last: a `HashMap` in one reader, sorted keys in the
/// other. Now both refuse the line and say which entry repeats a URL.
#[test]
fn two_server_keys_naming_one_url_are_an_error_in_both_readers() {
    for (a, b) in [
        ("http://a.test/x", "http://a.test/x#frag"),
        ("http://a.test/x", "HTTP://a.test/x"),
        ("http://a.test/x", "http:///a.test/x"),
    ] {
        let line = format!(
            r#"{{"origin":"http://page.test","steps":[{{"request":{{"url":"http://a.test/x"}}}}],"server":{{"{a}":{{"actual":{{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}}},"{b}":{{"actual":{{"status":404}}}}}}}}"#
        );
        let (typed, generic) = both(&line);
        assert_eq!(typed, generic, "{line}");
        let e = generic.expect_err(&line);
        assert!(e.message.contains("names the same URL"), "{e}");
        assert!(e.field.starts_with("server["), "{e}");
    }
}
