#!/usr/bin/env python3
"""Generate a large, deterministic, polyglot source tree for the flagdebt speed benchmark.

    python3 benches/gen_tree.py --lines 1000000 --out .bench/tree-1m [--seed 42]

python3 stdlib only. Same arguments -> byte-identical tree (one seeded RNG, no hash-ordered
iteration, no clock).

What it writes under OUT (which it deletes first, but only if OUT is empty or was written by
this script: it carries a `.flagdebt-bench-tree` marker):

- `--lines` lines of Python, Go, TypeScript/TSX, JavaScript, Java, Ruby and Rust in files of
  50-2000 lines (log-normal, median ~230), laid out like a monorepo (services/, web/, java/,
  app/, crates/, with tests/, __tests__/, spec/, src/test/ folders);
- ordinary code that happens to contain common words of the prefilter's literal set (`enabled`,
  `getValue`, `variation`, `IsEnabled`, `StringValue` ...) at rates seen in real code, so that
  the prefilter has real false candidates to throw away or parse;
- `--flag-rate` (default 3.5%) of the files read flags: OpenFeature, LaunchDarkly, Unleash,
  Flagsmith calls, in-house `flags.is_on("x")` helpers, env reads with a flag prefix
  (`os.environ.get("FLAG_X")`, `process.env.FLAG_X`, `System.getenv("FLAG_X")`, `ENV["FLAG_X"]`,
  `os.Getenv`, `std::env::var`), some through a constant;
- decoys: flag calls inside comments and strings, and env reads of non-flag variables
  (`os.environ.get("DATABASE_URL")`, `process.env.NODE_ENV` ...) in ~6% of the files;
- a few big test files (3000-8000 lines) that really read flags hundreds of times: real repos
  have these and they dominate parse time;
- in addition to `--lines`, `--vendor-fraction` (default 0.08) x lines of code under vendor/
  and web/node_modules/, full of SDK calls: flagdebt skips those folders by default and the
  benchmark tells rg to skip them too.

Prints one JSON object of stats on stdout (files, lines, bytes per part and per language,
flag-reading files, expected flag reads).
"""
import argparse
import json
import math
import os
import random
import shutil
import sys

MARKER = ".flagdebt-bench-tree"

WORDS = """account address admin alert archive asset audit auth backup balance batch billing
block bucket buffer bundle cache campaign card cart catalog channel chart checkout client
cluster column comment config connection contact content context cookie coupon credit cursor
customer dashboard data device discount document domain draft email endpoint entry event 
feed field file filter folder form gateway group handler header history image index
inventory invoice item job key label layout ledger limit link list locale log member message
metric model node note notification offer order owner page panel partner payload
payment permission plan policy pool post preference price product profile project promo query
queue quota rate record region report request resource response result review role route rule
schedule schema score search secret segment session setting shipment shipping signal snapshot
source stage status step stock store stream subscription summary task team template tenant
ticket token topic trace transaction transfer trigger upload usage user value version
view voucher wallet webhook widget worker workspace zone""".split()

VERBS = """add apply build check clean close compute convert create decode delete encode ensure
fetch filter find flush format get handle init load lookup merge normalize open parse prepare
process publish read refresh register remove render reset resolve save schedule send serialize
set sort split start stop store sync track transform update upload validate verify write""".split()

FLAG_WORDS = """new old beta dark fast smart instant express unified async modern legacy v2 v3
improved simplified experimental redesigned streaming batched cached""".split()

ENV_DECOYS = ["DATABASE_URL", "REDIS_URL", "HOME", "PORT", "LOG_LEVEL", "API_KEY", "AWS_REGION",
              "SENTRY_DSN", "NODE_ENV", "SECRET_KEY", "DEBUG", "HOSTNAME", "TZ", "PATH",
              "KAFKA_BROKERS", "SMTP_HOST", "STRIPE_KEY", "BUCKET_NAME"]


class Ctx:
    def __init__(self, rng):
        self.rng = rng
        # Whether the current file is one of those whose ordinary code uses words of the
        # prefilter's literal set (`enabled`, `getValue`, ...). Real code: ~7-15% of files
        # (measured with `rg -l -F` on CPython's stdlib and ~/.cargo/registry/src).
        self.lit_ok = False

    def lw(self, w):
        return w if self.lit_ok else 0

    def word(self):
        return self.rng.choice(WORDS)

    def verb(self):
        return self.rng.choice(VERBS)

    def snake(self, n=2):
        return "_".join(self.word() for _ in range(n))

    def camel(self, n=2):
        ws = [self.word() for _ in range(n)]
        return ws[0] + "".join(w.capitalize() for w in ws[1:])

    def pascal(self, n=2):
        return "".join(self.word().capitalize() for _ in range(n))

    def fn_snake(self):
        return self.verb() + "_" + self.snake(self.rng.randint(1, 2))

    def fn_camel(self):
        return self.verb() + self.pascal(self.rng.randint(1, 2))

    def fn_pascal(self):
        return self.verb().capitalize() + self.pascal(self.rng.randint(1, 2))

    def num(self):
        return str(self.rng.choice([0, 1, 2, 3, 5, 10, 16, 32, 60, 100, 128, 256, 1000, 3600]))

    def sentence(self):
        n = self.rng.randint(4, 11)
        ws = [self.rng.choice(WORDS + VERBS + ["the", "a", "of", "to", "if", "when", "is", "not",
                                                "for", "and", "we", "this", "it"]) for _ in range(n)]
        return " ".join(ws).capitalize() + "."

    def flag_key(self):
        return self.rng.choice(FLAG_WORDS) + "_" + self.word() + (
            "_" + self.word() if self.rng.random() < 0.3 else "")

    def pick(self, weighted):
        """weighted: list of (weight, fn). Calls the chosen fn."""
        total = sum(w for w, _ in weighted)
        x = self.rng.random() * total
        for w, fn in weighted:
            x -= w
            if x <= 0:
                return fn()
        return weighted[-1][1]()


