#!/usr/bin/env python3
"""Write tests/corpus/checks.jsonl: scenarios for the checks a fetch() passes
through around CORS (FORMAT.md, `page`), each on ports of its own:

- bad ports 6000, 25, 6667, 10080, 4190 and 6679 (the last two: Chromium
  allows them), in modes cors and no-cors, and a redirect to a bad port;
- the schemes fetch() handles itself or refuses: data: (valid and not),
  about:blank, blob: with no blob, ftp:, file:, in all three modes, and a
  redirect to data:;
- Cross-Origin-Resource-Policy on no-cors responses (same-origin, same-site,
  cross-origin, a list, upper case; on a redirect and on its target), and
  pages with Cross-Origin-Embedder-Policy require-corp and credentialless;
- mixed content from an https: page (a host name, loopback, an https:
  target, a redirect, with a bad port, data:);
- Local Network Access from a page counted public (to loopback and to a
  port counted local) in each permission state, from a page counted local,
  through a redirect, and from a page that is not a secure context;
- opaque-response blocking of no-cors responses to fetch(), <img> and
  <script>: the safelisted and never-sniffed types, nosniff, 206 and error
  statuses, responses without a type, and bodies that sniff as JSON, HTML,
  XML, JavaScript or an image;
- pages with Cross-Origin-Embedder-Policy credentialless and require-corp
  fetching from another site, by fetch() and <img>, with and without CORP;
- fetch()'s targetAddressSpace option from an https: page to http: on a
  port counted local (each permission), declared wrong (mismatch), to a
  public target, from a page that is not a secure context, and to https:.

Usage: python3 tests/corpus/checks-scenarios.py > tests/corpus/checks.jsonl
Then: corsim record --browser B tests/corpus/checks.jsonl > tests/corpus/checks-B-VERSION.jsonl
"""
import json
out=[]
def req(url, mode="cors", method="GET", headers=None, credentials="same-origin", redirect="follow"):
    return {"url":url,"method":method,"headers":headers or [],"mode":mode,"credentials":credentials,"redirect":redirect}
def sc(id, origin, steps, server, page=None):
    d={"id":id,"origin":origin}
    if page: d["page"]=page
    d["steps"]=[{"at_ms":i*10,"request":r} for i,r in enumerate(steps)]
    d["server"]=server
    out.append(d)
def ok(*extra): return {"actual":{"status":200,"headers":[["Access-Control-Allow-Origin","*"],*extra]}}
def redirect(to, *extra): return {"actual":{"status":302,"headers":[["Location",to],["Access-Control-Allow-Origin","*"],*extra]}}

# Bad ports: page 8301.
P="http://127.0.0.1:8301"
for port in [6000, 25, 6667, 10080, 4190, 6679]:
    u=f"http://127.0.0.1:{port}/gate/bad-port"
    sc(f"gate-bad-port-{port}", P, [req(u), req(u, mode="no-cors")], {u: ok()})
u="http://127.0.0.1:8302/gate/bad-port-redirect"; t="http://127.0.0.1:6000/gate/bad-port-redirect-target"
sc("gate-bad-port-redirect", P, [req(u), req(u, mode="no-cors")], {u: redirect(t), t: ok()})
u="https://127.0.0.1:6443/gate/bad-port-https"
sc("gate-https-target", P, [req(u)], {u: ok()})

# Schemes: page 8311.
P="http://127.0.0.1:8311"
for name, url in [("data", "data:,Hello"), ("data-base64", "data:application/json;base64,e30="), ("data-invalid-base64", "data:text/plain;base64,%%%"),
                  ("about-blank", "about:blank"), ("blob-unknown", "blob:http://127.0.0.1:8311/00000000-0000-4000-8000-000000000000"),
                  ("ftp", "ftp://127.0.0.1:8312/gate/x"), ("file", "file:///etc/hosts")]:
    sc(f"gate-scheme-{name}", P, [req(url), req(url, mode="no-cors"), req(url, mode="same-origin")], {})
u="http://127.0.0.1:8313/gate/redirect-to-data"
sc("gate-scheme-redirect-to-data", P, [req(u), req(u, mode="no-cors")], {u: redirect("data:,Hello")})

