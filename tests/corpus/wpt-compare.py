#!/usr/bin/env python3
"""List every step where corsim disagrees with a recorded corpus.

    python3 tests/corpus/wpt-compare.py tests/corpus/wpt-chromium-156.jsonl ...

For each file: `corsim run FILE` (the debug build in target/, built first by
cargo), then, per step that is not `unstable`, every field among server_saw,
result, cors_error and console where the verdict differs from the recording.
Writes Markdown on standard output: per file the agreement figures, then the
disagreeing steps grouped by scenario cluster (the id's middle part) and field.
"""

import collections
import json
import subprocess
import sys

FIELDS = ["server_saw", "result", "cors_error", "console"]


def brief(field, value):
    if field == "server_saw":
        return "; ".join(f"{r['method']} {r['url']}" + (" " + ",".join(f"{h[0]}={h[1]}" for h in r["headers"]) if r["headers"] else "") for r in value) or "(nothing)"
    if field == "result":
        return value["type"] + (f" {value.get('status')} {value.get('headers')}" if value["type"] != "error" else "")
    if field == "console":
        return " | ".join(value) or "(none)"
    return json.dumps(value, ensure_ascii=False)


def main():
    subprocess.run(["cargo", "build", "-q", "-p", "corsim-cli"], check=True)
    for path in sys.argv[1:]:
        recorded = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        verdicts = subprocess.run(["target/debug/corsim", "run", path], check=True, capture_output=True, text=True).stdout
        verdicts = [json.loads(l) for l in verdicts.splitlines() if l.strip()]
        steps = agree = agree_console = unstable = 0
        groups = collections.defaultdict(list)
        for s, v in zip(recorded, verdicts):
            cluster = s["id"].split("-")[1]
            for i, (want, got) in enumerate(zip(s["expect"], v["steps"])):
                if want.get("unstable"):
                    unstable += 1
                    continue
                steps += 1
                bad = [f for f in FIELDS[:3] if want[f] != got[f]]
                agree += not bad
                console_bad = want.get("console") != got.get("console")
                agree_console += not bad and not console_bad
                for f in bad + (["console"] if console_bad else []):
                    groups[(cluster, f)].append((s["id"], i, brief(f, want[f]), brief(f, got.get(f))))
        browser = recorded[0]["browser"] if recorded else path
        print(f"## {browser} ({path.split('/')[-1]})\n")
        print(f"{steps} steps compared ({unstable} unstable left out): corsim agrees on {agree} "
              f"({100 * agree / max(steps, 1):.1f}%) in server_saw, result and cors_error; "
              f"{agree_console} ({100 * agree_console / max(steps, 1):.1f}%) with the console too.\n")
        for (cluster, field), rows in sorted(groups.items()):
            print(f"### {cluster}: {field} ({len(rows)} step(s))\n")
            print("| id | step | browser | corsim |\n|---|---|---|---|")
            for sid, i, want, got in rows:
                def cell(t):
                    t = "".join(c if c >= " " or c == "\n" else f"\\x{ord(c):02x}" for c in t)
                    return t.replace("|", "\\|").replace("\n", " ")
                print(f"| {sid} | {i} | {cell(want)} | {cell(got)} |")
            print()


main()