def camel_of(key):
    parts = key.split("_")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


# ---------------------------------------------------------------------------------------------
# Languages. Each returns lines (str) with the language's indent unit; blocks nest by prefixing.
# `stmt(c)` -> ordinary statement lines; `flag(c, key)` -> a real flag read; `decoy(c)` -> a
# look-alike that is not a flag read; `wrap_fn(c, name, body)` -> a function around body lines.
# ---------------------------------------------------------------------------------------------


class Python:
    lit_rate = 0.09
    ext = ["py"]
    ind = "    "

    def header(self, c, test=False):
        mods = ["os", "json", "logging", "typing", "datetime", "dataclasses", "collections",
                "functools", "itertools", "re", "time", "uuid", "decimal", "pathlib"]
        out = ['"""' + c.sentence() + '"""', ""]
        for m in sorted(c.rng.sample(mods, c.rng.randint(2, 6))):
            out.append("import " + m)
        out.append("from ..%s import %s, %s" % (c.word(), c.pascal(), c.fn_snake()))
        if test:
            out.append("import pytest")
        out += ["", "logger = logging.getLogger(__name__)", ""]
        return out

    def stmt(self, c):
        i = self.ind
        v, w = c.snake(), c.snake(1)
        return c.pick([
            (10, lambda: ["%s = %s(%s, %s)" % (v, c.fn_snake(), c.snake(1), c.num())]),
            (6, lambda: ["%s = self.%s.get(%r, %s)" % (v, c.snake(1), c.word(), c.num())]),
            (6, lambda: ["if %s is None:" % v, i + "return %s" % c.rng.choice(["None", "[]", "{}", "False"])]),
            (5, lambda: ["for %s in %s:" % (w, c.snake()), i + "%s.append(%s.%s)" % (c.snake(1), w, c.snake(1)),
                         i + "total += %s.%s" % (w, c.word())]),
            (5, lambda: ["logger.info(%r, %s)" % (c.sentence() + " %s", v)]),
            (4, lambda: ["%s = {" % v, i + '"%s": %s,' % (c.word(), c.snake(1)), i + '"%s": %s,' % (c.word(), c.num()), "}"]),
            (4, lambda: ["try:", i + "%s = %s(%s)" % (v, c.fn_snake(), c.snake(1)),
                         "except (KeyError, ValueError) as exc:", i + "logger.warning(%r, exc)" % "failed: %s",
                         i + "raise"]),
            (3, lambda: ["# " + c.sentence()]),
            (3, lambda: ["%s = [%s for %s in %s if %s.%s]" % (v, w, w, c.snake(), w, c.word())]),
            (3, lambda: ["return %s(%s=%s)" % (c.pascal(), c.snake(1), v)]),
            (2, lambda: ['%s = f"{%s}/%s/{%s}"' % (v, c.snake(1), c.word(), c.snake(1))]),
            (2, lambda: ["with open(%s) as fh:" % c.snake(1), i + "%s = json.load(fh)" % v]),
            # ordinary code that contains prefilter literals
            (c.lw(0.6), lambda: ["if self.enabled and %s:" % v, i + "self.%s()" % c.fn_snake()]),
            (c.lw(0.4), lambda: ["%s.enabled = %s" % (c.snake(1), c.rng.choice(["True", "False"]))]),
            (c.lw(0.3), lambda: ["%s = self.get_variant(%s)" % (v, c.snake(1))]),
            (c.lw(0.2), lambda: ["# variation of %s; see %s" % (c.word(), c.sentence())]),
        ])

    def flag(self, c, key):
        i = self.ind
        K = key.upper()
        return c.pick([
            (5, lambda: ['if flags.is_on("%s"):' % key, i + "return self.%s(%s)" % (c.fn_snake(), c.snake(1))]),
            (3, lambda: ['if not flags.is_off("%s", default=False):' % key, i + "%s()" % c.fn_snake()]),
            (4, lambda: ['%s = client.get_boolean_value("%s", False)' % (c.snake(), key)]),
            (2, lambda: ['%s = of_client.get_string_value(flag_key="%s", default_value="control")' % (c.snake(), key)]),
            (3, lambda: ['%s = ld_client.variation("%s", context, False)' % (c.snake(), key)]),
            (2, lambda: ['if unleash_client.is_enabled("%s"):' % key, i + "%s()" % c.fn_snake()]),
            (2, lambda: ['if flags.is_feature_enabled("%s"):' % key, i + "%s()" % c.fn_snake()]),
            (3, lambda: ['if os.environ.get("FLAG_%s", "false") == "true":' % K, i + "%s()" % c.fn_snake()]),
            (2, lambda: ['%s = os.getenv("FEATURE_%s")' % (c.snake(), K)]),
            (1, lambda: ['%s = os.environ["FF_%s"]' % (c.snake(), K)]),
        ])

    def const_flag(self, c, key):
        name = "FLAG_" + key.upper()
        return ['%s = "%s"' % (name, key)], ["if flags.is_on(%s):" % name, self.ind + "%s()" % c.fn_snake()]

    def decoy(self, c):
        return c.pick([
            (4, lambda: ['%s = os.environ.get("%s")' % (c.snake(1), c.rng.choice(ENV_DECOYS))]),
            (2, lambda: ['%s = os.getenv("%s", "")' % (c.snake(1), c.rng.choice(ENV_DECOYS))]),
            (1, lambda: ['# flags.is_on("%s") was removed after the rollout' % c.flag_key()]),
            (1, lambda: ['HELP = "use client.get_boolean_value(key, default) to read a flag"']),
        ])

    def wrap_fn(self, c, name, body, test=False):
        args = ", ".join(c.rng.sample(WORDS, c.rng.randint(0, 3)))
        if test:
            return ["def test_%s(%s):" % (name, args)] + [self.ind + l for l in body] + [""]
        return ["def %s(self%s):" % (name, ", " + args if args else "")] + \
               [self.ind + '"""' + c.sentence() + '"""'] + [self.ind + l for l in body] + [""]

    def file(self, c, units, test=False, consts=()):
        out = self.header(c, test) + list(consts) + ([""] if consts else [])
        if test:
            for name, body in units:
                out += self.wrap_fn(c, name, body, test=True) + [""]
            return out
        out += ["", "class %s:" % c.pascal(), self.ind + '"""' + c.sentence() + '"""', ""]
        for name, body in units:
            out += [self.ind + l if l else "" for l in self.wrap_fn(c, name, body)]
        return out

    def fn_name(self, c):
        return c.fn_snake()


