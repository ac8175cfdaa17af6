"""Measure the case API against a real server (gunicorn), and the same queries raw against the database.

    python bench/run_cases.py measure --fixture bench/var/postgresql/fixture.json --out bench/var/postgresql/run.json
    python bench/run_cases.py report bench/var/*/run.json --json bench/results/cases.json --md bench/results/cases.md

`measure` starts `tipsom serve` (gunicorn) on the database of TIPSOM_DATABASE_URL, then for every scenario and for
1 and 20 concurrent clients sends requests from a closed loop of threads (no think time, one keep-alive
connection per client, stdlib only) and records p50, p95 and throughput. In the same run it replays the SQL that
the selectors issue for the same request (captured once through Django, then executed with the plain DB driver,
one connection per client thread) as the floor: what the database alone costs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TARGET_MS = 100.0  # p95 of the case list with 20 concurrent clients on PostgreSQL (issue 4, "Speed")
CONCURRENCY = (1, 20)
# Per measurement: at most this many requests, and no longer than this many seconds (at least MIN_REQUESTS).
LIMITS = {1: (200, 20.0), 20: (1000, 30.0)}
MIN_REQUESTS = 20
WARMUP_REQUESTS = 5


# --- Scenarios ------------------------------------------------------------------------------------------------
FLOOR_PATH = "/api/v1/bench/floor/"  # tipsom.bench_urls, served when TIPSOM_BENCH_FLOOR=1
# CPU per request (1 client) allowed, as a multiple of the framework floor's CPU plus the scenario's raw SQL time
# (issue 10), or in milliseconds for the HTML pages.
CPU_RATIO_TARGETS = {"list": 2.0, "detail": 3.0}
PAGE_TARGET_MS = 20.0


@dataclass
class Scenario:
    name: str
    user: str  # key of fixture["users"]
    kind: str  # "list", "detail" (API), "floor" (the framework floor), "page" (HTML, signed in with a session)
    # One or more parameter sets; requests rotate over them (case numbers, names, case ids).
    variants: list[dict[str, str]] = field(default_factory=lambda: [{}])
    target: bool = False  # the target applies (case list on PostgreSQL, 20 clients)
    base: str = "/api/v1/cases/"

    @property
    def session(self) -> bool:
        return self.kind == "page"

    def path(self, variant: dict[str, str]) -> str:
        """The base, then the variant's id as a path segment, then its other keys as the query."""
        query = urllib.parse.urlencode({k: v for k, v in variant.items() if k != "id"})
        segment = f"{variant['id']}/" if "id" in variant else ""
        return self.base + segment + (f"?{query}" if query else "")


def scenarios(fixture: dict[str, Any]) -> list[Scenario]:
    cases = fixture["sample_cases"][:20]
    names = fixture["sample_names"][:20] or ["Nobody Known"]
    country = fixture["organizations"][fixture["country"]]
    own_org = str(fixture["users"]["case_manager"]["organization"])
    listed = [
        ("case list", {}),
        ("case list status=Active", {"status": "Active"}),
        ("case list is_child=true", {"is_child": "true"}),
        ("case list exploitation=ForcedLabour", {"exploitation": "ForcedLabour"}),
        ("case list citizenship=BO", {"citizenship": "BO"}),
        ("case list organization=<own>", {"organization": own_org}),
    ]
    result = [Scenario("framework floor", "case_manager", "floor", base=FLOOR_PATH)]
    result += [Scenario(name, "case_manager", "list", [params], target=True) for name, params in listed]
    result += [
        Scenario("case list q=<case number>", "case_manager", "list", [{"q": n} for _pk, n in cases], target=True),
        Scenario("case list q=<name>", "case_manager", "list", [{"q": name} for name in names], target=True),
        Scenario("case detail", "case_manager", "detail", [{"id": str(pk)} for pk, _n in cases]),
        # Other scopes: the national coordinator (country) and a child protection agency (cases it was notified of).
        Scenario("case list [national coordinator]", "national_coordinator", "list", [{}], target=True),
        Scenario(
            "case list organization=<police> [national coordinator]",
            "national_coordinator",
            "list",
            [{"organization": str(country["police"])}],
            target=True,
        ),
        Scenario("case list [child protection officer]", "child_protection_officer", "list", [{}], target=True),
        # The pages, signed in with a session as a browser is: the list (with its filter form) and a case.
        Scenario("case list page", "case_manager", "page", [{}], base="/cases/"),
        Scenario("case page", "case_manager", "page", [{"id": str(pk)} for pk, _n in cases], base="/cases/"),
    ]
    return result


