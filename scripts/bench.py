#!/usr/bin/env python3
"""Load benchmark of Los (issue 7): the release binary against a loaded installation, driven by
wrk (Debian package `wrk`) at 1, 16 and 64 connections.

    python3 scripts/bench.py --backend sqlite --scale national --seconds 10

Builds the release binary, loads the demo at the chosen scale into a database of its own (kept
between runs under target/bench/, so the national data is built once per backend), starts
`los serve --demo`, signs in a coordinator and a service leader, and measures:

  start page      GET /                          the coordinator's start page (plans, meetings, deadlines)
  person          GET /persons/{id}              a person's overview (audited before the answer)
  waiting list    GET /services/{id}/waiting-list a service's waiting list, as its leader (each person audited)
  dashboard       GET /municipalities/{id}/dashboard  the municipality dashboard, when the route exists
  referral        POST /api/v1/persons/{id}/referrals  a new referral with its audit event
  static          GET /assets/los.css            a static file: the framework's ceiling in the same run

It prints a Markdown table (p50 and p99 latency, requests per second, non-2xx answers) with the
start-up time and the server's peak resident memory (VmHWM), ready for docs/benchmarks.md.
Standard library only.
"""

import argparse
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Demo-Los-2026"
PORT = 18080
BASE = f"http://127.0.0.1:{PORT}"

REPORT_LUA = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"duration_us":%d,"socket_errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""

GET_LUA = r"""
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") or ""
"""

REFERRAL_LUA = r"""
local persons = {}
for line in io.lines(os.getenv("BENCH_PERSONS")) do persons[#persons + 1] = line end
local services = {}
for line in io.lines(os.getenv("BENCH_SERVICES")) do services[#services + 1] = line end
local threads = 0
setup = function(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
local counter = 0
request = function()
  -- Each thread walks its own share of the (person, service) pairs, so no pair repeats:
  -- a second open referral to the same service would be refused.
  local n = counter * 2 + (offset or 0)
  counter = counter + 1
  local person = persons[(n % #persons) + 1]
  local service = services[(math.floor(n / #persons) % #services) + 1]
  local body = '{"to_service":"' .. service .. '","reason":"Belastningstest","priority":"normal"}'
  return wrk.format("POST", "/api/v1/persons/" .. person .. "/referrals",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")}, body)
end
"""


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def sql(backend, url, query):
    """One query against the benchmark database; rows as lists of strings."""
    if backend == "sqlite":
        path = url[len("sqlite://"):]
        out = subprocess.run(["sqlite3", "-separator", "\t", path, query], check=True, capture_output=True, text=True)
    else:
        out = subprocess.run(["psql", "-At", "-F", "\t", url, "-c", query], check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def wait_ready(timeout=120):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"{BASE}/readyz", timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.005)
    raise SystemExit("los serve did not become ready")


