"""corsim record's WebKit driver: WebKitGTK (WebKit2 4.1) through PyGObject.

Run with Debian's /usr/bin/python3 (python3-gi, gir1.2-webkit2-4.1) and a
display (xvfb-run when there is none). WebKit's console reaches no API here:
with the setting enable-write-console-messages-to-stdout its web process
writes each message to its standard error (inherited from this process),
and only for a session that is not ephemeral. So this process points its
own standard error at a pipe before the web process starts, and keeps the
`CONSOLE ...` lines that arrive during each step.

Reads the job file named on the command line (see common.mjs for the shape
of what it writes) and writes one JSON line per scenario on standard output.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

JOB = json.load(open(sys.argv[1], encoding="utf-8"))
TIMEOUT = JOB.get("step_timeout_ms", 10000) / 1000
SETTLE = JOB.get("settle_ms", 300) / 1000

# Our own diagnostics keep going to the real standard error.
real_stderr = os.fdopen(os.dup(2), "w", buffering=1)
read_end, write_end = os.pipe()
os.dup2(write_end, 2)
os.close(write_end)

# A console line as the web process prints it: "CONSOLE <SOURCE> <LEVEL> <message>".
CONSOLE = re.compile(r"^CONSOLE (\S+) (\S+) (.*)$")
lines = []
lock = threading.Lock()


def pump():
    with os.fdopen(read_end, "rb") as pipe:
        for raw in pipe:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            with lock:
                lines.append(text)


threading.Thread(target=pump, daemon=True).start()


def log(*args):
    print("[corsim record]", *args, file=real_stderr)


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def take_console():
    with lock:
        taken = lines[:]
        lines.clear()
    out = []
    for text in taken:
        m = CONSOLE.match(text)
        if m:
            out.append(m.group(3))
        elif out and text and not text.startswith(("(", "[", "** ")):
            # A message with a line break goes on over several lines.
            out[-1] += "\n" + text
    return out


def spin_until(done, timeout, what):
    """Run the main loop until done() or the timeout."""
    end = time.monotonic() + timeout
    ctx = GLib.MainContext.default()
    while not done():
        if time.monotonic() > end:
            raise TimeoutError(f"{what}: no answer in {int(timeout * 1000)} ms")
        ctx.iteration(False) or time.sleep(0.005)


def spin_for(seconds):
    end = time.monotonic() + seconds
    try:
        spin_until(lambda: time.monotonic() >= end, seconds + 1, "waiting")
    except TimeoutError:
        pass


def take_saw(scenario):
    sid = urllib.parse.quote(scenario["id"], safe="")
    with urllib.request.urlopen(f"{scenario['control']}/__corsim/log/{sid}") as r:
        saw = json.load(r)
    urllib.request.urlopen(urllib.request.Request(f"{scenario['control']}/__corsim/reset/{sid}", method="POST")).close()
    return saw


data_dir = tempfile.mkdtemp(prefix="corsim-webkit-")
manager = WebKit2.WebsiteDataManager(
    base_data_directory=os.path.join(data_dir, "data"), base_cache_directory=os.path.join(data_dir, "cache")
)
# The throwaway certificate of https: pages and targets (record.rs serves
# them); WebKitGTK has no Local Network Access to set up, and no host
# resolver rules, so scenarios with host names other than localhost cannot
# be recorded here.
if JOB.get("tls"):
    manager.set_tls_errors_policy(WebKit2.TLSErrorsPolicy.IGNORE)
context = WebKit2.WebContext(website_data_manager=manager)
context.set_cache_model(WebKit2.CacheModel.DOCUMENT_VIEWER)
window = Gtk.OffscreenWindow()


def new_view():
    view = WebKit2.WebView(web_context=context)
    settings = view.get_settings()
    settings.set_enable_write_console_messages_to_stdout(True)
    settings.set_enable_javascript(True)
    return view


def open_page(scenario):
    view = new_view()
    for child in window.get_children():
        window.remove(child)
    window.add(view)
    window.show_all()
    state = {"done": False, "failed": None}

    def changed(_view, event):
        if event == WebKit2.LoadEvent.FINISHED:
            state["done"] = True

    def failed(_view, _event, uri, error):
        state["failed"] = f"loading {uri}: {error.message}"
        state["done"] = True
        return True

    view.connect("load-changed", changed)
    view.connect("load-failed", failed)
    view.load_uri(scenario["page"])
    spin_until(lambda: state["done"], TIMEOUT, "opening the page")
    if state["failed"]:
        raise RuntimeError(state["failed"])
    return view


def run_step(view, request, sandboxed):
    body = f"return JSON.stringify(await corsimStep({json.dumps(request)}, {json.dumps(sandboxed)}));"
    state = {"done": False, "value": None, "error": None}

    def finished(v, res):
        try:
            state["value"] = v.call_async_javascript_function_finish(res).to_string()
        except GLib.Error as e:
            state["error"] = e.message
        state["done"] = True

    view.call_async_javascript_function(body, -1, None, None, None, None, finished)
    spin_until(lambda: state["done"], TIMEOUT, "the fetch")
    if state["error"]:
        raise RuntimeError(state["error"])
    result = json.loads(state["value"])
    result.pop("message", None)
    return result


def record(scenario):
    view = open_page(scenario)
    try:
        take_saw(scenario)
        spin_for(0.05)
        take_console()
        steps = []
        start = time.monotonic()
        for step in scenario["steps"]:
            wait = step.get("at_ms", 0) / 1000 - (time.monotonic() - start)
            if wait > 0:
                spin_for(wait)
            result = run_step(view, step["request"], scenario["sandboxed"])
            spin_for(SETTLE)
            steps.append({"result": result, "saw": take_saw(scenario), "console": take_console(), "cors_errors": []})
        return steps
    finally:
        window.remove(view)
        view.try_close()


try:
    emit({"browser": f"WebKitGTK {WebKit2.get_major_version()}.{WebKit2.get_minor_version()}.{WebKit2.get_micro_version()}"})
    for scenario in JOB["scenarios"]:
        try:
            emit({"id": scenario["id"], "steps": record(scenario)})
        except Exception as e:  # a scenario that could not be recorded is named, the rest go on
            emit({"id": scenario["id"], "error": str(e)})
finally:
    shutil.rmtree(data_dir, ignore_errors=True)
