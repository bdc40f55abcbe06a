#!/usr/bin/env python3
"""Write tests/corpus/wpt.jsonl: the web-platform-tests' CORS, redirect and
basic fetch subtests as scenarios (FORMAT.md), one scenario per subtest (or
per subtest and origin where a subtest runs in several), not yet recorded.
`corsim record` records them; WPT.md says which WPT file and subtest each
cluster of ids comes from, and which subtests cannot be expressed.

The scenarios are written from reading the tests, not from their code: WPT's
Python handlers (redirect.py, preflight.py, ...) become scripted answers.
Hosts: the page is http://127.0.0.1:8101; WPT's "remote origin" (another
host, same port) is http://localhost:8101, its "origin with a different
port" http://127.0.0.1:8102. Scenarios whose answer may spoil a kept-alive
connection (preflight 407/408, forbidden bytes) use ports of their own.

    python3 tests/corpus/wpt-scenarios.py > tests/corpus/wpt.jsonl
"""

import json
import sys

PAGE = "http://127.0.0.1:8101"
REMOTE = "http://localhost:8101"
OTHER_PORT = "http://127.0.0.1:8102"
CODES = [301, 302, 303, 307, 308]

out = []
counter = [0]


def new(cluster):
    counter[0] += 1
    return f"wpt-{cluster}-{counter[0]:04d}", counter[0]


def u(base, n, name):
    return f"{base}/w/{n:04d}/{name}"


def req(url, method="GET", headers=None, mode="cors", credentials="same-origin", redirect="follow", body=None):
    """A step's fetch() arguments. WPT's request bodies are left out: the
    recorded format has no `body` (a string body would only add the
    safelisted `Content-Type: text/plain;charset=UTF-8` where no
    Content-Type is given, and is never part of what is recorded)."""
    del body
    return {"url": url, "method": method, "headers": headers or [], "mode": mode, "credentials": credentials, "redirect": redirect}


def resp(status, headers=None):
    return {"status": status, "headers": headers or []}


def scenario(sid, steps, server, origin=PAGE):
    out.append({"id": sid, "origin": origin, "steps": [{"at_ms": 0, "request": r} for r in steps], "server": server})


STAR = [["Access-Control-Allow-Origin", "*"]]
MINE = [["Access-Control-Allow-Origin", PAGE]]

# --- fetch/api/redirect/redirect-location.any.js: Location absent, invalid, data: ---
for code in CODES:
    for mode in ["follow", "manual"]:
        for kind, location in [("none", None), ("invalid", "#invalidurl:"), ("data", "data:,data%20url")]:
            for where, base in [("same", PAGE), ("remote", REMOTE)]:
                sid, n = new("redirloc")
                a = u(base, n, "redirect")
                headers = STAR + ([["Location", location]] if location is not None else [])
                scenario(sid, [req(a, redirect=mode)], {a: {"actual": resp(code, headers)}})

# --- odd Location values (the cluster; WPT's redirect.py cannot send them) ---
ODD = [
    ("empty", ""),
    ("space-before", " /w/{n}/target"),
    ("space-after", "/w/{n}/target "),
    ("tab-inside", "/w/{n}/tar\tget"),
    ("scheme-relative", "//localhost:8101/w/{n}/target"),
    ("dot-segments", "./../{n}/target"),
    ("query-only", "?q=1"),
    ("backslashes", "\\w\\{n}\\target"),
    ("http-no-slashes", "http:/w/{n}/target"),
    ("bad-host", "http://[bad/w/{n}/target"),
    ("bad-port", "http://localhost:99999/w/{n}/target"),
    ("utf8-path", "/w/{n}/t\u00c3\u00a9rget"),
    ("two-locations", None),
]
for name, template in ODD:
    for where, base in [("same", PAGE), ("remote", REMOTE)]:
        sid, n = new("oddloc")
        a = u(base, n, "redirect")
        target = u(base, n, "target")
        server = {a: {}, target: {"actual": resp(200, STAR)}}
        if template is None:
            headers = STAR + [["Location", target], ["Location", u(base, n, "other")]]
            server[u(base, n, "other")] = {"actual": resp(200, STAR)}
        else:
            headers = STAR + [["Location", template.replace("{n}", f"{n:04d}")]]
        server[a] = {"actual": resp(302, headers)}
        # Where the odd forms lead when a browser reads them leniently.
        server[a + "?q=1"] = {"actual": resp(200, STAR)}
        server[u(REMOTE, n, "target")] = {"actual": resp(200, STAR)}
        server[u(base, n, "t%C3%A9rget")] = {"actual": resp(200, STAR)}
        scenario(sid, [req(a)], server)

