"""Send the requests of requests.json to the real libraries, each started on a
loopback port once per option set of options.json, and write what each answered
(status, every header in wire case and order) to OUT/<library>.json.

    python3 record.py OUT LIBRARY... [--node-path DIR] [--python PYTHON] [--options FILE]

With --options explained.json, each option set is a configuration corsim
explain prints, sent the requests the browser sends with it in place.

Standard library only; the caller (run.sh) installs the libraries."""
import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

APPS = {
    "express-cors": ("node", "express_app.js", ["express", "cors"]),
    "starlette": ("python", "starlette_app.py", ["starlette", "uvicorn"]),
    "flask-cors": ("python", "flask_app.py", ["flask", "flask-cors", "werkzeug"]),
    "django-cors-headers": ("python", "django_app.py", ["django", "django-cors-headers"]),
    "nginx": ("nginx", None, ["nginx"]),
    "go-rs-cors": ("go", "go_app.go", ["rs/cors"]),
    "apache": ("apache", None, ["apache2"]),
    "actix-cors": ("actix", None, ["actix-cors", "actix-web"]),
    "nextjs": ("next", "next_app", ["next", "react"]),
}


NGINX_MAIN = """daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log stderr error;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream backend {{ server 127.0.0.1:{backend}; }}
{config}
}}
"""

# The route behind nginx: 200 and X-Route: hit for any method.
BACKEND = """
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def handle_one_request(self):
        self.raw_requestline = self.rfile.readline(65537)
        if not self.raw_requestline or not self.parse_request():
            return
        self.send_response(200)
        self.send_header("X-Route", "hit")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def start_nginx(option_set, port, tmp):
    """nginx with the option set's configuration, its server block listening on
    `port`, in front of a backend; returns the processes to stop."""
    import re
    import tempfile
    backend_port = free_port()
    backend = subprocess.Popen([sys.executable, "-c", BACKEND, str(backend_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(backend_port, backend)
    config = re.sub(r"server\s*\{", f"server {{\n    listen 127.0.0.1:{port};", option_set["options"]["config"], count=1)
    conf = os.path.join(tmp, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_MAIN.format(tmp=tmp, backend=backend_port, config=config))
    nginx = subprocess.Popen([NGINX, "-c", conf, "-p", tmp, "-e", "stderr"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [nginx, backend]


NGINX = "/usr/sbin/nginx"
APACHE = "/usr/sbin/apache2"
APACHE_MODULES = "/usr/lib/apache2/modules"

APACHE_MAIN = """ServerRoot {tmp}
Listen 127.0.0.1:{port}
PidFile {tmp}/httpd.pid
ErrorLog {tmp}/error.log
LogLevel warn
ServerName localhost
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule headers_module {modules}/mod_headers.so
LoadModule setenvif_module {modules}/mod_setenvif.so
LoadModule rewrite_module {modules}/mod_rewrite.so
LoadModule proxy_module {modules}/mod_proxy.so
LoadModule proxy_http_module {modules}/mod_proxy_http.so
User nobody
Group nogroup
ProxyPass /items http://127.0.0.1:{backend}/items
{config}
"""


def start_backend():
    port = free_port()
    backend = subprocess.Popen([sys.executable, "-c", BACKEND, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, backend)
    return port, backend


def start_apache(option_set, port, tmp):
    """httpd in the foreground (-X) with the option set's configuration after a
    ProxyPass of /items to a backend; returns the processes to stop."""
    backend_port, backend = start_backend()
    conf = os.path.join(tmp, "httpd.conf")
    with open(conf, "w") as f:
        f.write(APACHE_MAIN.format(tmp=tmp, port=port, backend=backend_port, modules=APACHE_MODULES, config=option_set["options"]["config"]))
    httpd = subprocess.Popen([APACHE, "-f", conf, "-X"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return [httpd, backend]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, proc, deadline=20.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not listen in time")


def send(port, path, request):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest(request["method"], path, skip_accept_encoding=True)
    for name, value in request["headers"]:
        conn.putheader(name, value)
    conn.endheaders()
    response = conn.getresponse()
    response.read()
    answer = {"status": response.status, "headers": [[n, v] for n, v in response.getheaders()]}
    conn.close()
    return answer


def versions(kind, packages, args):
    if kind == "nginx":
        out = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=True).stderr
        return {"nginx": out.strip().split("/")[-1]}
    if kind == "actix":
        lock = open(os.path.join(HERE, "actix_app", "Cargo.lock")).read().split("[[package]]")
        found = {}
        for entry in lock:
            fields = dict(line.split(" = ", 1) for line in entry.strip().splitlines() if " = " in line)
            name = fields.get("name", "").strip('"')
            if name in packages:
                found[name] = fields.get("version", "").strip('"')
        return found
    if kind == "apache":
        out = subprocess.run([APACHE, "-v"], capture_output=True, text=True, check=True).stdout
        return {"apache2": out.split("/")[1].split()[0] if "/" in out else "unknown"}
    if kind == "next":
        return {p: json.load(open(os.path.join(args.next_dir, "node_modules", p, "package.json")))["version"] for p in packages}
    if kind == "go":
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "golang-github-rs-cors-dev"], capture_output=True, text=True).stdout
        go = subprocess.run(["go", "version"], capture_output=True, text=True).stdout.split()
        return {"rs/cors": out.strip() or "unknown", "go": go[2] if len(go) > 2 else "unknown"}
    if kind == "node":
        script = "const p=process.argv.slice(1);console.log(JSON.stringify(Object.fromEntries(p.map(n=>[n,require(n+'/package.json').version]))))"
        out = subprocess.run(["node", "-e", script, *packages], env=node_env(args), capture_output=True, text=True, check=True).stdout
    else:
        script = "import sys,json,importlib.metadata as m;print(json.dumps({n:m.version(n) for n in sys.argv[1:]}))"
        out = subprocess.run([args.python, "-c", script, *packages], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def node_env(args):
    env = dict(os.environ)
    if args.node_path:
        env["NODE_PATH"] = args.node_path
    return env


def build_go(app, out_dir):
    """Build the Go app once, against Debian's rs/cors (GOPATH mode)."""
    build_dir = os.path.abspath(out_dir) + "-go"
    os.makedirs(build_dir, exist_ok=True)
    binary = os.path.join(build_dir, "go_app")
    env = dict(os.environ, GO111MODULE="off", GOPATH="/usr/share/gocode", GOCACHE=os.path.join(build_dir, "cache"))
    subprocess.run(["go", "build", "-o", binary, os.path.join(HERE, app)], env=env, check=True)
    return binary