def sign_in(username):
    """Signs in with the password (the demo offers the second factor, it does not force it);
    returns the Cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{BASE}/login") as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    fields = {"username": username, "password": PASSWORD}
    if token:
        fields["csrf_token"] = html.unescape(token.group(1))
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(f"{BASE}/login", data=data, headers={"Origin": BASE})
    with opener.open(request) as response:
        response.read()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    check = urllib.request.Request(f"{BASE}/", headers={"Cookie": cookies})
    with urllib.request.urlopen(check) as response:
        if "/login" in response.url:
            raise SystemExit(f"could not sign in as {username}")
    return cookies


def wrk(url_path, connections, seconds, script, env):
    threads = str(min(connections, 2))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(script + REPORT_LUA)
    try:
        out = subprocess.run(
            ["wrk", "-t", threads, "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "--latency",
             "-s", lua.name,
             f"{BASE}{url_path}"],
            check=True, capture_output=True, text=True, env={**os.environ, **env})
    finally:
        os.unlink(lua.name)
    line = next(l for l in out.stdout.splitlines() if l.startswith("BENCH "))
    result = json.loads(line[len("BENCH "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", choices=["town", "national"], default="town")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", default="1,16,64")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    for tool in ["wrk", "sqlite3" if args.backend == "sqlite" else "psql"]:
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (apt-get install {'postgresql-client' if tool == 'psql' else tool})")

    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    run(["cargo", "build", "--release", "--locked", "-p", "los"], cwd=ROOT)
    binary = os.path.join(target, "release", "los")
    work = os.path.join(target, "bench")
    os.makedirs(work, exist_ok=True)
    if args.backend == "sqlite":
        url = f"sqlite://{os.path.join(work, f'{args.scale}.db')}"
    else:
        name = f"los_bench_{args.scale}"
        url = f"{args.postgres}/{name}"
        exists = subprocess.run(["psql", "-At", f"{args.postgres}/postgres", "-c",
                                 f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                                check=True, capture_output=True, text=True).stdout.strip()
        if not exists:
            run(["psql", "-q", f"{args.postgres}/postgres", "-c", f"CREATE DATABASE {name}"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOS_")}
    env["LOS_SECURE_COOKIES"] = "false"
    env["RUST_LOG"] = "warn"

    loaded_marker = os.path.join(work, f"{args.backend}-{args.scale}.loaded")
    load_seconds = None
    if not os.path.exists(loaded_marker):
        started = time.monotonic()
        run([binary, "--database", url, "demo", "--scale", args.scale], env=env, stdout=subprocess.DEVNULL)
        load_seconds = time.monotonic() - started
        with open(loaded_marker, "w") as marker:
            marker.write(f"{load_seconds:.0f}\n")
    else:
        with open(loaded_marker) as marker:
            load_seconds = float(marker.read().strip() or "nan")

    national = args.scale == "national"
    coordinator = "koordinator-9001" if national else "koordinator"
    leader = "leder-9001" if national else "leder"
    org_of = lambda user: (f"SELECT m.organization_id FROM memberships m JOIN accounts a ON a.id = m.account_id "
                           f"WHERE a.username = '{user}' LIMIT 1")
    person = sql(args.backend, url,
                 f"SELECT e.person_id FROM episodes e JOIN services s ON s.id = e.service_id "
                 f"WHERE s.provider_organization_id = ({org_of(coordinator)}) AND e.end_date IS NULL "
                 f"ORDER BY e.person_id LIMIT 1")[0][0]
    waiting = sql(args.backend, url,
                  f"SELECT r.to_service_id, COUNT(*) FROM referrals r JOIN services s ON s.id = r.to_service_id "
                  f"WHERE s.provider_organization_id = ({org_of(leader)}) "
                  f"AND r.status IN ('received', 'accepted', 'offered') GROUP BY r.to_service_id "
                  f"ORDER BY COUNT(*) DESC LIMIT 1")[0]
    municipality = sql(args.backend, url,
                       f"SELECT municipality_id FROM services WHERE provider_organization_id = ({org_of(leader)}) "
                       f"AND municipality_id IS NOT NULL LIMIT 1")[0][0]

    # Start-up to ready as in production: `serve` without the demo loader, on the loaded data.
    plain = subprocess.Popen([binary, "--database", url, "serve", "--listen", f"127.0.0.1:{PORT}"],
                             env={**env, "LOS_SECURE_COOKIES": "false"}, stdout=subprocess.DEVNULL)
    try:
        startup = wait_ready()
    finally:
        plain.terminate()
        plain.wait()
    # The demo mode lets the benchmark sign in without a second factor.
    server = subprocess.Popen([binary, "--database", url, "serve", "--demo", "--listen", f"127.0.0.1:{PORT}"],
                              env=env, stdout=subprocess.DEVNULL)
    try:
        wait_ready(timeout=600)
        coordinator_cookie = sign_in(coordinator)
        leader_cookie = sign_in(leader)
        dashboard = f"/municipalities/{municipality}/dashboard"
        try:
            urllib.request.urlopen(urllib.request.Request(f"{BASE}{dashboard}", headers={"Cookie": leader_cookie}))
            has_dashboard = True
        except urllib.error.HTTPError:
            has_dashboard = False
        cases = [
            ("coordinator's start page", "/", coordinator_cookie),
            ("person overview", f"/persons/{person}", coordinator_cookie),
            (f"waiting list ({waiting[1]} waiting)", f"/services/{waiting[0]}/waiting-list", leader_cookie),
        ]
        if has_dashboard:
            cases.append(("municipality dashboard", dashboard, leader_cookie))
        cases.append(("static file (ceiling)", "/assets/los.css", ""))
        connections = [int(c) for c in args.connections.split(",")]
        rows = []
        for label, path, cookie in cases:
            for c in connections:
                result = wrk(path, c, args.seconds, GET_LUA, {"BENCH_COOKIE": cookie})
                rows.append((label, c, result))
                print(f"{label:32} c={c:<3} p50 {result['p50_us'] / 1000:7.2f} ms  p99 {result['p99_us'] / 1000:7.2f} ms  "
                      f"{result['rps']:8.0f} req/s  non-2xx {result['non2xx']}", file=sys.stderr)
        # Referrals: a municipality per connection count, each thread with its own pairs.
        for index, c in enumerate(connections):
            user = f"koordinator-{9001 + index}" if national else coordinator
            token = subprocess.run([binary, "--database", url, "account", "token", user, "--name", f"bench-{time.time_ns()}"],
                                   env=env, check=True, capture_output=True, text=True).stdout
            token = next(line for line in token.splitlines() if line.startswith("los_"))
            persons = sql(args.backend, url,
                          f"SELECT DISTINCT e.person_id FROM episodes e JOIN services s ON s.id = e.service_id "
                          f"WHERE s.provider_organization_id = ({org_of(user)}) AND e.end_date IS NULL")
            # Services none of these persons has been referred to, so no pair meets an open referral.
            services = sql(args.backend, url,
                           f"SELECT s.id FROM services s WHERE NOT EXISTS (SELECT 1 FROM referrals r "
                           f"JOIN episodes e ON e.person_id = r.person_id JOIN services es ON es.id = e.service_id "
                           f"WHERE r.to_service_id = s.id AND es.provider_organization_id = ({org_of(user)})) "
                           f"ORDER BY s.id LIMIT 200")
            with tempfile.TemporaryDirectory() as lists:
                persons_file = os.path.join(lists, "persons")
                services_file = os.path.join(lists, "services")
                with open(persons_file, "w") as f:
                    f.write("\n".join(p[0] for p in persons) + "\n")
                with open(services_file, "w") as f:
                    f.write("\n".join(s[0] for s in services) + "\n")
                result = wrk("/", c, args.seconds, REFERRAL_LUA,
                             {"BENCH_TOKEN": token, "BENCH_PERSONS": persons_file, "BENCH_SERVICES": services_file})
            rows.append(("create a referral", c, result))
            print(f"{'create a referral':32} c={c:<3} p50 {result['p50_us'] / 1000:7.2f} ms  p99 "
                  f"{result['p99_us'] / 1000:7.2f} ms  {result['rps']:8.0f} req/s  non-2xx {result['non2xx']}",
                  file=sys.stderr)
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait()

    print(f"\n### {args.backend}, {args.scale} scale — {time.strftime('%Y-%m-%d')}\n")
    print(f"- machine: {os.cpu_count()} cores, {platform.machine()}, {platform.system()} {platform.release()}")
    print(f"- command: `python3 scripts/bench.py --backend {args.backend} --scale {args.scale} --seconds {args.seconds}`")
    print(f"- loading the {args.scale} demo: {load_seconds:.0f} s; start-up to ready (`serve`, no demo loader): "
          f"{startup * 1000:.0f} ms; "
          f"peak RSS of the server over the whole run: {rss:.0f} MB\n")
    print("| case | connections | p50 ms | p99 ms | requests/s | non-2xx | timeouts and socket errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, c, r in rows:
        print(f"| {label} | {c} | {r['p50_us'] / 1000:.2f} | {r['p99_us'] / 1000:.2f} | {r['rps']:.0f} | {r['non2xx']} "
              f"| {r['socket_errors']} |")


if __name__ == "__main__":
    main()