# CORP: page 8321, cross-origin targets on 8322 (same host), localhost:8322 (another site).
P="http://127.0.0.1:8321"
for value in ["same-origin", "same-site", "cross-origin", "same-origin, same-site", "SAME-ORIGIN"]:
    slug=value.replace(", ","-and-").lower() + ("-upper" if value.isupper() else "")
    u=f"http://127.0.0.1:8322/gate/corp-{slug}"; l=f"http://localhost:8322/gate/corp-{slug}"
    sc(f"gate-corp-{slug}", P, [req(u, mode="no-cors"), req(l, mode="no-cors"), req(u)],
       {u: ok(["Cross-Origin-Resource-Policy", value]), l: ok(["Cross-Origin-Resource-Policy", value])})
u=f"{P}/gate/corp-same-origin-own"
sc("gate-corp-same-origin-own-origin", P, [req(u, mode="no-cors"), req(u, mode="same-origin")], {u: {"actual":{"status":200,"headers":[["Cross-Origin-Resource-Policy","same-origin"]]}}})
u="http://127.0.0.1:8322/gate/corp-redirect"; t="http://127.0.0.1:8322/gate/corp-redirect-target"
sc("gate-corp-on-redirect", P, [req(u, mode="no-cors")], {u: redirect(t, ["Cross-Origin-Resource-Policy", "same-origin"]), t: ok()})
u="http://127.0.0.1:8322/gate/corp-redirect-2"; t="http://127.0.0.1:8322/gate/corp-redirect-2-target"
sc("gate-corp-on-redirect-target", P, [req(u, mode="no-cors")], {u: redirect(t), t: ok(["Cross-Origin-Resource-Policy", "same-origin"])})
# COEP pages.
for coep, port in [("require-corp", 8323), ("credentialless", 8325)]:
    P=f"http://127.0.0.1:{port}"
    page={"url": f"{P}/gate/coep-{coep}", "coep": coep}
    bare=f"http://127.0.0.1:{port+1}/gate/coep-{coep}-none"
    xo=f"http://127.0.0.1:{port+1}/gate/coep-{coep}-cross-origin"
    so=f"http://127.0.0.1:{port+1}/gate/coep-{coep}-same-origin"
    sc(f"gate-coep-{coep}", P,
       [req(bare, mode="no-cors"), req(bare, mode="no-cors", credentials="include"), req(bare, mode="no-cors", credentials="omit"),
        req(xo, mode="no-cors"), req(so, mode="no-cors"), req(bare)],
       {bare: ok(), xo: ok(["Cross-Origin-Resource-Policy","cross-origin"]), so: ok(["Cross-Origin-Resource-Policy","same-origin"])}, page)

# Mixed content: https page on 8331.
P="https://127.0.0.1:8331"
api="http://api.test:8332/gate/mixed"
lo="http://127.0.0.1:8332/gate/mixed-loopback"
lh="http://localhost:8332/gate/mixed-localhost"
sec="https://127.0.0.1:8333/gate/mixed-https"
sc("gate-mixed-content-http-host", P, [req(api), req(api, mode="no-cors")], {api: ok()})
sc("gate-mixed-content-loopback", P, [req(lo), req(lo, mode="no-cors"), req(lh)], {lo: ok(), lh: ok()})
sc("gate-mixed-content-https-target", P, [req(sec), req(sec, mode="no-cors")], {sec: ok()})
r="https://127.0.0.1:8333/gate/mixed-redirect"; t="http://api.test:8332/gate/mixed-redirect-target"
sc("gate-mixed-content-redirect", P, [req(r), req(r, mode="no-cors")], {r: redirect(t), t: ok()})
bp="http://api.test:6000/gate/mixed-bad-port"
sc("gate-mixed-content-and-bad-port", P, [req(bp)], {bp: ok()})
sc("gate-mixed-content-data", P, [req("data:,Hello")], {})

# Local Network Access: page 8341 counted public; 8342 loopback; 8343 counted local; 8344 a page counted local.
for perm in ["granted", "denied", "prompt"]:
    lb=f"http://127.0.0.1:8342/gate/lna-public-to-loopback-{perm}"
    loc=f"http://127.0.0.1:8343/gate/lna-public-to-local-{perm}"
    sc(f"gate-lna-public-to-loopback-{perm}", "http://127.0.0.1:8341", [req(lb), req(lb, mode="no-cors"),
        req(lb, method="PUT")],
       {lb: {"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","*"],["Access-Control-Allow-Methods","PUT"]]}, **ok()}},
       {"address_space":"public","local_network_access":perm})
    sc(f"gate-lna-public-to-local-{perm}", "http://127.0.0.1:8341", [req(loc), req(loc, mode="no-cors")], {loc: ok()},
       {"address_space":"public","local_network_access":perm,"address_spaces":{"127.0.0.1:8343":"local"}})