class Go:
    lit_rate = 0.12
    ext = ["go"]
    ind = "\t"

    def header(self, c, test=False):
        pkgs = ["context", "encoding/json", "errors", "fmt", "net/http", "os", "sort", "strings",
                "sync", "time", "strconv", "io"]
        out = ["// Package %s %s" % (c.word(), c.sentence()), "package %s" % c.word(), "", "import ("]
        for p in sorted(c.rng.sample(pkgs, c.rng.randint(3, 7))):
            out.append('\t"%s"' % p)
        if test:
            out.append('\t"testing"')
        out += ['', '\t"github.com/acme/platform/internal/%s"' % c.word(), ")", ""]
        out += ["type %s struct {" % c.pascal()]
        for _ in range(c.rng.randint(2, 6)):
            out.append("\t%s %s `json:\"%s\"`" % (c.pascal(1), c.rng.choice(["string", "int", "bool", "time.Time", "[]string", "*Config"]), c.word()))
        out += ["}", ""]
        return out

    def stmt(self, c):
        i = self.ind
        v = c.camel()
        return c.pick([
            (10, lambda: ["%s, err := %s.%s(ctx, %s)" % (v, c.camel(1), c.fn_pascal(), c.camel(1)),
                          "if err != nil {", i + 'return nil, fmt.Errorf("%s: %%w", err)' % c.fn_snake(), "}"]),
            (6, lambda: ["%s := %s.%s" % (v, c.camel(1), c.pascal(1))]),
            (5, lambda: ["for _, %s := range %s {" % (c.word(), c.camel()), i + "%s = append(%s, %s.%s)" % (v, v, c.word(), c.pascal(1)), "}"]),
            (4, lambda: ["if %s == nil {" % v, i + "return nil, errors.New(\"%s not found\")" % c.word(), "}"]),
            (4, lambda: ['log.Printf("%s %%v", %s)' % (c.sentence(), v)]),
            (3, lambda: ["// " + c.sentence()]),
            (3, lambda: ["%s := map[string]int{" % v, i + '"%s": %s,' % (c.word(), c.num()), i + '"%s": %s,' % (c.word(), c.num()), "}"]),
            (3, lambda: ["defer %s.Close()" % c.camel(1)]),
            (2, lambda: ["switch %s.%s {" % (c.camel(1), c.pascal(1)), 'case "%s":' % c.word(), i + "%s++" % c.camel(1), "default:", i + "break", "}"]),
            (c.lw(0.5), lambda: ["if cfg.Enabled {", i + "%s.%s()" % (c.camel(1), c.fn_pascal()), "}"]),
            (c.lw(0.4), lambda: ["%s := %s.StringValue()" % (v, c.camel(1))]),
            (c.lw(0.3), lambda: ["if !%s.IsEnabled() {" % c.camel(1), i + "return nil, nil", "}"]),
        ])

    def flag(self, c, key):
        i = self.ind
        K = key.upper()
        return c.pick([
            (5, lambda: ['if flags.IsOn("%s") {' % key, i + "%s()" % c.fn_pascal(), "}"]),
            (4, lambda: ['%s, _ := client.BooleanValue(ctx, "%s", false, openfeature.EvaluationContext{})' % (c.camel(), key)]),
            (3, lambda: ['%s, _ := ldClient.BoolVariation("%s", ldCtx, false)' % (c.camel(), key)]),
            (2, lambda: ['if unleash.IsEnabled("%s", unleash.WithFallback(false)) {' % key, i + "%s()" % c.fn_pascal(), "}"]),
            (2, lambda: ['if flagsmithFlags.IsFeatureEnabled("%s") {' % key, i + "%s()" % c.fn_pascal(), "}"]),
            (3, lambda: ['if os.Getenv("FLAG_%s") == "true" {' % K, i + "%s()" % c.fn_pascal(), "}"]),
            (1, lambda: ['%s, ok := os.LookupEnv("FEATURE_%s")' % (c.camel(), K)]),
        ])

    def const_flag(self, c, key):
        name = "Flag" + "".join(p.capitalize() for p in key.split("_"))
        return ['const %s = "%s"' % (name, key), ""], ["if flags.IsOn(%s) {" % name, self.ind + "%s()" % c.fn_pascal(), "}"]

    def decoy(self, c):
        return c.pick([
            (5, lambda: ['%s := os.Getenv("%s")' % (c.camel(1), c.rng.choice(ENV_DECOYS))]),
            (1, lambda: ['// flags.IsOn("%s") is gone since v2' % c.flag_key()]),
            (1, lambda: ['const usage = "call client.BoolVariation(key, ctx, fallback)"']),
        ])

    def file(self, c, units, test=False, consts=()):
        out = self.header(c, test) + list(consts)
        recv = c.pascal()
        for name, body in units:
            if test:
                out.append("func Test%s(t *testing.T) {" % name)
            else:
                out.append("// %s %s" % (name, c.sentence()))
                out.append("func (s *%s) %s(ctx context.Context, %s string) (*%s, error) {" % (recv, name, c.camel(1), c.pascal()))
            out += [self.ind + l for l in body]
            if not test:
                out.append("\treturn nil, nil")
            out += ["}", ""]
        return out

    def fn_name(self, c):
        return c.fn_pascal()


