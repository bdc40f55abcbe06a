"""Send the requests of requests.json to the real libraries, each started on a
loopback port once per option set of options.json, and write what each answered
(status, every header in wire case and order) to OUT/<library>.json.

    python3 record.py OUT LIBRARY... [--node-path DIR] [--python PYTHON]

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
}


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
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
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


def record(library, args, requests, option_sets):
    kind, app, packages = APPS[library]
    answers = []
    for option_set in option_sets:
        port = free_port()
        env = node_env(args) if kind == "node" else dict(os.environ)
        env["PORT"] = str(port)
        env["CORS_OPTIONS"] = json.dumps(option_set["options"])
        command = ["node" if kind == "node" else args.python, os.path.join(HERE, app)]
        proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for(port, proc)
            for request in requests["requests"]:
                answer = send(port, requests["path"], request)
                answers.append({"options": option_set["name"], "request": request["name"], **answer})
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {"library": library, "versions": versions(kind, packages, args), "answers": answers}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("libraries", nargs="+")
    parser.add_argument("--node-path")
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with open(os.path.join(HERE, "requests.json")) as f:
        requests = json.load(f)
    with open(os.path.join(HERE, "options.json")) as f:
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