# --- fetch/api/redirect/redirect-method.any.js (and 308, which it leaves out) ---
METHOD_CASES = [(c, m) for c in [301, 302, 303, 307, 308] for m in ["GET", "POST", "HEAD"]] + [(303, "TESTING")]
for code, method in METHOD_CASES:
    for where, base in [("same", PAGE), ("remote", REMOTE)]:
        sid, n = new("redirmethod")
        a, b = u(base, n, "redirect"), u(base, n, "method")
        body = "this is my body" if method == "POST" else None
        headers = []
        if where == "same" and ((code != 303 and method == "POST") or (code == 303 and method != "HEAD")):
            headers = [["Content-Encoding", "Identity"], ["Content-Language", "en-US"], ["Content-Location", "foo"]]
        allow = [["Access-Control-Allow-Origin", PAGE], ["Access-Control-Allow-Methods", method]]
        scenario(sid, [req(a, method, headers, body=body)], {
            a: {"preflight": resp(204, allow), "actual": resp(code, MINE + [["Location", b]])},
            b: {"preflight": resp(204, allow), "actual": resp(200, MINE)},
        })

# --- fetch/api/redirect/redirect-count.any.js: 20 redirects pass, 21 fail ---
for code in CODES:
    for hops in [20, 21]:
        for where, base in [("same", PAGE)] + ([("remote", REMOTE)] if code in (302, 307) else []):
            sid, n = new("redircount")
            urls = [u(base, n, f"r{i}") for i in range(hops + 1)]
            server = {urls[i]: {"actual": resp(code, STAR + [["Location", urls[i + 1]]])} for i in range(hops)}
            server[urls[hops]] = {"actual": resp(200, STAR)}
            scenario(sid, [req(urls[0])], server)

# --- fetch/api/redirect/redirect-mode.any.js ---
for where, base in [("same-origin", PAGE), ("cross-origin", REMOTE)]:
    for code in CODES:
        for redirect in ["error", "manual", "follow"]:
            for mode in ["cors", "no-cors"]:
                sid, n = new("redirmode")
                a, b = u(base, n, "redirect"), u(base, n, "cors-top.txt")
                scenario(sid, [req(a, mode=mode, redirect=redirect)], {
                    a: {"actual": resp(code, STAR + [["Location", "cors-top.txt"]])},
                    b: {"actual": resp(200, STAR)},
                })

# --- fetch/api/redirect/redirect-origin.any.js: the Origin header after redirects ---
for code in CODES:
    for method in ["GET", "POST"]:
        for name, first, second in [("same-same", PAGE, PAGE), ("same-other", PAGE, REMOTE),
                                    ("other-other", REMOTE, REMOTE), ("other-same", REMOTE, PAGE)]:
            sid, n = new("redirorigin")
            a, b = u(first, n, "redirect"), u(second, n, "inspect")
            scenario(sid, [req(a, method, body="x" if method == "POST" else None)], {
                a: {"actual": resp(code, STAR + [["Location", b]])},
                b: {"actual": resp(200, STAR)},
            })

# --- fetch/api/redirect/redirect-schemes.html (and more schemes, cross-origin too) ---
SCHEMES = ["mailto:a@a.com", "data:,HI", "facetime:a@a.org", "about:blank", "about:unicorn", "blob:djfksfjs",
           "javascript:alert(1)", "ftp://127.0.0.1:8101/x", "file:///etc/hosts", "ws://127.0.0.1:8101/x"]
for location in SCHEMES:
    for where, base in [("same", PAGE), ("remote", REMOTE)]:
        sid, n = new("redirscheme")
        a = u(base, n, "redirect")
        scenario(sid, [req(a)], {a: {"actual": resp(302, STAR + [["Location", location]])}})

