#!/usr/bin/env python3
"""Derive the prefilter's literal set from rules/*.yml (python3 stdlib only).

Fallback for `flagdebt rules --literals` while the binary does not have that subcommand.
It mirrors `RuleSet::literals` in src/rules/mod.rs, unioned over all languages:

- the last segment (after `.` or `::`) of every `call:` pattern of a non-env rule;
- the last segment of every `subscript:` / `member:` receiver of a non-env rule;
- the env flag prefixes FLAG_, FEATURE_, FF_ (env rules are prefiltered on those, not on
  `os.environ.get` / `process.env` / ...).

The YAML reader is deliberately tiny: it understands the shapes the built-in packs use
(`key: value`, `key: ["a", "b"]` and block lists of quoted or bare scalars). Run it again
whenever rules/ changes:

    python3 benches/derive_literals.py rules/*.yml > benches/literals.txt

`--lang L` (python, go, javascript, typescript, tsx, java, ruby, rust) prints only the literals
of the rules for that language, which is what flagdebt's prefilter uses on a file of that
language (the union above is what `rg -F` gets).
"""
import re
import sys

ENV_PREFIXES = ["FLAG_", "FEATURE_", "FF_"]
LIST_KEYS = ("call", "subscript", "member")


def scalar(s):
    s = s.strip()
    if len(s) >= 2 and s[0] == s[-1] and s[0] in "\"'":
        return s[1:-1]
    return s


def inline_list(s):
    s = s.strip()
    if s.startswith("[") and s.endswith("]"):
        return [scalar(x) for x in re.findall(r'"[^"]*"|\'[^\']*\'|[^,\s\[\]][^,\[\]]*', s[1:-1])]
    return [scalar(s)] if s else []


def parse_rules(text):
    """Yield dicts {provider, call, subscript, member} for each `- id:` item."""
    rules, cur, open_list = [], None, None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        m = re.match(r"^(\s*)- id:\s*(.+)$", line)
        if m:
            cur = {"id": scalar(m.group(2)), "provider": "", "language": [], "call": [], "subscript": [], "member": []}
            rules.append(cur)
            open_list = None
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+- (.+)$", line)
        if m and open_list:
            cur[open_list].append(scalar(m.group(1)))
            continue
        m = re.match(r"^\s+([a-z_]+):\s*(.*)$", line)
        if m:
            key, val = m.group(1), m.group(2)
            open_list = None
            if key == "provider":
                cur["provider"] = scalar(val)
            elif key == "language":
                cur["language"] = inline_list(val)
            elif key in LIST_KEYS:
                if val.strip():
                    cur[key].extend(inline_list(val))
                else:
                    open_list = key
    return rules


def last_segment(pat):
    pat = "".join(pat.split()).replace("::", ".")
    return pat.rsplit(".", 1)[-1].strip("*")


LANG_ALIASES = {"typescript": ["typescript", "tsx"], "ts": ["typescript", "tsx"], "py": ["python"],
                "js": ["javascript"], "jsx": ["javascript"], "golang": ["go"], "rb": ["ruby"], "rs": ["rust"]}


def rule_langs(r):
    out = []
    for l in r["language"]:
        out.extend(LANG_ALIASES.get(l, [l]))
    return out


def main(paths, lang=None):
    lits, has_env = set(), False
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for r in parse_rules(f.read()):
                if lang and lang not in rule_langs(r):
                    continue
                if r["provider"] == "env":
                    has_env = True
                    continue
                for pat in r["call"] + r["subscript"] + r["member"]:
                    seg = last_segment(pat)
                    if seg:
                        lits.add(seg)
    if has_env:
        lits.update(ENV_PREFIXES)
    for lit in sorted(lits):
        print(lit)


if __name__ == "__main__":
    args = sys.argv[1:]
    lang = None
    if len(args) >= 2 and args[0] == "--lang":
        lang, args = args[1], args[2:]
    if not args:
        sys.exit("usage: derive_literals.py [--lang LANGUAGE] rules/*.yml")
    main(args, lang)
