#!/usr/bin/env python3
"""A generated git history for timing flag age (`flagdebt report`'s one `git log` pass).

    benches/gen_history.py OUT_DIR [--commits 10000] [--flags 400] [--files 300]

Writes a `git fast-import` stream into a new repository at OUT_DIR: COMMITS commits over two
years by 20 authors, each rewriting one of FILES Python/Go/TypeScript source files. Most commits
touch lines with no flag; about one in five adds or removes a flag read
(`flags.is_on("flag_0042")`), so keys appear, change and disappear over time. A registry
(`feature_flags.yaml`) declaring every key is in the first commit; the checkout is at HEAD.
Deterministic (fixed seed).
"""

import argparse
import os
import random
import subprocess
import sys


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--commits", type=int, default=10000)
    ap.add_argument("--flags", type=int, default=400)
    ap.add_argument("--files", type=int, default=300)
    a = ap.parse_args()
    rng = random.Random(11)
    keys = [f"flag_{i:04d}" for i in range(a.flags)]
    exts = ["py", "go", "ts"]
    paths = [f"svc{i % 12}/mod{i}.{exts[i % 3]}" for i in range(a.files)]
    # Each file: a list of body lines; some lines read a flag.
    files = {p: [f"// filler {p} 0"] for p in paths}

    def read(path: str, key: str) -> str:
        if path.endswith(".py"):
            return f'    if flags.is_on("{key}"): pass'
        if path.endswith(".go"):
            return f'\tif flags.IsOn("{key}") {{ run() }}'
        return f'  if (flags.isOn("{key}")) {{ run(); }}'

    def render(path: str) -> bytes:
        lines = files[path]
        if path.endswith(".py"):
            head = "from app.flags import flags\n\n\ndef handler():\n"
            body = "\n".join(l if l.startswith("    ") else "    # " + l[3:] for l in lines)
            return (head + body + "\n    return None\n").encode()
        if path.endswith(".go"):
            return ("package mod\n\nfunc Handler() {\n" + "\n".join(lines) + "\n}\n").encode()
        return ("import { flags } from './flags';\n\nexport function handler() {\n"
                + "\n".join(lines) + "\n}\n").encode()

    os.makedirs(a.out, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", a.out], check=True)
    fi = subprocess.Popen(["git", "-C", a.out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    out = fi.stdin
    start = 1_700_000_000  # 2023-11-14
    step = (2 * 365 * 86400) // a.commits
    registry = "".join(f"{k}:\n  owner: team-{i % 9}\n  type: release\n" for i, k in enumerate(keys))
    for n in range(a.commits):
        when = start + n * step
        author = f"dev{n % 20}"
        changed = {}
        if n == 0:
            changed["feature_flags.yaml"] = registry.encode()
            for p in paths:
                changed[p] = render(p)
        else:
            p = rng.choice(paths)
            lines = files[p]
            r = rng.random()
            if r < 0.12:
                lines.append(read(p, rng.choice(keys)))
            elif r < 0.20:
                idx = [i for i, l in enumerate(lines) if "flag_" in l]
                if idx:
                    lines.pop(rng.choice(idx))
            else:
                lines.append(f"// filler {p} {n}")
                if len(lines) > 60:
                    lines.pop(0 if "flag_" not in lines[0] else 1)
            changed[p] = render(p)
        msg = f"change {n}\n".encode()
        out.write(f"commit refs/heads/main\nmark :{n + 1}\n".encode())
        out.write(f"author {author} <{author}@example.com> {when} +0000\n".encode())
        out.write(f"committer {author} <{author}@example.com> {when} +0000\n".encode())
        out.write(f"data {len(msg)}\n".encode() + msg)
        if n > 0:
            out.write(f"from :{n}\n".encode())
        for p, body in changed.items():
            out.write(f"M 100644 inline {p}\ndata {len(body)}\n".encode() + body + b"\n")
    out.close()
    if fi.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", a.out, "checkout", "-q", "-f", "main"], check=True)


if __name__ == "__main__":
    main()
