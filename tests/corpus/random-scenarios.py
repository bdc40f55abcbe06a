#!/usr/bin/env python3
"""Write tests/corpus/random.jsonl: random CORS scenarios in FORMAT.md's
shape, for a differential run against real browsers on cases nobody chose:
methods, request headers, mode, credentials and redirect mode, and the
servers' CORS headers (Access-Control-Allow-Origin variants, credentials,
method and header lists, max-age, expose lists, redirects). Seeded, so the
same arguments write the same file.

The page is http://127.0.0.1:8001, the server http://127.0.0.1:8002.

    python3 tests/corpus/random-scenarios.py 300 11 > tests/corpus/random.jsonl
"""
import json, random, sys

rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 7)
N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
PAGE = "http://127.0.0.1:8001"
API = "http://127.0.0.1:8002"

def pick(*xs):
    return rng.choice(xs)

def maybe(p=0.5):
    return rng.random() < p

REQ_HEADERS = [
    ["Content-Type", "text/plain"], ["Content-Type", "application/json"],
    ["Content-Type", "multipart/form-data; boundary=x"], ["Content-Type", "text/plain; charset=utf-8"],
    ["Content-Type", "application/x-www-form-urlencoded"], ["Content-Type", "text/plain;\"x"],
    ["Accept", "*/*"], ["Accept", "application/json, text/\x01"], ["Accept-Language", "de-DE"],
    ["Content-Language", "en"], ["Content-Language", "en;q=1"], ["X-Custom", "1"], ["X-Trace", "abc"],
    ["Range", "bytes=0-10"], ["Range", "bytes=0-10,20-30"], ["Authorization", "Bearer t"],
    ["Cookie", "a=b"], ["Cache-Control", "no-cache"], ["X-Long", "a" * 200],
]

def acao(good):
    return pick(good, good, good, "*", "*", "null", good + "/", good.upper().replace("HTTP://", "http://"),
                good + ", " + good, "", " " + good)

def cors_headers(kind, creds_page):
    h = []
    if maybe(0.85):
        h.append(["Access-Control-Allow-Origin", acao(PAGE)])
        if maybe(0.1):
            h.append(["Access-Control-Allow-Origin", acao(PAGE)])
    if maybe(0.4):
        h.append(["Access-Control-Allow-Credentials", pick("true", "true", "TRUE", "false", "")])
    if kind == "preflight":
        if maybe(0.7):
            h.append(["Access-Control-Allow-Methods", pick("PUT", "put", "*", "GET, POST", "PUT,DELETE", "PATCH", "patch", "PUT, PATCH, DELETE", "FOO", "")])
        if maybe(0.6):
            h.append(["Access-Control-Allow-Headers", pick("*", "x-custom", "X-Custom, content-type", "authorization", "x-trace,x-custom,content-type", "content-type", "*, authorization", "range", "x-long")])
        if maybe(0.3):
            h.append(["Access-Control-Max-Age", pick("0", "5", "-1", "abc", "600", "5.5")])
    else:
        if maybe(0.4):
            h.append(["Access-Control-Expose-Headers", pick("X-Custom", "*", "x-custom, x-other", "content-type", "X-Custom,*")])
        if maybe(0.6):
            h.append(["X-Custom", "v"])
        if maybe(0.3):
            h.append(["Content-Type", pick("text/plain", "application/json", "text/html")])
    rng.shuffle(h)
    return h

def response(kind, url, scen_base):
    status = pick(200, 200, 204, 200, 403, 500, 201) if kind == "preflight" else pick(200, 200, 200, 204, 404, 500)
    r = {"status": status, "headers": cors_headers(kind, True)}
    if kind == "actual" and maybe(0.15):
        r["status"] = pick(301, 302, 303, 307, 308)
        r["headers"].append(["Location", pick(scen_base + "/b", scen_base + "/b", PAGE + scen_base[len(API):] + "/c", "data:text/plain,hi", "/x/" + scen_base[len(API):] + "/rel", "http://user:pw@127.0.0.1:8002" + scen_base[len(API):] + "/b")])
    return r

def scenario(i):
    sid = f"{i:06d}"
    base = f"{API}/r/{sid}"
    same = maybe(0.08)
    url = (PAGE if same else API) + f"/r/{sid}/a"
    method = pick("GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "PATCH", "patch", "put", "FOO", "OPTIONS")
    headers = rng.sample(REQ_HEADERS, pick(0, 0, 1, 1, 2, 3))
    if method in ("GET", "HEAD"):
        headers = [h for h in headers if h[0] != "Content-Type"] if maybe(0.5) else headers
    req = {"url": url, "method": method, "headers": headers,
           "mode": pick("cors", "cors", "cors", "no-cors", "same-origin"),
           "credentials": pick("same-origin", "same-origin", "include", "omit"),
           "redirect": pick("follow", "follow", "follow", "error", "manual")}
    steps = [{"at_ms": 0, "request": req}]
    if maybe(0.25):
        r2 = dict(req)
        if maybe(0.5):
            r2["headers"] = rng.sample(REQ_HEADERS, pick(0, 1, 2))
            r2["method"] = pick("PUT", "DELETE", "GET", "POST")
        steps.append({"at_ms": pick(100, 1000, 6500), "request": r2})
    server = {}
    key = url
    server[key] = {}
    if maybe(0.9):
        server[key]["preflight"] = response("preflight", key, base)
    server[key]["actual"] = response("actual", key, base)
    # redirect targets
    for loc in [h[1] for h in server[key]["actual"]["headers"] if h[0] == "Location"]:
        if loc.startswith("http"):
            tgt = loc.replace("user:pw@", "")
            server[tgt] = {"preflight": response("preflight", tgt, base), "actual": {"status": 200, "headers": cors_headers("actual", True)}}
    return {"id": f"rnd-{pick('mix')}-{sid}", "origin": PAGE, "steps": steps, "server": server}

for i in range(N):
    print(json.dumps(scenario(i + 1)))