# --- fetch/api/redirect/redirect-to-dataurl.any.js ---
for where, base, modes in [("same", PAGE, ["cors", "no-cors", "same-origin"]), ("remote", REMOTE, ["cors", "no-cors"])]:
    for mode in modes:
        sid, n = new("redirdata")
        a = u(base, n, "redirect")
        scenario(sid, [req(a, mode=mode)], {
            a: {"actual": resp(302, STAR + [["Location", "data:text/plain;base64,cmVzcG9uc2UncyBib2R5"]])}})

# --- fetch/api/redirect/redirect-back-to-original-origin.any.js ---
for mode in ["no-cors", "cors"]:
    sid, n = new("redirback")
    a, b = u(REMOTE, n, "redirect"), u(PAGE, n, "cors-top.txt")
    scenario(sid, [req(a, mode=mode)], {a: {"actual": resp(303, STAR + [["Location", b]])}, b: {"actual": resp(200, STAR)}})

# --- fetch/api/cors/cors-preflight-status.any.js (and 407, 408 from the issue, on ports of their own) ---
PORT_OF_OWN = {407: "http://localhost:8103", 408: "http://localhost:8104"}
for status in [200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 306, 307, 308,
               400, 401, 402, 403, 404, 405, 407, 408, 501, 502, 503, 504, 505]:
    sid, n = new("preflightstatus")
    a = u(PORT_OF_OWN.get(status, REMOTE), n, "preflight")
    scenario(sid, [req(a, headers=[["x-force-preflight", ""]])], {a: {
        "preflight": resp(status, MINE + [["Access-Control-Allow-Headers", "x-force-preflight"]]),
        "actual": resp(200, MINE)}})

# --- fetch/api/cors/cors-preflight-response-validation.any.js ---
for allow_headers, allow_methods in [("x-force-preflight,header name with space", None), ("x-force-preflight", "Bad method name")]:
    sid, n = new("preflightvalid")
    a = u(REMOTE, n, "preflight")
    headers = MINE + [["Access-Control-Allow-Headers", allow_headers]]
    if allow_methods:
        headers.append(["Access-Control-Allow-Methods", allow_methods])
    scenario(sid, [req(a, headers=[["x-force-preflight", ""]]), req(a)], {a: {"preflight": resp(200, headers), "actual": resp(200, MINE)}})

# --- fetch/api/cors/cors-preflight-star.any.js ---
for creds, allow_method, allow_header, method, header in [
    (False, "get", "x-test", "GET", ["X-Test", "1"]), (False, "*", "x-test", "SUPER", ["X-Test", "1"]),
    (False, "*", "*", "OK", ["X-Test", "1"]), (True, "*", "*", "OK", ["X-Test", "1"]),
    (True, "*", "", "PUT", None), (True, "PUT", "*", "PUT", None), (True, "get", "*", "GET", ["X-Test", "1"]),
    (True, "*", "*", "GET", ["X-Test", "1"]), (True, "*", "*", "*", ["*", "1"]), (True, "put", "*", "PUT", None)]:
    sid, n = new("preflightstar")
    a = u(REMOTE, n, "preflight")
    allow = MINE + ([["Access-Control-Allow-Credentials", "true"]] if creds else [])
    scenario(sid, [req(a, method, [header] if header else [], credentials="include" if creds else "same-origin")], {a: {
        "preflight": resp(200, allow + [["Access-Control-Allow-Methods", allow_method], ["Access-Control-Allow-Headers", allow_header]]),
        "actual": resp(200, allow)}})

# --- fetch/api/cors/cors-preflight-not-cors-safelisted.any.js ---
for name, value in [("accept", '"'), ("accept", "0" * 129), ("accept-language", "\u0001"), ("accept-language", "@"),
                    ("authorization", "basics"), ("content-language", "\u0001"), ("content-language", "@"),
                    ("content-type", "text/html"), ("content-type", "text/plain; long=" + "0123456789" * 11 + "01"),
                    ("last-event-id", '"'), ("last-event-id", "0" * 129), ("range", "bytes 0-"), ("test", "hi")]:
    sid, n = new("notsafelisted")
    a = u(REMOTE, n, "preflight")
    scenario(sid, [req(a, headers=[[name, value]])], {a: {
        "preflight": resp(200, MINE + [["Access-Control-Allow-Headers", name]]), "actual": resp(200, MINE)}})