class TypeScript:
    lit_rate = 0.1
    ext = ["ts"]
    ind = "  "
    tsx = False
    js = False

    def header(self, c, test=False):
        out = ["// " + c.sentence()]
        for _ in range(c.rng.randint(2, 6)):
            out.append("import { %s, %s } from '%s/%s';" % (c.pascal(), c.camel(), c.rng.choice(["..", ".", "@acme"]), c.word()))
        if self.tsx:
            out.insert(1, "import React, { useState, useEffect } from 'react';")
        if test:
            out.append("import { describe, it, expect } from 'vitest';")
        out.append("")
        if not self.js:
            out += ["export interface %s {" % c.pascal()]
            for _ in range(c.rng.randint(2, 6)):
                out.append("  %s%s: %s;" % (c.camel(), c.rng.choice(["", "?"]), c.rng.choice(["string", "number", "boolean", "Date", "string[]", "Record<string, unknown>"])))
            out += ["}", ""]
        return out

    def stmt(self, c):
        i = self.ind
        v = c.camel()
        return c.pick([
            (10, lambda: ["const %s = await %s.%s(%s);" % (v, c.camel(1), c.fn_camel(), c.camel(1))]),
            (6, lambda: ["if (!%s) {" % v, i + "return %s;" % c.rng.choice(["null", "undefined", "[]", "false"]), "}"]),
            (5, lambda: ["for (const %s of %s) {" % (c.word(), c.camel()), i + "%s.push(%s.%s);" % (c.camel(1), c.word(), c.camel(1)), "}"]),
            (5, lambda: ["const %s = %s.map((x) => x.%s).filter(Boolean);" % (v, c.camel(), c.camel(1))]),
            (4, lambda: ["logger.debug(`%s ${%s}`);" % (c.sentence(), v)]),
            (4, lambda: ["const %s = {" % v, i + "%s: %s," % (c.camel(1), c.num()), i + "%s: '%s'," % (c.camel(1), c.word()), "};"]),
            (3, lambda: ["// " + c.sentence()]),
            (3, lambda: ["try {", i + "await %s(%s);" % (c.fn_camel(), c.camel(1)), "} catch (err) {", i + "throw new Error(`%s: ${err}`);" % c.word(), "}"]),
            (c.lw(0.6), lambda: ["if (options.enabled && %s) {" % v, i + "%s();" % c.fn_camel(), "}"]),
            (c.lw(0.4), lambda: ["this.enabled = %s;" % c.rng.choice(["true", "false"])]),
            (c.lw(0.3), lambda: ["const %s = field.getValue();" % v]),
            (c.lw(0.2), lambda: ["// variation: %s" % c.sentence()]),
        ])

    def flag(self, c, key):
        i = self.ind
        K = key.upper()
        choices = [
            (5, lambda: ['if (flags.isOn("%s")) {' % key, i + "%s();" % c.fn_camel(), "}"]),
            (4, lambda: ['const %s = await client.getBooleanValue("%s", false);' % (c.camel(), key)]),
            (3, lambda: ['const %s = await ldClient.variation("%s", context, false);' % (c.camel(), key)]),
            (2, lambda: ['if (unleash.isEnabled("%s")) {' % key, i + "%s();" % c.fn_camel(), "}"]),
            (2, lambda: ['if (flagsmith.hasFeature("%s")) {' % key, i + "%s();" % c.fn_camel(), "}"]),
            (3, lambda: ['if (process.env.FLAG_%s === "true") {' % K, i + "%s();" % c.fn_camel(), "}"]),
            (1, lambda: ['const %s = process.env["FEATURE_%s"] ?? "off";' % (c.camel(), K)]),
        ]
        if self.tsx:
            choices.append((4, lambda: ['const %s = useFlag("%s");' % (camel_of(key), key)]))
        return c.pick(choices)

    def const_flag(self, c, key):
        name = "FLAG_" + key.upper()
        return ['export const %s = "%s";' % (name, key), ""], ["if (flags.isOn(%s)) {" % name, self.ind + "%s();" % c.fn_camel(), "}"]

    def decoy(self, c):
        return c.pick([
            (3, lambda: ["const %s = process.env.%s;" % (c.camel(1), c.rng.choice(ENV_DECOYS))]),
            (2, lambda: ["if (process.env.NODE_ENV !== 'production') {", self.ind + "console.warn('dev build');", "}"]),
            (1, lambda: ['// flags.isOn("%s") was removed in the last cleanup' % c.flag_key()]),
            (1, lambda: ["const hint = 'read flags with client.getBooleanValue(key, false)';"]),
        ])

    def file(self, c, units, test=False, consts=()):
        out = self.header(c, test) + list(consts)
        if test:
            out.append("describe('%s', () => {" % c.pascal())
            for name, body in units:
                out.append("  it('%s', async () => {" % " ".join(name.split("_")))
                out += ["    " + l for l in body]
                out += ["    expect(%s).toBeTruthy();" % c.camel(1), "  });", ""]
            out.append("});")
            return out
        for name, body in units:
            if self.tsx and c.rng.random() < 0.5:
                comp = c.pascal()
                out.append("export function %s({ %s }: %sProps) {" % (comp, c.camel(1), comp))
                out += [self.ind + l for l in body]
                out += ["  return (", "    <div className=\"%s\">" % c.word(),
                        "      <%s %s={%s} />" % (c.pascal(), c.camel(1), c.camel(1)),
                        "      <span>{%s}</span>" % c.camel(1), "    </div>", "  );", "}", ""]
                continue
            args = ", ".join(w + ("" if self.js else ": " + c.rng.choice(["string", "number", c.pascal()])) for w in c.rng.sample(WORDS, c.rng.randint(0, 3)))
            out.append("export async function %s(%s)%s {" % (name, args, "" if self.js else ": Promise<%s | null>" % c.pascal()))
            out += [self.ind + l for l in body]
            out += ["  return null;", "}", ""]
        return out

    def fn_name(self, c):
        return c.fn_camel()


