#!/usr/bin/env python3
"""Turn a generated tree into a git repository with a long history, for timing `scan --diff`.

    python3 benches/diff_history.py --tree .bench/tree-1m --out .bench/history --commits 5000

python3 stdlib + git. Deterministic (seeded). Writes one `git fast-import` stream: commit 1
imports the whole tree, then COMMITS-1 commits each edit one source file (append a line), all
on `main`. The working tree is checked out at `main`, then a branch `feature` adds one commit
that declares a flag without an owner and reads it (plus a raw `FLAG_` env read) in 3 files:
the shape of a pull request `scan --diff main` judges.
"""
import argparse
import os
import random
import shutil
import subprocess


def files_of(tree):
    out = []
    for d, dirs, names in os.walk(tree):
        dirs.sort()
        for n in sorted(names):
            p = os.path.join(d, n)
            rel = os.path.relpath(p, tree).replace(os.sep, "/")
            if rel.startswith(".flagdebt-bench"):
                continue
            out.append(rel)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tree", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--commits", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    if os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out)
    git = lambda *args, **kw: subprocess.run(["git", "-C", a.out, *args], check=True, **kw)
    git("init", "-q", "-b", "main", ".")
    files = files_of(a.tree)
    contents = {}
    proc = subprocess.Popen(["git", "-C", a.out, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    w = proc.stdin

    def data(b):
        w.write(b"data %d\n" % len(b))
        w.write(b)
        w.write(b"\n")

    t = 1_700_000_000
    w.write(b"commit refs/heads/main\nmark :1\n")
    w.write(b"committer bench <bench@example.com> %d +0000\n" % t)
    data(b"import the tree")
    for rel in files:
        with open(os.path.join(a.tree, rel), "rb") as f:
            b = f.read()
        contents[rel] = b
        w.write(b"M 100644 inline %s\n" % rel.encode())
        data(b)
    # The registry exists at the base: the pull request adds one entry to it.
    registry = b"bench_existing:\n  owner: team-bench\n  type: ops\n"
    contents["feature_flags.yaml"] = registry
    w.write(b"M 100644 inline feature_flags.yaml\n")
    data(registry)
    sources = [r for r in files if r.endswith((".py", ".go", ".ts", ".js", ".java", ".rb", ".rs"))]
    for i in range(2, a.commits + 1):
        rel = rng.choice(sources)
        comment = b"# " if rel.endswith((".py", ".rb")) else b"// "
        contents[rel] += comment + b"edit %d\n" % i
        w.write(b"commit refs/heads/main\nmark :%d\n" % i)
        w.write(b"committer bench <bench@example.com> %d +0000\n" % (t + i * 60))
        data(b"edit %d" % i)
        w.write(b"from :%d\n" % (i - 1))
        w.write(b"M 100644 inline %s\n" % rel.encode())
        data(contents[rel])
    w.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    git("checkout", "-q", "-f", "main")
    git("checkout", "-q", "-b", "feature")
    with open(os.path.join(a.out, "feature_flags.yaml"), "a") as f:
        f.write("bench_new_checkout:\n  type: ops\n")
    py = [r for r in sources if r.endswith(".py")][:2]
    for rel in py:
        with open(os.path.join(a.out, rel), "a") as f:
            f.write('\n\ndef bench_pr():\n    import os\n    return flags.is_on("bench_new_checkout") or os.environ.get("FLAG_BENCH_RAW")\n')
    git("add", "-A")
    git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "feature")
    print(f"{a.out}: {a.commits} commits on main + 1 on feature, {len(files)} files")


if __name__ == "__main__":
    main()
