#!/usr/bin/env python3
"""Seed flagdebt's Unleash scenario into a server started by up.sh.

Run through seed.sh, which sources the env file written by up.sh and exports
its variables. Python 3 standard library only.

Scenario, project `default`, environments `development` and `production`:

  new-checkout       release      on in both envs (flexibleRollout 100 %), tag team:checkout,
                                  client metrics in both envs -> lastSeenAt set, lifecycle `live`
  legacy-search      release      created_at backdated 120 days -> potentially stale
  old-banner         release      archived
  gift-cards         release      marked stale
  dark-mode          experiment   on in development, off in production
  ops-kill-payments  kill-switch  on in production

Two things are computed by Unleash background jobs, not by the request:
  * potentially-stale: job `updatePotentiallyStaleFeatures`, every 60 s from
    boot (plus one run 2-30 s after boot);
  * lastSeenAt: job `storeLastSeen`, every 30 s.
By default (UNLEASH_SEED_SHORTCUTS=1) the seed writes the same columns those
jobs would write (`features.potentially_stale`, `last_seen_at_metrics`) with
SQL, so it finishes in seconds. With UNLEASH_SEED_SHORTCUTS=0 it waits for
Unleash's own jobs instead (up to ~60 s). Either way it then waits until the
admin API shows the expected state, and fails if it does not in time.

Safe to run twice against the same server: existing objects are kept.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

T0 = time.monotonic()


def log(msg):
    print(f"[seed {time.monotonic() - T0:5.1f}s] {msg}", file=sys.stderr, flush=True)


def die(msg):
    print(f"[seed] ERROR: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def env(name):
    v = os.environ.get(name)
    if not v:
        die(f"{name} is not set: run seed.sh with the env file written by up.sh")
    return v


URL = env("UNLEASH_URL").rstrip("/")
ADMIN = env("UNLEASH_ADMIN_TOKEN")
DB_URL = urllib.parse.urlparse(env("UNLEASH_DATABASE_URL"))
PG_BIN = env("UNLEASH_PG_BIN")
SHORTCUTS = os.environ.get("UNLEASH_SEED_SHORTCUTS", "1") != "0"
WAIT = float(os.environ.get("UNLEASH_SEED_TIMEOUT", "150"))
PROJECT = "default"
ENVS = ("development", "production")
BACKDATE_DAYS = 120

FLAGS = [
    # name, type, description
    ("new-checkout", "release", "New checkout flow"),
    ("legacy-search", "release", "Old search backend, long past its release lifetime"),
    ("old-banner", "release", "Promo banner, archived"),
    ("gift-cards", "release", "Gift cards, marked stale by hand"),
    ("dark-mode", "experiment", "Dark mode experiment; environments disagree"),
    ("ops-kill-payments", "kill-switch", "Emergency switch for payments"),
]
# flag -> environments to enable (each gets one flexibleRollout 100 % strategy)
ENABLED = {
    "new-checkout": ("development", "production"),
    "dark-mode": ("development",),
    "ops-kill-payments": ("production",),
}


def api(method, path, body=None, ok=(200, 201, 202, 204), token=None, quiet_codes=()):
    """Call the API; return (status, parsed JSON or None). Die on unexpected status."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header("Authorization", token or ADMIN)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    except (urllib.error.URLError, OSError) as e:
        die(f"{method} {path}: {e} (is the server up? see UNLEASH_LOG)")
    parsed = None
    if raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode(errors="replace")
    if status not in ok and status not in quiet_codes:
        die(f"{method} {path} -> HTTP {status}: {str(parsed)[:500]}")
    return status, parsed


def sql(statement):
    """Run SQL against the throwaway database (password via env, not argv)."""
    cmd = [
        os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
        "-h", DB_URL.hostname, "-p", str(DB_URL.port), "-U", DB_URL.username,
        "-d", DB_URL.path.lstrip("/"), "-c", statement,
    ]
    penv = dict(os.environ, PGPASSWORD=urllib.parse.unquote(DB_URL.password or ""))
    r = subprocess.run(cmd, env=penv, capture_output=True, text=True)
    if r.returncode != 0:
        die(f"SQL failed: {statement!r}: {r.stderr.strip()}")
    return r.stdout.strip()