for perm in ["granted", "denied"]:
    lb=f"http://127.0.0.1:8342/gate/lna-local-to-loopback-{perm}"
    sc(f"gate-lna-local-to-loopback-{perm}", "http://127.0.0.1:8344", [req(lb), req(lb, mode="no-cors")], {lb: ok()},
       {"address_space":"local","local_network_access":perm})
pb="http://127.0.0.1:8345/gate/lna-public-target"
sc("gate-lna-public-to-public", "http://127.0.0.1:8341", [req(pb)], {pb: ok()},
   {"address_space":"public","local_network_access":"denied","address_spaces":{"127.0.0.1:8345":"public"}})
r="http://127.0.0.1:8345/gate/lna-redirect"; t="http://127.0.0.1:8342/gate/lna-redirect-target"
sc("gate-lna-redirect-to-loopback", "http://127.0.0.1:8341", [req(r), req(r, mode="no-cors")], {r: redirect(t), t: ok()},
   {"address_space":"public","local_network_access":"denied","address_spaces":{"127.0.0.1:8345":"public"}})
lb="http://127.0.0.1:8342/gate/lna-insecure-context"
sc("gate-lna-insecure-context", "http://pub.test:8346", [req(lb), req(lb, mode="no-cors")], {lb: ok()},
   {"address_space":"public"})

# Further cases: a bad port over TLS; data: with another method; CORP
# same-site between host names; credentials under require-corp; Local
# Network Access from an https: page; a same-origin redirect to loopback
# http: from an https: page.
u="https://127.0.0.1:6667/gate/bad-port-tls"
sc("gate-bad-port-tls", "http://127.0.0.1:8351", [req(u), req(u, mode="no-cors")], {u: ok()})
sc("gate-scheme-data-post", "http://127.0.0.1:8352", [req("data:,Hello", method="POST"), req("data:,Hello", mode="no-cors", method="POST"),
   req("data:,Hello", method="PUT")], {})
P="http://a.site.test:8353"
same=f"http://b.site.test:8354/gate/corp-same-site-names"; other=f"http://other.test:8354/gate/corp-same-site-names"
sc("gate-corp-same-site-names", P, [req(same, mode="no-cors"), req(other, mode="no-cors")],
   {same: ok(["Cross-Origin-Resource-Policy", "same-site"]), other: ok(["Cross-Origin-Resource-Policy", "same-site"])})
P="http://127.0.0.1:8355"
xo="http://127.0.0.1:8356/gate/coep-credentials-cross-origin"; ac="http://127.0.0.1:8356/gate/coep-credentials-cors"
sc("gate-coep-require-corp-credentials", P, [req(xo, mode="no-cors", credentials="include"), req(ac, credentials="include")],
   {xo: ok(["Cross-Origin-Resource-Policy", "cross-origin"]),
    ac: {"actual": {"status": 200, "headers": [["Access-Control-Allow-Origin", P], ["Access-Control-Allow-Credentials", "true"]]}}},
   {"url": f"{P}/gate/coep-require-corp-credentials", "coep": "require-corp"})
for perm in ["granted", "denied"]:
    t=f"http://127.0.0.1:8342/gate/lna-https-page-{perm}"
    sc(f"gate-lna-https-page-{perm}", "https://127.0.0.1:8357", [req(t), req(t, mode="no-cors")], {t: ok()},
       {"address_space": "public", "local_network_access": perm})
P="https://127.0.0.1:8358"
r=f"{P}/gate/mixed-same-origin-redirect"; t="http://127.0.0.1:8359/gate/mixed-same-origin-redirect-target"
sc("gate-mixed-content-same-origin-redirect-to-loopback", P, [req(r), req(r, mode="no-cors")], {r: redirect(t), t: ok()})