# --- Statistics -----------------------------------------------------------------------------------------------
def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


@dataclass
class Sample:
    latencies_ms: list[float]
    elapsed_s: float
    errors: int

    def summary(self) -> dict[str, float]:
        return {
            "p50_ms": round(statistics.median(self.latencies_ms), 2),
            "p95_ms": round(percentile(self.latencies_ms, 95), 2),
            "throughput_rps": round(len(self.latencies_ms) / self.elapsed_s, 1),
            "requests": len(self.latencies_ms),
            "errors": self.errors,
        }


def closed_loop(clients: int, make_worker: Callable[[], Callable[[int], None]]) -> Sample:
    """`clients` threads, each calling its worker back to back until the request or time limit is reached."""
    max_requests, max_seconds = LIMITS[clients]
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    deadline = start + max_seconds

    def run() -> None:
        nonlocal issued, errors
        worker = make_worker()
        while True:
            with lock:
                now = time.perf_counter()
                if issued >= max_requests or (now > deadline and issued >= MIN_REQUESTS):
                    return
                number = issued
                issued += 1
            began = time.perf_counter()
            try:
                worker(number)
            except Exception as exc:  # noqa: BLE001  (counted and shown, the run goes on)
                with lock:
                    errors += 1
                    if errors <= 3:
                        print(f"    error: {exc!r}", flush=True)
                continue
            took = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(took)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        for future in [pool.submit(run) for _ in range(clients)]:
            future.result()
    return Sample(latencies or [float("nan")], time.perf_counter() - start, errors)


# --- HTTP -----------------------------------------------------------------------------------------------------
class Client:
    """One keep-alive connection, reopened when the server closes it. Signed in by an API token, or by a session
    cookie (`session=True`: the token argument is then the session key)."""

    def __init__(self, host: str, port: int, token: str, *, session: bool = False) -> None:
        self.host, self.port = host, port
        if session:
            self.headers = {"Cookie": f"sessionid={token}", "Accept": "text/html"}
        else:
            self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.connection: http.client.HTTPConnection | None = None

    def get(self, path: str) -> tuple[int, bytes]:
        return self.request("GET", path)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        """`body` is sent as JSON (the matching check's POST)."""
        headers = self.headers if body is None else {**self.headers, "Content-Type": "application/json"}
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                answer = response.read()
                if "Cookie" in self.headers:
                    self._keep_cookies(response.msg.get_all("Set-Cookie") or [])
                if response.getheader("Connection", "").lower() == "close":
                    self.connection.close()
                    self.connection = None
                return response.status, answer
            except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest):
                self.connection.close()
                self.connection = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        """A browser sends back the cookies it is given (the CSRF cookie a page sets): so does a session client."""
        jar = dict(part.split("=", 1) for part in self.headers["Cookie"].split("; "))
        for header in set_cookies:
            name, _, value = header.split(";", 1)[0].partition("=")
            jar[name.strip()] = value.strip()
        self.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in jar.items())