def search(query):
    _, body = api("GET", f"/api/admin/search/features?project=IS:{PROJECT}&limit=100{query}")
    return {f["name"]: f for f in body["features"]}


def wait_until(what, check, timeout=WAIT, interval=0.5):
    start = time.monotonic()
    while True:
        got = check()
        if got:
            log(f"{what}: after {time.monotonic() - start:.1f}s")
            return got
        if time.monotonic() - start > timeout:
            die(f"timed out after {timeout:.0f}s waiting for: {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- preflight
def preflight():
    _, health = api("GET", "/health")
    if not isinstance(health, dict) or health.get("health") != "GOOD":
        die(f"/health is {health!r}, expected GOOD")
    _, body = api("GET", "/api/admin/environments")
    envs = {e["name"]: e for e in body["environments"]}
    for name in ENVS:
        if name not in envs:
            die(f"environment {name!r} does not exist (have {sorted(envs)})")
        if not envs[name]["enabled"]:
            die(f"environment {name!r} is disabled")
    _, overview = api("GET", f"/api/admin/projects/{PROJECT}/overview")
    in_project = {e["environment"] for e in overview.get("environments", [])}
    missing = set(ENVS) - in_project
    if missing:
        die(f"project {PROJECT!r} lacks environments {sorted(missing)}")
    if envs["production"]["type"] != "production":
        die("environment 'production' is not of type production")


# ------------------------------------------------------------------- seeding
def create_flags():
    for name, ftype, desc in FLAGS:
        status, _ = api(
            "POST", f"/api/admin/projects/{PROJECT}/features",
            {"name": name, "type": ftype, "description": desc}, quiet_codes=(409,),
        )
        if status == 409:
            log(f"{name} already exists, keeping it")


def backdate_legacy_search():
    cols = f"created_at = now() - interval '{BACKDATE_DAYS} days'"
    if SHORTCUTS:
        # Exactly what updatePotentiallyStaleFeatures() would write; the job
        # then sees nothing to change (so it stores no potentially-stale event).
        cols += ", potentially_stale = true"
    n = sql(f"UPDATE features SET {cols} WHERE name = 'legacy-search' RETURNING name")
    if n != "legacy-search":
        die("could not backdate legacy-search")


def enable_flags():
    strategy = {"name": "flexibleRollout", "constraints": [],
                "parameters": {"rollout": "100", "stickiness": "default", "groupId": ""}}
    for name, envs in ENABLED.items():
        for e in envs:
            base = f"/api/admin/projects/{PROJECT}/features/{name}/environments/{e}"
            _, existing = api("GET", f"{base}/strategies")
            if not existing:
                api("POST", f"{base}/strategies", dict(strategy, parameters=dict(strategy["parameters"], groupId=name)))
            api("POST", f"{base}/on")


def tag_new_checkout():
    api("POST", "/api/admin/tag-types", {"name": "team", "description": "Owning team"}, quiet_codes=(409,))
    api("POST", "/api/admin/features/new-checkout/tags", {"type": "team", "value": "checkout"}, quiet_codes=(409,))


def mark_gift_cards_stale():
    api("POST", f"/api/admin/projects/{PROJECT}/stale", {"features": ["gift-cards"], "stale": True})


def archive_old_banner():
    status, _ = api("DELETE", f"/api/admin/projects/{PROJECT}/features/old-banner", quiet_codes=(404, 403))
    if status != 202 and "old-banner" not in search("&lifecycle=IS:archived"):
        die(f"archiving old-banner -> HTTP {status} and it is not archived")


def send_metrics():
    """Client metrics for new-checkout in both environments, one backend token each."""
    now = datetime.now(timezone.utc)
    bucket = {
        "start": (now - timedelta(minutes=1)).isoformat().replace("+00:00", "Z"),
        "stop": now.isoformat().replace("+00:00", "Z"),
        "toggles": {"new-checkout": {"yes": 42, "no": 0}},
    }
    for e in ENVS:
        _, tok = api("POST", "/api/admin/api-tokens",
                     {"tokenName": f"flagdebt-seed-{e}", "type": "backend",
                      "environment": e, "projects": ["*"]})
        secret = tok["secret"]
        payload = {"appName": "flagdebt-seed", "instanceId": f"seed-{e}", "environment": e, "bucket": bucket}
        # A fresh token may take a moment to be accepted everywhere.
        for attempt in range(20):
            status, body = api("POST", "/api/client/metrics", payload, token=secret, quiet_codes=(401, 403))
            if status in (200, 202, 204):
                break
            time.sleep(0.5)
        else:
            die(f"POST /api/client/metrics ({e}) kept failing: HTTP {status} {body}")
        if SHORTCUTS:
            # What the storeLastSeen job (every 30 s) would write.
            sql("INSERT INTO last_seen_at_metrics (feature_name, environment, last_seen_at) "
                f"VALUES ('new-checkout', '{e}', now()) ON CONFLICT (feature_name, environment) "
                "DO UPDATE SET last_seen_at = excluded.last_seen_at")


# -------------------------------------------------------------------- verify
def potentially_stale_ok():
    names = set(search("&state=IS:potentially-stale"))
    return names == {"legacy-search"}


def last_seen_ok():
    f = search("").get("new-checkout")
    if not f:
        return False
    seen = {e["name"]: e.get("lastSeenAt") for e in f["environments"]}
    return all(seen.get(e) for e in ENVS)


def lifecycle_ok():
    f = search("").get("new-checkout")
    return bool(f) and (f.get("lifecycle") or {}).get("stage") == "live"


def verify_scenario():
    active = search("")
    archived = search("&lifecycle=IS:archived")
    problems = []

    def expect(cond, msg):
        if not cond:
            problems.append(msg)

    for name, ftype, _ in FLAGS:
        where = archived if name == "old-banner" else active
        f = where.get(name)
        if not f:
            problems.append(f"{name} missing from {'archived' if name == 'old-banner' else 'active'} search")
            continue
        expect(f["type"] == ftype, f"{name}: type {f['type']} != {ftype}")
        on = {e["name"]: e["enabled"] for e in f["environments"]}
        want = {e: e in ENABLED.get(name, ()) for e in ENVS}
        if name != "old-banner":
            expect(on == want, f"{name}: enabled {on} != {want}")
    expect(set(active) == {n for n, _, _ in FLAGS} - {"old-banner"}, f"active flags are {sorted(active)}")
    expect(set(archived) == {"old-banner"}, f"archived flags are {sorted(archived)}")
    expect(active.get("gift-cards", {}).get("stale") is True, "gift-cards is not stale")
    expect(all(not f["stale"] for n, f in active.items() if n != "gift-cards"), "an unexpected flag is stale")
    _, tags = api("GET", "/api/admin/features/new-checkout/tags")
    expect({"type": "team", "value": "checkout"} in [{"type": t["type"], "value": t["value"]} for t in tags["tags"]],
           f"new-checkout tags are {tags['tags']}")
    created = datetime.fromisoformat(active["legacy-search"]["createdAt"].replace("Z", "+00:00"))
    age = (datetime.now(timezone.utc) - created).days
    expect(age >= BACKDATE_DAYS - 1, f"legacy-search is only {age} days old")
    expect(potentially_stale_ok(), "potentially-stale search is not exactly {legacy-search}")
    if problems:
        die("seeded state is wrong:\n  " + "\n  ".join(problems))


def main():
    log(f"seeding {URL} (shortcuts={'on' if SHORTCUTS else 'off: waiting for Unleash jobs'})")
    preflight()
    create_flags()
    # Backdate first, so that without shortcuts the scheduler's next run
    # (every 60 s) has the longest possible head start.
    backdate_legacy_search()
    # Enable before metrics: lifecycle `live` needs production enabled when
    # the metrics are processed.
    enable_flags()
    send_metrics()
    tag_new_checkout()
    mark_gift_cards_stale()
    archive_old_banner()
    log("flags created; waiting for computed state")
    wait_until("new-checkout lifecycle is live (bulkAddMetrics job, every 5 s)", lifecycle_ok)
    wait_until("new-checkout has lastSeenAt in both environments", last_seen_ok)
    wait_until("search state=IS:potentially-stale lists exactly legacy-search", potentially_stale_ok)
    verify_scenario()
    log("seeded and verified")


if __name__ == "__main__":
    main()
