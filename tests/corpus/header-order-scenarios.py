#!/usr/bin/env python3
"""Write tests/corpus/header-order.jsonl: preflights that refuse two or more
of a request's headers, in different orders, so the recordings show which
header each browser names (the first it finds refused, in its own order).
Every preflight allows the origin with `*` and lists at most one header;
no credentials.

The page is http://127.0.0.1:8001, the server http://127.0.0.1:8002.

    python3 tests/corpus/header-order-scenarios.py > tests/corpus/header-order.jsonl
"""

import json

PAGE = "http://127.0.0.1:8001"
API = "http://127.0.0.1:8002"

HEADERS = {
    "ct": ["Content-Type", "application/json"],
    "range": ["Range", "bytes=0-10,20-30"],
    "xa": ["X-Alpha", "1"],
    "xm": ["X-Middle", "1"],
    "xz": ["X-Zulu", "1"],
    "xc": ["X-Custom", "1"],
    "acc": ["Accept", "text/\x01"],
    "cl": ["Content-Language", "en;q=1"],
    "auth": ["Authorization", "Bearer t"],
    "cc": ["Cache-Control", "no-cache"],
    "xrw": ["X-Requested-With", "x"],
    "xrw-lower": ["x-requested-with", "x"],
    "lower": ["x-lower", "1"],
    "upper": ["X-UPPER", "1"],
    "priority": ["Priority", "u=1"],
    "priority-lower": ["priority", "u=1"],
    "ping-from": ["Ping-From", "x"],
    "purpose": ["Purpose", "prefetch"],
    "pragma": ["Pragma", "no-cache"],
    "content-location": ["Content-Location", "/x"],
    "if-match": ["If-Match", "x"],
}

# (the request's headers in the page's order, Access-Control-Allow-Headers)
CASES = [
    (("ct", "range"), None), (("range", "ct"), None),
    (("xa", "xz"), None), (("xz", "xa"), None),
    (("ct", "xc"), None), (("xc", "ct"), None),
    (("range", "xc"), None), (("xc", "range"), None),
    (("acc", "range"), None), (("range", "acc"), None),
    (("cl", "ct"), None), (("ct", "cl"), None),
    (("xz", "xm", "xa"), None), (("xa", "xm", "xz"), None),
    (("acc", "ct", "cl", "range", "xc"), None),
    (("acc", "auth"), None), (("auth", "acc"), None),
    (("auth", "xc"), None), (("xc", "auth"), None),
    (("xz", "auth"), "*"), (("auth", "xz"), "x-zulu"),
    (("cc", "xc"), None), (("xc", "cc"), None),
    (("xrw", "xa"), None), (("xa", "xrw"), None),
    (("upper", "lower"), None), (("lower", "upper"), None),
    (("xz", "xa", "ct", "range"), "x-alpha"),
]
# Which names WebKit knows (checks before the others): X-Alpha first, then one.
for name in ["priority", "ping-from", "purpose", "xrw", "pragma", "content-location", "if-match", "xrw-lower", "priority-lower"]:
    CASES.append((("xa", name), None))

for n, (names, allow_headers) in enumerate(CASES, 1):
    url = f"{API}/order/{n:03d}"
    preflight = [["Access-Control-Allow-Origin", "*"]]
    if allow_headers:
        preflight.append(["Access-Control-Allow-Headers", allow_headers])
    print(json.dumps({
        "id": f"ord-refused-{n:03d}-{'-'.join(names)}",
        "origin": PAGE,
        "steps": [{"at_ms": 0, "request": {
            "url": url, "method": "GET", "headers": [HEADERS[k] for k in names],
            "mode": "cors", "credentials": "omit", "redirect": "follow"}}],
        "server": {url: {
            "preflight": {"status": 204, "headers": preflight},
            "actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}}},
    }))