class Server:
    def __init__(self, port: int, workers: int, threads: int, log: Path) -> None:
        self.port, self.workers, self.threads, self.log = port, workers, threads, log
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {
            **os.environ,
            "TIPSOM_API_USER_RATE": "100000000/min",  # the throttle would otherwise cap the bench at 20 req/s
            "TIPSOM_DEBUG": "false",
            "TIPSOM_BENCH_FLOOR": "1",  # serve the framework floor (tipsom.bench_urls)
        }
        tipsom = Path(sys.executable).with_name("tipsom")
        command = [str(tipsom), "serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--threads", str(self.threads)]  # fmt: skip
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
        self.process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start; see {self.log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    time.sleep(1.0)  # let every worker boot
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the server did not start within 60s; see {self.log}")

    def cpu_seconds(self) -> float:
        """User and system CPU time used so far by the gunicorn workers (the children of `tipsom serve`)."""
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        ticks = 0
        for child in children:
            try:
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        return ticks / os.sysconf("SC_CLK_TCK")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def check_answer(scenario: Scenario, variant: dict[str, str], status: int, body: bytes) -> int:
    """The first answer of each variant is read in full: a benchmark of error pages would be worthless."""
    if status != 200:
        raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: HTTP {status}: {body[:300]!r}")
    if scenario.kind == "page":
        if b"</html>" not in body or b'name="password"' in body:
            raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: not the page: {body[:300]!r}")
        return 1
    data = json.loads(body)
    if scenario.kind in ("list", "floor"):
        if not data.get("results"):
            raise RuntimeError(f"{scenario.name} {scenario.path(variant)}: no rows")
        return len(data["results"])
    return 1


def measure_api(scenario: Any, token: str, port: int, clients: int) -> Sample:
    paths = [scenario.path(v) for v in scenario.variants]

    def make_worker() -> Callable[[int], None]:
        client = Client("127.0.0.1", port, token, session=getattr(scenario, "session", False))

        def work(number: int) -> None:
            status, body = client.get(paths[number % len(paths)])
            if status != 200:
                raise RuntimeError(f"HTTP {status}: {body[:200]!r}")

        return work

    return closed_loop(clients, make_worker)


# --- Raw SQL --------------------------------------------------------------------------------------------------
def capture_sql(scenario: Scenario, fixture: dict[str, Any]) -> list[list[str]]:
    """Per variant, the SQL statements the view runs for its data, as executable text: an API view is called
    in-process once with Django's query capture (its user's grants and token look-up excepted: the request's
    overhead, not data), then replayed without it. A page is requested through Django's test client with the
    bench session: every SELECT it runs but the session's own row (the user and grants included)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve
    from rest_framework.test import APIRequestFactory, force_authenticate

    from tipsom.accounts.models import User
    from tipsom.cases.models import Case
    from tipsom.core.permissions import user_can

    factory = APIRequestFactory()
    statements = []
    for variant in scenario.variants:
        path = scenario.path(variant)
        user = User.objects.get(pk=fixture["users"][scenario.user]["id"])
        if scenario.session:
            browser = DjangoClient(HTTP_COOKIE=f"sessionid={fixture['users'][scenario.user]['session']}")
            with CaptureQueriesContext(connection) as captured:
                response = browser.get(path)
            data = response.status_code
        else:
            user_can(user, "view", Case)  # the grants query (cached on the user) is overhead, not data
            request = factory.get(path)
            force_authenticate(request, user=user)
            match = resolve(urllib.parse.urlsplit(path).path)
            with CaptureQueriesContext(connection) as captured:
                response = match.func(request, *match.args, **match.kwargs)
            data = getattr(response, "data", response.status_code)
        if response.status_code != 200:
            raise RuntimeError(f"{scenario.name}: the view answered {response.status_code}: {data}")
        selects = [
            q["sql"] for q in captured.captured_queries
            if q["sql"].lstrip().upper().startswith("SELECT") and '"django_session"' not in q["sql"]
        ]  # fmt: skip
        statements.append(selects)
    return statements


def bench_sessions(fixture: dict[str, Any], plan: list[Scenario]) -> None:
    """A signed-in session (with a verified second factor when the role needs one) for each user of a page
    scenario, as the sign-in screens would leave it; its key goes in fixture["users"][user]["session"]."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tipsom.accounts.models import User
    from tipsom.accounts.services import user_requires_2fa

    for name in {s.user for s in plan if s.session}:
        user = User.objects.get(pk=fixture["users"][name]["id"])
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if user_requires_2fa(user):
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        fixture["users"][name]["session"] = session.session_key


def raw_connector() -> Callable[[], Any]:
    import dj_database_url

    config = dj_database_url.parse(os.environ["TIPSOM_DATABASE_URL"])
    if "sqlite" in config["ENGINE"]:
        import sqlite3

        path = config["NAME"]
        return lambda: sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    import psycopg

    conninfo = psycopg.conninfo.make_conninfo(
        dbname=config["NAME"], user=config["USER"], password=config["PASSWORD"] or None,
        host=config["HOST"] or None, port=config["PORT"] or None,
    )  # fmt: skip
    return lambda: psycopg.connect(conninfo, autocommit=True)


def measure_raw(statements: list[list[str]], connect: Callable[[], Any], clients: int) -> Sample:
    connections: list[Any] = []

    def make_worker() -> Callable[[int], None]:
        db = connect()
        connections.append(db)

        def work(number: int) -> None:
            for sql in statements[number % len(statements)]:
                cursor = db.execute(sql)
                cursor.fetchall()

        return work

    try:
        return closed_loop(clients, make_worker)
    finally:
        for db in connections:
            db.close()


def explain(statements: list[str], connect: Callable[[], Any], vendor: str) -> list[str]:
    db = connect()
    try:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        plans = []
        for sql in statements:
            rows = db.execute(prefix + sql).fetchall()
            plans.append("\n".join(" | ".join(str(c) for c in row) for row in rows))
        return plans
    finally:
        db.close()


# --- The run --------------------------------------------------------------------------------------------------
def measure_scenarios(
    *,
    backend: str,
    plan: list[Any],
    fixture: dict[str, Any],
    sql: dict[str, Any],
    connect: Any,
    vendor: str,
    args: argparse.Namespace,
    concurrency: Any,
    check: Any,
    width: int,
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Serve tipsom and measure each scenario at each concurrency: the API, then the same SQL raw (the floor).
    `check(scenario, variant, status, body)` validates a first answer and returns its row count (shared with
    run_referrals.py)."""
    results: list[dict[str, Any]] = []
    plans: dict[str, list[str]] = {}
    with Server(args.port, args.workers, args.threads, args.out.with_suffix(".server.log")) as server:
        for scenario in plan:
            session = getattr(scenario, "session", False)
            token = fixture["users"][scenario.user]["session" if session else "token"]
            rows = []
            probe = Client("127.0.0.1", args.port, token, session=session)
            for variant in scenario.variants:
                status, body = probe.get(scenario.path(variant))
                rows.append(check(scenario, variant, status, body))
            for number in range(WARMUP_REQUESTS):
                probe.get(scenario.path(scenario.variants[number % len(scenario.variants)]))
            plans[scenario.name] = explain(sql[scenario.name][0], connect, vendor)  # every statement of the first
            for clients in concurrency:
                load_before = os.getloadavg()[0]
                cpu_before = server.cpu_seconds()
                api = measure_api(scenario, token, args.port, clients).summary()
                # The server's CPU per request (its gunicorn workers: Django, DRF, the driver; not the database's).
                api["cpu_ms"] = round((server.cpu_seconds() - cpu_before) * 1000 / max(api["requests"], 1), 2)
                raw = measure_raw(sql[scenario.name], connect, clients).summary()
                load = [round(load_before, 2), round(os.getloadavg()[0], 2)]
                print(
                    f"{backend:10} {scenario.name:{width}} {clients:>2} clients: api p95 {api['p95_ms']:8.1f} ms "
                    f"p50 {api['p50_ms']:7.1f} ms {api['throughput_rps']:7.1f}/s cpu {api['cpu_ms']:5.1f} ms"
                    f" | raw p95 {raw['p95_ms']:7.1f} ms"
                    f"{'  ERRORS ' + str(api['errors']) if api['errors'] else ''}  (load {load[0]}-{load[1]})",
                    flush=True,
                )
                results.append(
                    {
                        "scenario": scenario.name, "user": scenario.user, "kind": scenario.kind,
                        "clients": clients, "path": scenario.path(scenario.variants[0]),
                        "variants": len(scenario.variants), "rows_first_page": rows[0],
                        "target": TARGET_MS if scenario.target and backend == "postgresql" and clients == 20 else None,
                        "api": api, "raw": raw, "statements": len(sql[scenario.name][0]), "load_average": load,
                    }
                )  # fmt: skip
    return results, plans


def measure(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")
    os.environ["TIPSOM_BENCH_FLOOR"] = "1"  # the floor's URL, for capturing its SQL as the server's
    import django

    django.setup()
    from django.db import connection

    fixture = json.loads(args.fixture.read_text())
    vendor = connection.vendor
    backend = "postgresql" if vendor == "postgresql" else "sqlite"
    connect = raw_connector()
    plan = scenarios(fixture)
    if args.only:
        plan = [s for s in plan if s.kind == "floor" or any(word in s.name for word in args.only)]
    bench_sessions(fixture, plan)
    sql = {s.name: capture_sql(s, fixture) for s in plan}
    connection.close()
    results, plans = measure_scenarios(
        backend=backend, plan=plan, fixture=fixture, sql=sql, connect=connect, vendor=vendor, args=args,
        concurrency=CONCURRENCY, check=check_answer, width=55,
    )  # fmt: skip
    run = {
        "backend": backend,
        "scale": fixture["scale"],
        "machine": machine(),
        "server": {"command": "tipsom serve (gunicorn gthread)", "workers": args.workers, "threads": args.threads},
        "generation_seconds": fixture.get("seconds"),
        "rows": fixture.get("rows"),
        "measurements": results,
        "plans": plans,
        "sql": {name: statements[0] for name, statements in sql.items()},
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(run, indent=2, ensure_ascii=False))
    print(f"-> {args.out}")


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.system()}
    try:
        model = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
        info["cpu"] = model.split(":", 1)[1].strip()
        mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        info["memory_gb"] = round(int(mem.split()[1]) / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    return info


# --- Report ---------------------------------------------------------------------------------------------------
def entries(run: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for m in run["measurements"]:
        clients = "1 client" if m["clients"] == 1 else f"{m['clients']} concurrent clients"
        name = f"{m['scenario']}, {clients}"
        common = {"backend": run["backend"], "scale": run["scale"], "clients": m["clients"], "path": m["path"]}
        for metric, unit in (("p95_ms", "ms"), ("p50_ms", "ms"), ("throughput_rps", "requests/s")):
            yield {
                "name": name, **common, "metric": metric, "value": m["api"][metric], "unit": unit,
                "target": m["target"] if metric == "p95_ms" else None,
                "floor": m["raw"][metric] if metric != "throughput_rps" else None,
            }  # fmt: skip
        if m["api"].get("cpu_ms") is not None:
            yield {
                "name": name, **common, "metric": "cpu_ms", "value": m["api"]["cpu_ms"], "unit": "ms of server CPU",
                "target": None, "floor": None,
            }  # fmt: skip
        for metric, unit in (("p95_ms", "ms"), ("p50_ms", "ms")):
            yield {
                "name": f"{name}, raw SQL", **common, "metric": metric, "value": m["raw"][metric], "unit": unit,
                "target": None, "floor": None,
            }  # fmt: skip


def measurement_table(measurements: list[dict]) -> list[str]:
    """The markdown table of one run's measurements (shared with run_referrals.py)."""
    lines = [
        "| scenario | clients | API p50 ms | API p95 ms | req/s | server CPU ms/req | raw SQL p50 ms "
        "| raw SQL p95 ms (floor) | target | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in measurements:
        api, raw = r["api"], r["raw"]
        target = ""
        if r["target"] is not None:
            target = f"≤ {r['target']:.0f} ms: " + ("met" if api["p95_ms"] <= r["target"] else "**missed**")
        lines.append(
            f"| {r['scenario']} | {r['clients']} | {api['p50_ms']:.1f} | {api['p95_ms']:.1f} | "
            f"{api['throughput_rps']:.1f} | {api.get('cpu_ms', float('nan')):.1f} | {raw['p50_ms']:.1f} | "
            f"{raw['p95_ms']:.1f} | {target} | "
            f"{'–'.join(str(x) for x in r.get('load_average', []))} |"
        )
    return lines


def ratios(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Per scenario with 1 client: the server's CPU per request against the framework floor's, and the target of
    issue 10: an API list may cost 2x the floor's CPU plus its own raw SQL time (p50), a detail 3x plus its raw
    SQL, a page 20 ms of CPU."""
    single = [m for m in run["measurements"] if m["clients"] == 1 and m["api"].get("cpu_ms") is not None]
    floor = next((m for m in single if m["kind"] == "floor"), None)
    if floor is None:
        return []
    floor_cpu = floor["api"]["cpu_ms"]
    rows = []
    for m in single:
        if m["kind"] == "floor":
            continue
        cpu, raw = m["api"]["cpu_ms"], m["raw"]["p50_ms"]
        row = {
            "scenario": m["scenario"], "kind": m["kind"], "cpu_ms": cpu, "raw_p50_ms": raw,
            "p50_ms": m["api"]["p50_ms"], "floor_cpu_ms": floor_cpu, "floor_raw_p50_ms": floor["raw"]["p50_ms"],
            "ratio": round(cpu / floor_cpu, 2) if floor_cpu else None,
        }  # fmt: skip
        if m["kind"] in CPU_RATIO_TARGETS:
            row["allowed_ms"] = round(CPU_RATIO_TARGETS[m["kind"]] * floor_cpu + raw, 2)
            row["target"] = f"≤ {CPU_RATIO_TARGETS[m['kind']]:g}x floor + raw SQL = {row['allowed_ms']:.2f} ms"
        elif m["kind"] == "page":
            row["allowed_ms"] = PAGE_TARGET_MS
            row["target"] = f"≤ {PAGE_TARGET_MS:g} ms"
        if "allowed_ms" in row:
            row["met"] = cpu <= row["allowed_ms"]
        rows.append(row)
    return rows


def ratio_table(run: dict[str, Any]) -> list[str]:
    rows = ratios(run)
    if not rows:
        return []
    first = rows[0]
    lines = [
        f"Framework floor (`{FLOOR_PATH}`: an authenticated DRF view answering 50 rows through the same middleware, "
        f"knox and throttles), 1 client: server CPU {first['floor_cpu_ms']:.2f} ms per request, its raw SQL p50 "
        f"{first['floor_raw_p50_ms']:.2f} ms. Server CPU = the gunicorn workers' user + system time over the "
        "requests (/proc), the database's excluded.",
        "",
        "| scenario (1 client) | server CPU ms/req | x floor CPU | raw SQL p50 ms | API p50 ms | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        target = row.get("target", "")
        if target:
            target += ": " + ("met" if row["met"] else "**missed**")
        lines.append(
            f"| {row['scenario']} | {row['cpu_ms']:.2f} | {row['ratio']:.2f} | {row['raw_p50_ms']:.2f} | "
            f"{row['p50_ms']:.1f} | {target} |"
        )
    return ["", *lines]


def report(args: argparse.Namespace) -> None:
    runs = [json.loads(Path(p).read_text()) for p in args.runs if Path(p).exists()]
    runs = [run for run in runs if args.scale is None or run["scale"] == args.scale]
    runs.sort(key=lambda r: r["backend"] != "postgresql")
    data = [entry for run in runs for entry in entries(run)]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = [
        "# Case API benchmark",
        "",
        "Closed loop, no think time; raw SQL = the view's data queries replayed through the DB driver (the floor). "
        "Load avg = the machine's 1-minute load average before and after the measurement (2 cores: above 2, "
        "other work competed for the CPU). See bench/README.md.",
        "",
    ]
    for run in runs:
        m = run["machine"]
        lines += [
            f"## {run['backend']}, {run['scale']:,} cases",
            "",
            f"Run {run['finished_at']} on {m.get('cpus')} cores ({m.get('cpu', '?')}), {m.get('memory_gb', '?')} GB; "
            f"server: {run['server']['command']}, {run['server']['workers']} workers x {run['server']['threads']} "
            f"threads; generated in {run.get('generation_seconds')} s: {run.get('rows')}.",
            "",
            *measurement_table(run["measurements"]),
            *ratio_table(run),
        ]
        lines.append("")
    args.md.write_text("\n".join(lines))
    print(f"-> {args.json}, {args.md}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure", help="measure one backend (TIPSOM_DATABASE_URL)")
    m.add_argument("--fixture", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--port", type=int, default=8765)
    m.add_argument("--workers", type=int, default=4)
    m.add_argument("--threads", type=int, default=2)
    m.add_argument("--only", nargs="*", help="run only the scenarios whose name holds one of these words")
    r = sub.add_parser("report", help="merge runs into the results JSON and markdown table")
    r.add_argument("runs", nargs="+")
    r.add_argument("--scale", type=int, help="only the runs at this scale")
    r.add_argument("--json", type=Path, default=Path("bench/results/cases.json"))
    r.add_argument("--md", type=Path, default=Path("bench/results/cases.md"))
    args = parser.parse_args()
    measure(args) if args.command == "measure" else report(args)


if __name__ == "__main__":
    main()