# Opaque-response blocking (ORB): page 8361; the other origin 8362 answers
# no-cors requests from fetch(), <img> and <script> with a type, a body, a
# status and nosniff chosen to reach each step of the algorithm (the type's
# lists, nosniff, 206, the status, and the sniffing of the body).
P="http://127.0.0.1:8361"; O="http://127.0.0.1:8362"
GIF="GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
BODY={"json":'{"a":1}',"array":"[1]","html":"<!DOCTYPE html><html><body>x</body></html>","xml":'<?xml version="1.0"?><a/>',
      "js":"void 0;","breaker":")]}'\n{\"a\":1}","gif":GIF,"empty":""}
def orb(group, cases, initiator="fetch"):
    steps=[]; server={}
    for i,(ctype, body, nosniff, status) in enumerate(cases):
        u=f"{O}/gate/orb-{group}-{i}"
        headers=([["Content-Type",ctype]] if ctype else [])+([["X-Content-Type-Options","nosniff"]] if nosniff else [])
        server[u]={"actual":{"status":status,"headers":headers,"body":BODY[body]}}
        steps.append(req(u, mode="no-cors") if initiator=="fetch" else {"initiator":initiator,"url":u})
    sc(f"gate-orb-{group}", P, steps, server)
orb("fetch-types", [("application/json","json",0,200), ("text/html","html",0,200), ("application/xml","xml",0,200),
    ("text/plain","json",0,200), ("text/plain","js",0,200), ("text/html","js",0,200), ("application/json","js",0,200),
    ("application/json","array",0,200), ("text/plain","breaker",0,200), ("application/json","empty",0,200)])
orb("fetch-lists", [("text/csv","js",0,200), ("application/pdf","js",0,200), ("application/zip","js",0,200),
    ("text/javascript","json",0,200), ("text/css","html",0,200), ("image/svg+xml","html",0,200),
    ("image/png","html",0,200), ("image/png","gif",0,200), ("audio/mpeg","js",0,200), ("video/mp4","js",0,200)])
orb("fetch-untyped", [(None,"json",0,200), (None,"js",0,200), (None,"html",0,200), ("application/octet-stream","json",0,200),
    ("application/octet-stream","js",0,200), (None,"gif",0,200)])
orb("fetch-nosniff", [("text/plain","js",1,200), ("application/json","js",1,200), ("text/html","gif",1,200),
    ("text/javascript","js",1,200), ("image/png","gif",1,200), ("application/octet-stream","js",1,200), (None,"gif",1,200)])
orb("fetch-status", [("text/plain","js",0,206), ("application/json","json",0,206), ("text/html","js",0,206),
    ("text/html","html",0,404), (None,"js",0,404), ("text/javascript","js",0,404), ("application/json","json",0,500), ("image/gif","gif",0,404)])
orb("img", [("image/gif","gif",0,200), ("application/json","json",0,200), ("text/html","html",0,200), ("text/csv","gif",0,200),
    ("application/pdf","gif",0,200), ("text/plain","gif",0,200), (None,"gif",0,200), ("image/png","html",0,200)], "img")
orb("script", [("application/pdf","js",0,200), ("application/json","array",0,200), ("text/plain","js",0,200),
    ("text/html","js",0,200), ("application/octet-stream","js",0,200), (None,"js",0,200), ("text/plain","js",0,206),
    ("application/zip","js",0,200)], "script")
u=f"{P}/gate/orb-same-origin"
sc("gate-orb-same-origin", P, [req(u, mode="no-cors")], {u: {"actual":{"status":200,"headers":[["Content-Type","application/json"]],"body":BODY["json"]}}})

# COEP credentialless across sites: page 8371 (127.0.0.1), targets on
# localhost:8372 (another site) and 127.0.0.1:8372, fetch() and <img>, with
# and without CORP, credentials asked for; the same from a require-corp page
# on 8373 for contrast.
for coep, port in [("credentialless", 8371), ("require-corp", 8373)]:
    P=f"http://127.0.0.1:{port}"
    page={"url": f"{P}/gate/coep-{coep}-sites", "coep": coep}
    t=lambda host, name: f"http://{host}:{port+1}/gate/coep-{coep}-sites-{name}"
    bare=t("localhost","none"); so=t("localhost","same-origin"); ss=t("localhost","same-site"); ss_ip=t("127.0.0.1","same-site")
    img=t("localhost","img"); img_corp=t("localhost","img-corp")
    gif={"status":200,"headers":[["Content-Type","image/gif"]],"body":GIF}
    sc(f"gate-coep-{coep}-sites", P,
       [req(bare, mode="no-cors", credentials="include"), req(bare, mode="no-cors", credentials="omit"),
        req(so, mode="no-cors", credentials="include"), req(ss, mode="no-cors", credentials="include"), req(ss_ip, mode="no-cors"),
        {"initiator":"img","url":img}, {"initiator":"img","url":img_corp}],
       {bare: ok(), so: ok(["Cross-Origin-Resource-Policy","same-origin"]), ss: ok(["Cross-Origin-Resource-Policy","same-site"]),
        ss_ip: ok(["Cross-Origin-Resource-Policy","same-site"]),
        img: {"actual": gif}, img_corp: {"actual": {**gif, "headers": gif["headers"]+[["Cross-Origin-Resource-Policy","cross-origin"]]}}}, page)