class Tsx(TypeScript):
    ext = ["tsx"]
    tsx = True


class JavaScript(TypeScript):
    ext = ["js", "mjs", "jsx"]
    js = True


class Java:
    lit_rate = 0.18
    ext = ["java"]
    ind = "    "

    def header(self, c, test=False):
        out = ["package com.acme.%s.%s;" % (c.word(), c.word()), ""]
        imps = ["java.util.List", "java.util.Map", "java.util.Optional", "java.util.ArrayList",
                "java.time.Instant", "java.util.stream.Collectors", "java.util.Objects"]
        for m in sorted(c.rng.sample(imps, c.rng.randint(2, 6))):
            out.append("import %s;" % m)
        if test:
            out.append("import org.junit.jupiter.api.Test;")
        out += ["", "/**", " * " + c.sentence(), " */"]
        return out

    def stmt(self, c):
        i = self.ind
        v = c.camel()
        return c.pick([
            (10, lambda: ["%s %s = %s.%s(%s);" % (c.pascal(), v, c.camel(1), c.fn_camel(), c.camel(1))]),
            (6, lambda: ["if (%s == null) {" % v, i + "throw new IllegalArgumentException(\"%s\");" % c.sentence(), "}"]),
            (5, lambda: ["for (%s %s : %s) {" % (c.pascal(1), c.word(), c.camel()), i + "%s.add(%s.get%s());" % (c.camel(1), c.word(), c.pascal(1)), "}"]),
            (4, lambda: ["List<%s> %s = %s.stream().filter(Objects::nonNull).collect(Collectors.toList());" % (c.pascal(1), v, c.camel())]),
            (4, lambda: ["LOG.info(\"%s {}\", %s);" % (c.sentence(), v)]),
            (3, lambda: ["// " + c.sentence()]),
            (3, lambda: ["try {", i + "%s.%s(%s);" % (c.camel(1), c.fn_camel(), v), "} catch (IllegalStateException e) {", i + "LOG.warn(\"failed\", e);", "}"]),
            (c.lw(1.2), lambda: ["%s %s = %s.getValue();" % (c.rng.choice(["String", "int", "Object"]), v, c.camel(1))]),
            (c.lw(0.6), lambda: ["if (%s.isEnabled()) {" % c.camel(1), i + "%s();" % c.fn_camel(), "}"]),
        ])

    def flag(self, c, key):
        i = self.ind
        K = key.upper()
        return c.pick([
            (5, lambda: ['if (flags.isOn("%s")) {' % key, i + "%s();" % c.fn_camel(), "}"]),
            (4, lambda: ['boolean %s = client.getBooleanValue("%s", false);' % (c.camel(), key)]),
            (3, lambda: ['boolean %s = ldClient.boolVariation("%s", context, false);' % (c.camel(), key)]),
            (2, lambda: ['if (unleash.isEnabled("%s")) {' % key, i + "%s();" % c.fn_camel(), "}"]),
            (3, lambda: ['if ("true".equals(System.getenv("FLAG_%s"))) {' % K, i + "%s();" % c.fn_camel(), "}"]),
        ])

    def const_flag(self, c, key):
        name = "FLAG_" + key.upper()
        return ['    static final String %s = "%s";' % (name, key), ""], ["if (flags.isOn(%s)) {" % name, self.ind + "%s();" % c.fn_camel(), "}"]

    def decoy(self, c):
        return c.pick([
            (4, lambda: ['String %s = System.getenv("%s");' % (c.camel(1), c.rng.choice(ENV_DECOYS))]),
            (1, lambda: ['// flags.isOn("%s") removed in 4.2' % c.flag_key()]),
            (1, lambda: ['String doc = "ldClient.boolVariation(key, ctx, false) reads a flag";']),
        ])

    def file(self, c, units, test=False, consts=()):
        cls = c.pascal() + ("Test" if test else "")
        out = self.header(c, test) + ["public class %s {" % cls, ""]
        out += ["    private static final Logger LOG = LoggerFactory.getLogger(%s.class);" % cls, ""] + list(consts)
        for name, body in units:
            if test:
                out += ["    @Test", "    void %s() {" % name]
            else:
                out += ["    public %s %s(%s %s) {" % (c.pascal(), name, c.pascal(1), c.camel(1))]
            out += ["        " + l for l in body]
            if not test:
                out.append("        return null;")
            out += ["    }", ""]
        out.append("}")
        return out

    def fn_name(self, c):
        return c.fn_camel()