def record(library, args, requests, option_sets):
    kind, app, packages = APPS[library]
    answers = []
    go_binary = build_go(app, args.out) if kind == "go" else None
    for option_set in option_sets:
        port = free_port()
        if kind in ("nginx", "apache"):
            import tempfile
            tmp = tempfile.mkdtemp(prefix=f"corsim-{kind}-")
            procs = (start_nginx if kind == "nginx" else start_apache)(option_set, port, tmp)
            proc = procs[0]
        else:
            env = node_env(args) if kind == "node" else dict(os.environ)
            env["PORT"] = str(port)
            env["CORS_OPTIONS"] = json.dumps(option_set["options"])
            if kind == "go":
                command = [go_binary]
            elif kind == "actix":
                command = [args.actix_bin]
            elif kind == "next":
                # The app's files go beside the node_modules next was installed in
                # (Turbopack resolves nothing outside the project's root).
                import shutil
                shutil.copytree(os.path.join(HERE, app), args.next_dir, dirs_exist_ok=True)
                env["NEXT_TELEMETRY_DISABLED"] = "1"
                command = ["node", os.path.join(args.next_dir, "node_modules", "next", "dist", "bin", "next"), "dev", "-p", str(port), "-H", "127.0.0.1"]
            else:
                command = ["node" if kind == "node" else args.python, os.path.join(HERE, app)]
            cwd = args.next_dir if kind == "next" else None
            proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs = [proc]
        try:
            wait_for(port, proc)
            # An option set may carry its own requests (explained.json's do).
            for request in option_set.get("requests", requests["requests"]):
                answer = send(port, requests["path"], request)
                answers.append({"options": option_set["name"], "request": request["name"], **answer})
        finally:
            for p in procs:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
    return {"library": library, "versions": versions(kind, packages, args), "answers": answers}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("libraries", nargs="+")
    parser.add_argument("--node-path")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--actix-bin", help="the built tests/servers/actix_app")
    parser.add_argument("--next-dir", help="where next, react and react-dom are installed (the app is copied there)")
    parser.add_argument("--options", default=os.path.join(HERE, "options.json"),
                        help="the option sets (default options.json; explained.json for the configurations corsim explain prints)")
    args = parser.parse_args()
    with open(os.path.join(HERE, "requests.json")) as f:
        requests = json.load(f)
    with open(args.options) as f:
        options = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    for library in args.libraries:
        started = time.monotonic()
        recording = record(library, args, requests, options[library])
        with open(os.path.join(args.out, f"{library}.json"), "w") as f:
            json.dump(recording, f, indent=1)
            f.write("\n")
        print(f"recorded {library} {recording['versions']}: {len(recording['answers'])} answers in {time.monotonic() - started:.1f}s")


if __name__ == "__main__":
    main()