# fetch()'s targetAddressSpace option: an https: page counted public
# (8381) fetching http: from a host name (so mixed content applies) on a
# port counted local (8382) or loopback (8383, not overridden), or counted
# public (8385); the option given from a page that is not a secure context
# (8384), and to an https: target.
P="https://127.0.0.1:8381"
for perm in ["granted", "denied"]:
    lan=f"http://lan.test:8382/gate/tas-local-{perm}"
    sc(f"gate-lna-target-address-space-local-{perm}", P,
       [req(lan), {**req(lan), "target_address_space": "local"}, {**req(lan, mode="no-cors"), "target_address_space": "local"},
        {**req(lan, method="PUT"), "target_address_space": "local"}],
       {lan: {"preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Methods", "PUT"]]}, **ok()}},
       {"address_space": "public", "local_network_access": perm, "address_spaces": {"lan.test:8382": "local"}})
lo="http://lo.test:8383/gate/tas-mismatch-loopback"; lan="http://lan.test:8382/gate/tas-mismatch-local"
sc("gate-lna-target-address-space-mismatch", P,
   [{**req(lo), "target_address_space": "local"}, {**req(lo, mode="no-cors"), "target_address_space": "local"},
    {**req(lo), "target_address_space": "loopback"}, {**req(lan), "target_address_space": "loopback"}],
   {lo: ok(), lan: ok()},
   {"address_space": "public", "local_network_access": "granted", "address_spaces": {"lan.test:8382": "local", "lo.test:8383": "loopback"}})
pub="http://pub.test:8385/gate/tas-public"
sc("gate-lna-target-address-space-public-target", P,
   [{**req(pub), "target_address_space": "public"}, {**req(pub), "target_address_space": "local"}],
   {pub: ok()},
   {"address_space": "public", "local_network_access": "granted", "address_spaces": {"pub.test:8385": "public"}})
lan="http://lan.test:8382/gate/tas-insecure-page"
lo="http://lo.test:8383/gate/tas-insecure-page"
sc("gate-lna-target-address-space-insecure-page", "http://pub.test:8384",
   [{**req(lan), "target_address_space": "local"}, req(lan), {**req(lan), "target_address_space": "loopback"},
    {**req(lo), "target_address_space": "loopback"}],
   {lan: ok(), lo: ok()},
   {"address_space": "public", "address_spaces": {"lan.test:8382": "local", "lo.test:8383": "loopback"}})
# (On 127.0.0.1, a port counted local: WebKitGTK resolves no other name.)
sec="https://127.0.0.1:8387/gate/tas-https-target"
sc("gate-lna-target-address-space-https-target", P,
   [{**req(sec), "target_address_space": "local"}, {**req(sec), "target_address_space": "loopback"}, req(sec)],
   {sec: ok()},
   {"address_space": "public", "local_network_access": "granted", "address_spaces": {"127.0.0.1:8387": "local"}})
lan="http://lan.test:8382/gate/tas-local-page"; lo="http://lo.test:8383/gate/tas-local-page"
sc("gate-lna-target-address-space-local-page", "https://127.0.0.1:8386",
   [{**req(lan), "target_address_space": "local"}, {**req(lo), "target_address_space": "loopback"}],
   {lan: ok(), lo: ok()},
   {"address_space": "local", "local_network_access": "granted", "address_spaces": {"lan.test:8382": "local", "lo.test:8383": "loopback"}})

for d in out: print(json.dumps(d, separators=(",",":"), ensure_ascii=False))