# --- cors/cors-safelisted-request-header.any.js: POST with one header; the preflight allows nothing ---
SAFELIST = [("content-type", v) for v in ["text /plain", "text\t/\tplain", "text/plain;", "text/plain;garbage",
                                          "text/plain;garbage\u0001\u0002", "text/plain,", ",text/plain",
                                          "text/plain,text/plain", "text/plain,x/x", "text/plain\u000b",
                                          "text/plain\u000c", "application/www-form-urlencoded",
                                          "application/x-www-form-urlencoded;\u007f", "multipart/form-data",
                                          'multipart/form-data;"']]
SAFELIST += [("range", v) for v in ["100-200", "MB=100-200", "bytes=100-200", "bytes =100-200", "bytes\t=100-200",
                                    "bytes=  100-200", "bytes=\t\t100-200", "bytes= \t100-200", "bytes=100 -200",
                                    "bytes=100\t-200", "bytes=100- 200", "bytes=100-\t200", "bytes=100-200hello",
                                    "bytes=abc-def", "bytes=100-200,300-400", "bytes=-200", "bytes=200-",
                                    "bytes=200-100", "bytes=1" + "0" * 60 + "-2" + "0" * 60, "bytes 100-200",
                                    "bytes = 100-200", ",bytes=100-200", "bytes=,100-200"]]
SAFELIST += [("last-event-id", v) for v in ["abc123", '"', "e5p3n<3k0k0s", "0" * 129]]
for name, value in SAFELIST:
    sid, n = new("safelisted")
    a = u(REMOTE, n, "preflight")
    scenario(sid, [req(a, "POST", [[name, value]], body="data")], {a: {
        "preflight": resp(200, MINE), "actual": resp(200, MINE + [["Content-Type", "text/plain"]])}})

# --- fetch/api/cors/cors-redirect.any.js ---
for code in CODES:
    for name, first, second in [("cors-same-cors", REMOTE, REMOTE), ("cors-another-cors", REMOTE, OTHER_PORT),
                                ("same-cors", PAGE, REMOTE), ("cors-same-origin", REMOTE, PAGE)]:
        sid, n = new("corsredirect")
        a, b = u(first, n, "redirect"), u(second, n, "preflight")
        scenario(sid, [req(a)], {a: {"actual": resp(code, STAR + [["Location", b]])}, b: {"actual": resp(200, STAR)}})

# --- fetch/api/cors/cors-redirect-preflight.any.js ---
for code in CODES:
    for name, first, second in [("same-cors", PAGE, REMOTE), ("cors-same", REMOTE, PAGE), ("cors-another", REMOTE, OTHER_PORT)]:
        for success in [True, False]:
            sid, n = new("redirpreflight")
            a, b = u(first, n, "redirect"), u(second, n, "preflight")
            allow = STAR + ([["Access-Control-Allow-Headers", "x-w3c"]] if success else [])
            scenario(sid, [req(a, headers=[["x-w3c", "test"]])], {
                a: {"preflight": resp(200, allow), "actual": resp(code, STAR + [["Location", b]])},
                b: {"preflight": resp(200, allow), "actual": resp(200, STAR)}})

# --- fetch/api/cors/cors-preflight-redirect.any.js ---
for code in CODES:
    for on_preflight in [True, False]:
        sid, n = new("preflightredirect")
        a, b = u(REMOTE, n, "redirect"), u(REMOTE, n, "preflight")
        allow = MINE + [["Access-Control-Allow-Headers", "x-force-preflight"]]
        server = {b: {"preflight": resp(200, MINE), "actual": resp(200, MINE)}}
        if on_preflight:
            server[a] = {"preflight": resp(code, allow + [["Location", b]]), "actual": resp(code, MINE + [["Location", b]])}
        else:
            server[a] = {"preflight": resp(200, allow), "actual": resp(code, MINE + [["Location", b]])}
        scenario(sid, [req(a, headers=[["x-force-preflight", ""]])], server)

