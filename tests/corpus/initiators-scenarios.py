#!/usr/bin/env python3
"""Write tests/corpus/initiators.jsonl: scenarios for the initiators other
than fetch() (FORMAT.md, "Extension: initiators other than fetch()"), each
initiator against the key cases: allowed and denied, credentials, what
forces a preflight, and the MIME-type checks that decide whether a script or
stylesheet loads. Not yet recorded: `corsim record` records them.

The page is http://127.0.0.1:8201; the other origin http://127.0.0.1:8202
(and http://127.0.0.1:8203 for redirects). Resources are real: a 1x1 GIF, a
script, a module, a stylesheet, and a 648-byte TrueType font (one box glyph,
built with fontTools' FontBuilder, embedded below).

    python3 tests/corpus/initiators-scenarios.py > tests/corpus/initiators.jsonl
"""

import base64
import json

PAGE = "http://127.0.0.1:8201"
OTHER = "http://127.0.0.1:8202"
THIRD = "http://127.0.0.1:8203"

GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
FONT = base64.b64decode(
    "AAEAAAAKAIAAAwAgT1MvMkVBRFUAAAEoAAAAYGNtYXAADAC0AAABkAAAADRnbHlmTjxOOgAAAcwAAAA0aGVhZC/jwwwAAACsAAAANmhoZWEF"
    "egH2AAAA5AAAACRobXR4ArwAZAAAAYgAAAAGbG9jYQAaAA0AAAHEAAAABm1heHAABAAGAAABCAAAACBuYW1l5qcYlgAAAgAAAABdcG9zdABI"
    "AAAAAAJgAAAAJgABAAAAAQAAQDe57l8PPPUAAwPoAAAAAOc6v7gAAAAA5zq/uABkAAAB9AK8AAAAAwACAAAAAAAAAAEAAAMg/zgAAAJYAGQA"
    "ZAH0AAEAAAAAAAAAAAAAAAAAAAABAAEAAAACAAQAAQAAAAAAAgAAAAAAAAAAAAAAAAAAAAAAAwJYAZAABQAEAAAAAAAAAAAAAAAAAAAAAAAA"
    "AAAAAAAAAAAAAAAAAAAAAAABAAAAAAAAAAAAAAAAPz8/PwAAAGEAYQMg/zgAAAMgAMgAAAAAAAAAAAAAAAAAAAAgAAACWABkAGQAAAAAAAIA"
    "AAADAAAAFAADAAEAAAAUAAQAIAAAAAQABAABAAAAYf//AAAAYf///6AAAQAAAAAAAAANABoAAAABAGQAAAH0ArwAAwAAMxEhEWQBkAK8/UQA"
    "AAEAZAAAAfQCvAADAAAzESERZAGQArz9RAAAAAAEADYAAQAAAAAAAQAGAAAAAQAAAAAAAgAHAAYAAwABBAkAAQAMAA0AAwABBAkAAgAOABlD"
    "b3JzaW1SZWd1bGFyAEMAbwByAHMAaQBtAFIAZQBnAHUAbABhAHIAAAAAAgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAAARAAA"
)
SCRIPT = b"void 0;"
MODULE = b"export {};"
CSS = b"p {}"

KINDS = {
    "img": ("image/gif", GIF),
    "script": ("text/javascript", SCRIPT),
    "module-script": ("text/javascript", MODULE),
    "stylesheet": ("text/css", CSS),
    "font": ("font/ttf", FONT),
}

out = []
counter = [0]


def text(b):
    """Bytes as FORMAT.md's strings: one character per byte."""
    return b.decode("latin-1")


def scenario(cluster, steps_of, server_of):
    counter[0] += 1
    n = counter[0]
    sid = f"ini-{cluster}-{n:04d}"
    url = lambda base, name="a": f"{base}/i/{n:04d}/{name}"
    steps = steps_of(url)
    out.append({"id": sid, "origin": PAGE, "steps": [{"at_ms": 0, "request": s} for s in steps],
                "server": server_of(url)})


def resp(status=200, headers=(), body=None):
    r = {"status": status, "headers": [list(h) for h in headers]}
    if body is not None:
        r["body"] = text(body)
    return r