class Ruby:
    lit_rate = 0.09
    ext = ["rb"]
    ind = "  "

    def header(self, c, test=False):
        out = ["# frozen_string_literal: true", ""]
        for _ in range(c.rng.randint(1, 4)):
            out.append("require '%s/%s'" % (c.word(), c.word()))
        if test:
            out.append("require 'rails_helper'")
        return out + [""]

    def stmt(self, c):
        i = self.ind
        v = c.snake()
        return c.pick([
            (10, lambda: ["%s = %s.%s(%s)" % (v, c.snake(1), c.fn_snake(), c.snake(1))]),
            (6, lambda: ["return %s if %s.nil?" % (c.rng.choice(["nil", "[]", "false"]), v)]),
            (5, lambda: ["%s.each do |%s|" % (c.snake(), c.word()), i + "%s << %s.%s" % (c.snake(1), c.word(), c.snake(1)), "end"]),
            (4, lambda: ["Rails.logger.info(\"%s #{%s}\")" % (c.sentence(), v)]),
            (4, lambda: ["%s = {" % v, i + "%s: %s," % (c.word(), c.num()), i + "%s: '%s'" % (c.word(), c.word()), "}"]),
            (3, lambda: ["# " + c.sentence()]),
            (3, lambda: ["%s = %s.select { |x| x.%s? }.map(&:%s)" % (v, c.snake(), c.word(), c.word())]),
            (c.lw(0.6), lambda: ["if %s.enabled?" % c.snake(1), i + "%s" % c.fn_snake(), "end"]),
        ])

    def flag(self, c, key):
        i = self.ind
        K = key.upper()
        return c.pick([
            (5, lambda: ['if flags.enabled?("%s")' % key, i + c.fn_snake(), "end"]),
            (3, lambda: ['%s = client.fetch_boolean_value(flag_key: "%s", default_value: false)' % (c.snake(), key)]),
            (3, lambda: ['%s = ld_client.variation("%s", context, false)' % (c.snake(), key)]),
            (2, lambda: ['if unleash.is_enabled?("%s")' % key, i + c.fn_snake(), "end"]),
            (3, lambda: ['if ENV["FLAG_%s"] == "true"' % K, i + c.fn_snake(), "end"]),
            (1, lambda: ['%s = ENV.fetch("FEATURE_%s", "false")' % (c.snake(), K)]),
        ])

    def const_flag(self, c, key):
        name = "FLAG_" + key.upper()
        return ['  %s = "%s"' % (name, key), ""], ["if flags.enabled?(%s)" % name, self.ind + c.fn_snake(), "end"]

    def decoy(self, c):
        return c.pick([
            (4, lambda: ['%s = ENV["%s"]' % (c.snake(1), c.rng.choice(ENV_DECOYS))]),
            (2, lambda: ['%s = ENV.fetch("%s", nil)' % (c.snake(1), c.rng.choice(ENV_DECOYS))]),
            (1, lambda: ['# flags.enabled?("%s") was removed' % c.flag_key()]),
        ])

    def file(self, c, units, test=False, consts=()):
        out = self.header(c, test)
        if test:
            # Constants read in the spec are top-level constants of the spec file.
            out += [l.strip() for l in consts]
            out.append("RSpec.describe %s do" % c.pascal())
            for name, body in units:
                out.append("  it '%s' do" % " ".join(name.split("_")))
                out += ["    " + l for l in body]
                out += ["  end", ""]
            out.append("end")
            return out
        out += ["module %s" % c.pascal(), "  class %s < ApplicationRecord" % c.pascal()] + [("  " + l if l else l) for l in consts]
        for name, body in units:
            out.append("    def %s(%s)" % (name, c.snake(1)))
            out += ["      " + l for l in body]
            out += ["    end", ""]
        out += ["  end", "end"]
        return out

    def fn_name(self, c):
        return c.fn_snake()