# --- fetch/api/cors/cors-redirect-credentials.any.js: userinfo in Location ---
for code in CODES:
    for first, second, userinfo in [(PAGE, OTHER_PORT, "")] + [
            (f, s, c) for f, s in [(PAGE, OTHER_PORT), (OTHER_PORT, PAGE), (OTHER_PORT, OTHER_PORT), (OTHER_PORT, REMOTE)]
            for c in ["user:password", "user:", ":password"]]:
        sid, n = new("redircreds")
        a, b = u(first, n, "redirect"), u(second, n, "preflight")
        location = b.replace("://", "://" + userinfo + "@") if userinfo else b
        scenario(sid, [req(a)], {a: {"actual": resp(code, STAR + [["Location", location]])}, b: {"actual": resp(200, STAR)}})

# --- fetch/api/cors/cors-expose-star.js ---
SHARED = [["Access-Control-Expose-Headers", "*"], ["Test", "X"], ["Set-Cookie", "X"], ["*", "whoa"]]
for creds, headers in [(False, SHARED + STAR),
                       (True, SHARED + MINE + [["Access-Control-Allow-Credentials", "true"], ["Content-Type", "text/plain"]]),
                       (False, STAR + [["Access-Control-Expose-Headers", "*"], ["Access-Control-Expose-Headers", "set-cookie"],
                                       ["Test", "X"], ["Set-Cookie", "X"]])]:
    sid, n = new("exposestar")
    a = u(OTHER_PORT, n, "top.txt")
    scenario(sid, [req(a, credentials="include" if creds else "same-origin")], {a: {"actual": resp(200, headers)}})

# --- fetch/api/basic/mode-same-origin.any.js ---
for name, first, second in [("same", PAGE, None), ("cross", REMOTE, None), ("same-to-same", PAGE, PAGE),
                            ("same-to-cross", PAGE, REMOTE), ("cross-to-same", REMOTE, PAGE)]:
    sid, n = new("modesame")
    a = u(first, n, "top.txt")
    server = {a: {"actual": resp(200, STAR)}}
    if second:
        b = u(second, n, "top.txt2")
        server = {a: {"actual": resp(302, STAR + [["Location", b]])}, b: {"actual": resp(200, STAR)}}
    scenario(sid, [req(a, mode="same-origin")], server)

# --- fetch/api/basic/mode-no-cors.js ---
for base in [PAGE, REMOTE]:
    sid, n = new("modenocors")
    a = u(base, n, "top.txt")
    scenario(sid, [req(a, mode="no-cors")], {a: {"actual": resp(200, STAR)}})

# --- fetch/api/basic/request-headers-case.any.js and WebKit's header-name case in messages ---
for names in [["Content-Type"], ["X-Custom-Header"], ["x-UPPER-lower"], ["X-A", "x-b"]]:
    sid, n = new("headercase")
    a = u(REMOTE, n, "preflight")
    headers = [[h, "application/json" if h == "Content-Type" else "1"] for h in names]
    scenario(sid, [req(a, "POST", headers, body="x")], {a: {"preflight": resp(204, MINE), "actual": resp(200, MINE)}})

# --- answers the network stack refuses: forbidden bytes in header values (the cluster) ---
for i, (where, value) in enumerate([(w, v) for w in ["actual", "preflight"]
                                    for v in ["a\u0000b", "a\rb", "\u0001", "a\u007fb", "\u00ff"]]):
    sid, n = new("headerbytes")
    a = u(f"http://localhost:{8110 + i}", n, "bytes")
    bad = [["X-Odd", value]]
    if where == "actual":
        scenario(sid, [req(a)], {a: {"actual": resp(200, MINE + bad)}})
    else:
        scenario(sid, [req(a, "PUT")], {a: {"preflight": resp(204, MINE + [["Access-Control-Allow-Methods", "PUT"]] + bad),
                                             "actual": resp(200, MINE)}})
for i, value in enumerate([PAGE + "\u0000", "\u0000" + PAGE]):
    sid, n = new("headerbytes")
    a = u(f"http://localhost:{8120 + i}", n, "bytes")
    scenario(sid, [req(a)], {a: {"actual": resp(200, [["Access-Control-Allow-Origin", value]])}})

for s in out:
    sys.stdout.write(json.dumps(s, ensure_ascii=False, separators=(",", ":")) + "\n")
print(f"{len(out)} scenarios", file=sys.stderr)