def cors(kind):
    """The CORS headers a case sends."""
    return {
        "none": [],
        "star": [("Access-Control-Allow-Origin", "*")],
        "origin": [("Access-Control-Allow-Origin", PAGE)],
        "origin-creds": [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Credentials", "true")],
        "mismatch": [("Access-Control-Allow-Origin", "http://127.0.0.1:9999")],
        "star-creds": [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
    }[kind]


# ---------------------------------------------------------------- elements

def element(initiator, crossorigin, acao, base=OTHER, content_type=None, extra=(), status=200, body=None):
    ctype, default_body = KINDS[initiator]
    ctype = content_type or ctype
    body = default_body if body is None else body

    def steps(url):
        r = {"initiator": initiator, "url": url(base)}
        if crossorigin:
            r["crossorigin"] = crossorigin
        return [r]

    def server(url):
        headers = [("Content-Type", ctype)] + list(extra) + cors(acao)
        return {url(base): {"actual": resp(status, headers, body)}}

    scenario(initiator, steps, server)


for initiator in ["img", "script", "stylesheet"]:
    for crossorigin, acao in [
        (None, "none"),
        (None, "star"),
        ("anonymous", "none"),
        ("anonymous", "star"),
        ("anonymous", "origin"),
        ("anonymous", "mismatch"),
        ("use-credentials", "star"),
        ("use-credentials", "origin"),
        ("use-credentials", "origin-creds"),
    ]:
        element(initiator, crossorigin, acao)
    element(initiator, "anonymous", "none", base=PAGE)
    element(initiator, None, "none", status=404)

for crossorigin, acao in [
    (None, "none"),
    (None, "star"),
    (None, "origin"),
    (None, "mismatch"),
    ("anonymous", "star"),
    ("use-credentials", "star"),
    ("use-credentials", "origin"),
    ("use-credentials", "origin-creds"),
]:
    element("module-script", crossorigin, acao)
element("module-script", None, "none", base=PAGE)
element("module-script", None, "star", status=404)

for acao in ["none", "star", "origin", "mismatch", "star-creds"]:
    element("font", None, acao)
element("font", None, "none", base=PAGE)

# MIME types: what decides whether a script or stylesheet is used.
element("script", None, "none", content_type="text/plain")
element("script", None, "none", content_type="text/plain", extra=[("X-Content-Type-Options", "nosniff")])
element("script", None, "none", content_type="image/png")
element("script", None, "none", content_type="text/javascript", extra=[("X-Content-Type-Options", "nosniff")])
element("script", "anonymous", "star", content_type="text/plain", extra=[("X-Content-Type-Options", "nosniff")])
element("script", None, "none", base=PAGE, content_type="text/plain", extra=[("X-Content-Type-Options", "nosniff")])
element("module-script", None, "star", content_type="text/plain")
element("module-script", None, "none", base=PAGE, content_type="text/plain")
element("module-script", None, "star", content_type="application/json")
element("stylesheet", None, "none", content_type="text/plain")
element("stylesheet", "anonymous", "star", content_type="text/plain")
element("stylesheet", None, "none", base=PAGE, content_type="text/plain")
element("stylesheet", None, "none", content_type="text/css", extra=[("X-Content-Type-Options", "nosniff")])

# A redirect to a third origin: the request's origin becomes `null`.
for initiator in ["img", "script"]:
    for acao_to in [[("Access-Control-Allow-Origin", "*")], [("Access-Control-Allow-Origin", PAGE)]]:
        ctype, body = KINDS[initiator]

        def steps(url, initiator=initiator):
            return [{"initiator": initiator, "url": url(OTHER), "crossorigin": "anonymous"}]

        def server(url, acao_to=acao_to, ctype=ctype, body=body):
            return {
                url(OTHER): {"actual": resp(302, [("Location", url(THIRD, "b"))] + cors("star"))},
                url(THIRD, "b"): {"actual": resp(200, [("Content-Type", ctype)] + acao_to, body)},
            }

        scenario(initiator + "-redirect", steps, server)

# ---------------------------------------------------------------- XHR

def xhr(method="GET", headers=(), credentials=None, body=None, upload_listener=False, base=OTHER,
        preflight=None, actual=(("Access-Control-Allow-Origin", "*"),), status=200):
    def steps(url):
        r = {"initiator": "xhr", "url": url(base), "method": method, "headers": [list(h) for h in headers]}
        if credentials:
            r["credentials"] = credentials
        if body is not None:
            r["body"] = body
        if upload_listener:
            r["upload_listener"] = True
        return [r]

    def server(url):
        s = {"actual": resp(status, [("Content-Type", "text/plain")] + list(actual), b"ok")}
        if preflight is not None:
            s["preflight"] = resp(204, preflight)
        return {url(base): s}

    scenario("xhr", steps, server)


PRE_OK = [("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "GET, POST, PUT"),
          ("Access-Control-Allow-Headers", "content-type, x-trace")]
xhr(actual=[])
xhr()
xhr(actual=cors("origin"))
xhr(actual=cors("mismatch"))
xhr(actual=[("Access-Control-Allow-Origin", "*"), ("X-Total", "7"), ("Access-Control-Expose-Headers", "X-Total")])
xhr(credentials="include")
xhr(credentials="include", actual=cors("origin"))
xhr(credentials="include", actual=cors("origin-creds"))
xhr(credentials="include", actual=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Credentials", "false")])
xhr(base=PAGE, actual=[])
xhr(status=404)
xhr(method="POST", body="a=1")
xhr(method="POST", body="a=1", actual=[])
xhr(method="POST", body="a=1", upload_listener=True, preflight=PRE_OK, actual=cors("origin"))
xhr(method="POST", body="a=1", upload_listener=True, preflight=[], actual=cors("origin"))
xhr(method="POST", body="a=1", upload_listener=True, preflight=[("Access-Control-Allow-Origin", PAGE)], actual=cors("origin"))
xhr(method="GET", upload_listener=True, preflight=PRE_OK, actual=cors("origin"))
xhr(method="POST", body="a=1", upload_listener=True, base=PAGE, actual=[])
xhr(method="PUT", body="{}", headers=[("Content-Type", "application/json")], preflight=PRE_OK, actual=cors("origin"))
xhr(method="PUT", body="{}", headers=[("Content-Type", "application/json")], preflight=[("Access-Control-Allow-Origin", PAGE)], actual=cors("origin"))
xhr(method="POST", body="{}", headers=[("Content-Type", "application/json")], preflight=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "POST")], actual=cors("origin"))
xhr(method="DELETE", preflight=[("Access-Control-Allow-Origin", PAGE)], actual=cors("origin"))
xhr(method="DELETE", preflight=[], actual=cors("origin"))
xhr(headers=[("Authorization", "Bearer x")], preflight=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Headers", "*")])
xhr(headers=[("Authorization", "Bearer x")], preflight=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Headers", "authorization")], actual=cors("origin"))
xhr(headers=[("X-Trace", "1")], credentials="include", preflight=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Headers", "x-trace")], actual=cors("origin-creds"))
xhr(headers=[("X-Trace", "1")], credentials="include", preflight=PRE_OK + [("Access-Control-Allow-Credentials", "true")], actual=cors("origin-creds"))
xhr(headers=[("Cookie", "a=b")])
xhr(headers=[("Cookie", "a=b"), ("X-Trace", "1")], preflight=PRE_OK, actual=cors("origin"))


def xhr_redirect(to_acao):
    def steps(url):
        return [{"initiator": "xhr", "url": url(OTHER), "method": "GET", "headers": []}]

    def server(url):
        return {
            url(OTHER): {"actual": resp(302, [("Location", url(THIRD, "b"))] + cors("star"))},
            url(THIRD, "b"): {"actual": resp(200, [("Content-Type", "text/plain")] + to_acao, b"ok")},
        }

    scenario("xhr-redirect", steps, server)


xhr_redirect(cors("star"))
xhr_redirect(cors("origin"))
xhr_redirect([("Access-Control-Allow-Origin", "null")])

# ---------------------------------------------------------------- beacon

def beacon(content_type=None, body=None, preflight=None, actual=(), base=OTHER):
    def steps(url):
        r = {"initiator": "beacon", "url": url(base), "method": "POST", "headers": []}
        if content_type:
            r["headers"] = [["Content-Type", content_type]]
        if body is not None:
            r["body"] = body
        return [r]

    def server(url):
        s = {"actual": resp(204, list(actual))}
        if preflight is not None:
            s["preflight"] = resp(204, preflight)
        return {url(base): s}

    scenario("beacon", steps, server)


beacon(body="a=1")
beacon()
beacon(body="a=1", actual=cors("star"))
beacon(content_type="text/plain", body="a=1")
beacon(content_type="application/x-www-form-urlencoded", body="a=1")
beacon(content_type="application/json", body="{}", preflight=[])
beacon(content_type="application/json", body="{}", preflight=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Headers", "content-type")], actual=cors("origin-creds"))
beacon(content_type="application/json", body="{}", preflight=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Headers", "content-type")], actual=cors("star"))
beacon(content_type="application/json", body="{}", base=PAGE)

# ---------------------------------------------------------------- keepalive


def keepalive(method="GET", headers=(), body=None, preflight=None, actual=cors("star")):
    def steps(url):
        r = {"url": url(OTHER), "method": method, "headers": [list(h) for h in headers], "keepalive": True}
        if body is not None:
            r["body"] = body
        return [r]

    def server(url):
        s = {"actual": resp(200, list(actual))}
        if preflight is not None:
            s["preflight"] = resp(204, preflight)
        return {url(OTHER): s}

    scenario("keepalive", steps, server)


keepalive()
keepalive(actual=[])
keepalive(method="POST", body="a=1")
keepalive(method="POST", body="{}", headers=[("Content-Type", "application/json")], preflight=PRE_OK, actual=cors("origin"))
keepalive(method="POST", body="{}", headers=[("Content-Type", "application/json")], preflight=[], actual=cors("origin"))

# ---------------------------------------------------------------- round 2
# Written after the rules above were in the engine, to test them on cases
# they were not fitted to: more MIME types, statuses, redirects and types.

element("img", None, "none", content_type="text/html", extra=[("X-Content-Type-Options", "nosniff")])
element("img", None, "none", content_type="application/json")
element("img", "anonymous", "star", status=404)
element("script", None, "none", content_type="text/html")
element("script", None, "none", content_type="application/json", extra=[("X-Content-Type-Options", "nosniff")])
element("script", None, "none", content_type="text/csv")
element("script", None, "none", content_type="audio/mpeg")
element("script", "anonymous", "star", status=500)
element("script", None, "none", content_type="application/x-javascript", extra=[("X-Content-Type-Options", "nosniff")])
element("module-script", None, "star", content_type="text/javascript; charset=utf-8")
element("module-script", "anonymous", "star", content_type="text/plain", extra=[("X-Content-Type-Options", "nosniff")])
element("stylesheet", None, "none", content_type="text/css; charset=utf-8")
element("stylesheet", "anonymous", "star", content_type="text/plain", extra=[("X-Content-Type-Options", "nosniff")])
element("stylesheet", "use-credentials", "star")
element("font", None, "star", status=404)
element("font", None, "origin-creds")
element("font", None, "none", content_type="application/octet-stream")

for initiator, acao_to in [("module-script", cors("star")), ("font", cors("star")), ("font", cors("origin")),
                           ("stylesheet", cors("origin"))]:
    ctype, body = KINDS[initiator]

    def steps(url, initiator=initiator):
        r = {"initiator": initiator, "url": url(OTHER)}
        if initiator == "stylesheet":
            r["crossorigin"] = "anonymous"
        return [r]

    def server(url, acao_to=acao_to, ctype=ctype, body=body):
        return {
            url(OTHER): {"actual": resp(302, [("Location", url(THIRD, "b"))] + cors("star"))},
            url(THIRD, "b"): {"actual": resp(200, [("Content-Type", ctype)] + acao_to, body)},
        }

    scenario(initiator + "-redirect", steps, server)

xhr(method="POST", body="a=1", headers=[("Content-Type", "text/plain;charset=utf-8")])
xhr(method="patch", body="{}", preflight=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Methods", "PATCH")], actual=cors("origin"))
xhr(method="PUT", body="a", upload_listener=True, preflight=PRE_OK, actual=cors("origin"))
xhr(credentials="include", actual=cors("origin-creds") + [("X-Total", "7"), ("Access-Control-Expose-Headers", "*")])
xhr(actual=[("Access-Control-Allow-Origin", "*"), ("X-Total", "7"), ("Access-Control-Expose-Headers", "*")])
xhr(status=204)
xhr(headers=[("X-Trace", "1")], preflight=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Headers", "x-trace")], actual=[])
beacon(content_type="multipart/form-data", body="a")
beacon(content_type="text/plain;charset=UTF-8", body="a=1")
beacon(content_type="application/json", body="{}", preflight=[("Access-Control-Allow-Origin", PAGE), ("Access-Control-Allow-Credentials", "true"), ("Access-Control-Allow-Headers", "content-type")], actual=[])
keepalive(method="POST", body="a=1", actual=[])
keepalive(headers=[("X-Trace", "1")], preflight=[("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Headers", "x-trace")], actual=cors("star"))

for s in out:
    print(json.dumps(s, ensure_ascii=True, separators=(",", ":")))