class Rust:
    lit_rate = 0.13
    ext = ["rs"]
    ind = "    "

    def header(self, c, test=False):
        out = ["//! " + c.sentence(), ""]
        uses = ["std::collections::HashMap", "std::sync::Arc", "std::fmt", "serde::{Deserialize, Serialize}",
                "anyhow::{Context, Result}", "std::time::Duration", "tokio::sync::Mutex"]
        for u in sorted(c.rng.sample(uses, c.rng.randint(2, 5))):
            out.append("use %s;" % u)
        out += ["", "#[derive(Debug, Clone, Serialize, Deserialize)]", "pub struct %s {" % c.pascal()]
        for _ in range(c.rng.randint(2, 6)):
            out.append("    pub %s: %s," % (c.snake(1), c.rng.choice(["String", "u64", "bool", "Vec<String>", "Option<i64>"])))
        return out + ["}", ""]

    def stmt(self, c):
        i = self.ind
        v = c.snake()
        return c.pick([
            (10, lambda: ["let %s = %s.%s(&%s)?;" % (v, c.snake(1), c.fn_snake(), c.snake(1))]),
            (6, lambda: ["if %s.is_empty() {" % v, i + "return Ok(None);", "}"]),
            (5, lambda: ["for %s in %s.iter() {" % (c.word(), c.snake()), i + "%s.push(%s.%s.clone());" % (c.snake(1), c.word(), c.snake(1)), "}"]),
            (4, lambda: ["tracing::debug!(%s = ?%s, \"%s\");" % (c.word(), v, c.sentence())]),
            (4, lambda: ["let %s: Vec<_> = %s.iter().filter(|x| x.%s).collect();" % (v, c.snake(), c.snake(1))]),
            (3, lambda: ["// " + c.sentence()]),
            (3, lambda: ["let %s = match %s {" % (v, c.snake(1)), i + "Some(x) => x,", i + "None => return Ok(None),", "};"]),
            (c.lw(0.5), lambda: ["if self.enabled {", i + "self.%s();" % c.fn_snake(), "}"]),
        ])

    def flag(self, c, key):
        i = self.ind
        K = key.upper()
        return c.pick([
            (5, lambda: ['if flags.is_on("%s") {' % key, i + "self.%s();" % c.fn_snake(), "}"]),
            (3, lambda: ['let %s = client.get_bool_value("%s", None, None).await;' % (c.snake(), key)]),
            (2, lambda: ['let %s = ld_client.bool_variation(&ctx, "%s", false);' % (c.snake(), key)]),
            (3, lambda: ['if std::env::var("FLAG_%s").is_ok() {' % K, i + "self.%s();" % c.fn_snake(), "}"]),
        ])

    def const_flag(self, c, key):
        name = "FLAG_" + key.upper()
        return ['const %s: &str = "%s";' % (name, key), ""], ["if flags.is_on(%s) {" % name, self.ind + "self.%s();" % c.fn_snake(), "}"]

    def decoy(self, c):
        return c.pick([
            (4, lambda: ['let %s = std::env::var("%s").unwrap_or_default();' % (c.snake(1), c.rng.choice(ENV_DECOYS))]),
            (1, lambda: ['// flags.is_on("%s") was removed' % c.flag_key()]),
        ])

    def file(self, c, units, test=False, consts=()):
        out = self.header(c, test) + list(consts)
        if test:
            out += ["#[cfg(test)]", "mod tests {", "    use super::*;", ""]
            for name, body in units:
                out += ["    #[test]", "    fn %s() {" % name]
                out += ["        " + l for l in body]
                out += ["    }", ""]
            return out + ["}"]
        out.append("impl %s {" % c.pascal())
        for name, body in units:
            out.append("    pub async fn %s(&self, %s: &str) -> Result<Option<%s>> {" % (name, c.snake(1), c.pascal()))
            out += ["        " + l for l in body]
            out += ["        Ok(None)", "    }", ""]
        return out + ["}"]

    def fn_name(self, c):
        return c.fn_snake()


LANGS = {
    "python": (Python(), 0.24),
    "go": (Go(), 0.16),
    "typescript": (TypeScript(), 0.15),
    "tsx": (Tsx(), 0.07),
    "javascript": (JavaScript(), 0.09),
    "java": (Java(), 0.14),
    "ruby": (Ruby(), 0.08),
    "rust": (Rust(), 0.07),
}

# where each language lives: (dir template, test dir template)
LAYOUT = {
    "python": ("services/{svc}/{pkg}", "services/{svc}/tests"),
    "go": ("cmd/{svc}/internal/{pkg}", "cmd/{svc}/internal/{pkg}"),
    "typescript": ("web/src/{pkg}", "web/src/{pkg}/__tests__"),
    "tsx": ("web/src/components/{pkg}", "web/src/components/{pkg}/__tests__"),
    "javascript": ("legacy/{svc}/lib", "legacy/{svc}/test"),
    "java": ("java/{svc}/src/main/java/com/acme/{pkg}", "java/{svc}/src/test/java/com/acme/{pkg}"),
    "ruby": ("rails/app/{pkg}", "rails/spec/{pkg}"),
    "rust": ("crates/{svc}/src", "crates/{svc}/tests"),
}


def file_lines(rng):
    # log-normal, median ~230, clipped to 50..2000
    return int(min(2000, max(50, rng.lognormvariate(math.log(230), 0.85))))


def make_file(c, lang, target, flag_reads=0, decoys=0, test=False, const_reads=0):
    """Lines of one file of about `target` lines with the given number of flag reads and decoys.

    Returns (lines, number of flag reads written)."""
    c.lit_ok = c.rng.random() < lang.lit_rate
    units = []  # [name, [statement line lists]]
    total = 12  # header, class wrapper, footer
    while total < target or not units:
        stmts = []
        for _ in range(c.rng.randint(3, 14)):
            s = lang.stmt(c)
            stmts.append(s)
            total += len(s)
        units.append([lang.fn_name(c), stmts])
        total += 4
    inserts = []
    for _ in range(flag_reads):
        inserts.append(lang.flag(c, c.flag_key()))
    for _ in range(decoys):
        inserts.append(lang.decoy(c))
    consts = []
    for _ in range(const_reads):
        decl, use = lang.const_flag(c, c.flag_key())
        consts += decl
        inserts.append(use)
    for ins in inserts:
        stmts = c.rng.choice(units)[1]
        stmts.insert(c.rng.randint(0, len(stmts)), ins)
    built = [(name, [l for s in stmts for l in s]) for name, stmts in units]
    return lang.file(c, built, test=test, consts=consts), flag_reads + const_reads


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    return len(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000, help="lines of scanned code (default 1000000)")
    ap.add_argument("--out", required=True, help="output directory (recreated)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--flag-rate", type=float, default=0.035, help="fraction of files that read flags")
    ap.add_argument("--decoy-rate", type=float, default=0.06, help="fraction of files with look-alikes")
    ap.add_argument("--big-tests", type=int, default=None, help="big flag-reading test files (default: 3 per 1M lines)")
    ap.add_argument("--vendor-fraction", type=float, default=0.08, help="extra lines under vendor/ and node_modules/")
    a = ap.parse_args()

    out = a.out
    if os.path.exists(out):
        if os.listdir(out) and not os.path.exists(os.path.join(out, MARKER)):
            sys.exit("refusing to delete %s: not empty and not a generated tree (no %s)" % (out, MARKER))
        shutil.rmtree(out)
    os.makedirs(out)
    with open(os.path.join(out, MARKER), "w") as f:
        f.write("generated by benches/gen_tree.py --lines %d --seed %d\n" % (a.lines, a.seed))

    rng = random.Random(a.seed)
    c = Ctx(rng)
    names = list(LANGS)
    weights = [LANGS[n][1] for n in names]
    svcs = ["%s-%s" % (w1, w2) for w1, w2 in zip(rng.sample(WORDS, 12), rng.sample(WORDS, 12))]
    pkgs = rng.sample(WORDS, 60)

    stats = {"seed": a.seed, "scanned": {"files": 0, "lines": 0, "bytes": 0}, "skipped_dirs": {"files": 0, "lines": 0, "bytes": 0},
             "by_language": {}, "flag_files": 0, "flag_reads": 0, "decoy_files": 0, "big_test_files": 0}
    used = {}

    def path_for(lname, test, base=""):
        lang = LANGS[lname][0]
        d = LAYOUT[lname][1 if test else 0].format(svc=rng.choice(svcs), pkg=rng.choice(pkgs))
        ext = rng.choice(lang.ext)
        if lname == "go" and test:
            stem = c.snake(1) + "_test"
        elif lname == "python" and test:
            stem = "test_" + c.snake(1)
        elif lname == "java":
            stem = c.pascal() + ("Test" if test else "")
        elif lname in ("typescript", "tsx", "javascript"):
            stem = (c.pascal() if lname == "tsx" else c.camel()) + (".test" if test else "")
        elif lname == "ruby" and test:
            stem = c.snake(1) + "_spec"
        else:
            stem = c.snake(rng.randint(1, 2))
        p = os.path.join(base, d, stem + "." + ext)
        k = used.get(p, 0)
        used[p] = k + 1
        if k:
            p = os.path.join(base, d, "%s_%d.%s" % (stem, k, ext))
        return p

    def account(part, lname, lines, nbytes, reads=0):
        s = stats[part]
        s["files"] += 1
        s["lines"] += lines
        s["bytes"] += nbytes
        if part == "scanned":
            bl = stats["by_language"].setdefault(lname, {"files": 0, "lines": 0, "flag_reads": 0})
            bl["files"] += 1
            bl["lines"] += lines
            bl["flag_reads"] += reads

    # 1. big test files that really read flags (hundreds of reads each)
    n_big = a.big_tests if a.big_tests is not None else max(1, round(3 * a.lines / 1_000_000))
    for _ in range(n_big):
        lname = rng.choice(["python", "go", "typescript", "java", "ruby"])
        lang = LANGS[lname][0]
        target = rng.randint(3000, 8000)
        lines, nkeys = make_file(c, lang, target, flag_reads=target // 12, decoys=target // 200, test=True)
        p = path_for(lname, True)
        account("scanned", lname, len(lines), write(os.path.join(out, p), lines), nkeys)
        stats["flag_files"] += 1
        stats["flag_reads"] += nkeys
        stats["big_test_files"] += 1

    # 2. the bulk
    while stats["scanned"]["lines"] < a.lines:
        lname = rng.choices(names, weights)[0]
        lang = LANGS[lname][0]
        target = min(file_lines(rng), a.lines - stats["scanned"]["lines"] + 20)
        test = rng.random() < 0.18
        reads = decoys = consts = 0
        if rng.random() < a.flag_rate:
            reads = rng.choice([1, 1, 1, 1, 2, 2, 3, 5, 8])
            consts = 1 if rng.random() < 0.25 else 0
            stats["flag_files"] += 1
        if rng.random() < a.decoy_rate:
            decoys = rng.choice([1, 1, 2, 3])
            stats["decoy_files"] += 1
        lines, nkeys = make_file(c, lang, target, reads, decoys, test, consts)
        stats["flag_reads"] += nkeys
        p = path_for(lname, test)
        account("scanned", lname, len(lines), write(os.path.join(out, p), lines), nkeys)

    # 3. vendor/ (Go) and web/node_modules/ (JS): SDK-heavy code nobody should scan
    budget = int(a.lines * a.vendor_fraction)
    done = 0
    while done < budget:
        if rng.random() < 0.5:
            lname, base = "go", "vendor/github.com/%s/%s" % (c.word(), c.word())
        else:
            lname, base = "javascript", "web/node_modules/@%s/%s/dist" % (c.word(), c.word())
        lang = LANGS[lname][0]
        target = file_lines(rng)
        lines, _ = make_file(c, lang, target, flag_reads=rng.randint(0, 6), decoys=rng.randint(0, 3))
        p = os.path.join(base, c.snake(1) + "." + lang.ext[0])
        k = used.get(p, 0)
        used[p] = k + 1
        if k:
            p = p[:-len(lang.ext[0]) - 1] + "_%d.%s" % (k, lang.ext[0])
        account("skipped_dirs", lname, len(lines), write(os.path.join(out, p), lines))
        done += len(lines)

    stats["by_language"] = dict(sorted(stats["by_language"].items()))
    print(json.dumps(stats, sort_keys=True))


if __name__ == "__main__":
    main()
