"""The fault scenario (bench/run.sh --fault): wrk on a mix of pages for 30 s while Redis is
stopped for 10 s and PostgreSQL cut for 10 s; non-2xx answers per phase, p99, and the
seconds the site takes to be back to normal after each fault.

The shared services are never touched: the application runs against a redis-server of its
own (stopped and started again, empty, as a restarted Redis is) and reaches PostgreSQL
through a TCP proxy that is cut (bench/faults.py). Requests go straight to gunicorn, not
through nginx, whose micro-cache would hide what the application does.
"""

import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlsplit

from bench.bench import BENCH, OUT, Servers, Site, log, tool
from bench.faults import RedisServer, TcpProxy

SECONDS = 30
CONNECTIONS = 8
TIMELINE = (  # seconds after wrk starts: what happens
    (3, "redis down"),
    (13, "redis up"),
    (16, "postgresql down"),
    (26, "postgresql up"),
)
RECOVERY_LIMIT = 30  # seconds past a fault's end to wait for normal service


def mix(targets: dict) -> list[str]:
    """Anonymous readers on cached pages and, one request in four, uncached pages ("!": the
    session cookie bypasses the page cache, as staff and readers with a session do)."""
    article, category = targets["article"]["url"], targets["category"]["url"]
    cached = [targets["home"], category, f"{category}?page=2", article, targets["rss"],
              article, targets["home"], f"{category}?utm_source=fb"]  # fmt: skip
    uncached = ["!" + article, "!" + category, "!" + targets["search"]["rare"]["url"]]
    return cached + uncached


class Prober(threading.Thread):
    """Asks a cached and an uncached page every 0.25 s and keeps what came back."""

    def __init__(self, base: str, targets: dict, redis_port: int):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        super().__init__(daemon=True)
        self.urls = [(base + targets["article"]["url"], False),
                     (base + targets["category"]["url"], True)]  # fmt: skip
        self.seen: list[tuple[float, str, int, str, float]] = []
        self.keys: list[tuple[float, int]] = []  # keys in the application's Redis over time
        self.redis = redis.Redis(
            port=redis_port,
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
            retry=Retry(NoBackoff(), 0),  # not redis-py's default backoff of seconds
        )
        self.running = True

    def _count_keys(self) -> int:
        try:
            return self.redis.dbsize()
        except Exception:  # stopped: that is the point
            return -1

    def stores_keys(self, event: float):
        """A check for normal_since(): Redis has keys again (the application writes to it)."""
        first = next((at for at, n in self.keys if at >= event and n > 0), None)
        return lambda at: first is not None and at >= first

    def run(self):
        while self.running:
            self.keys.append((time.monotonic(), self._count_keys()))
            for url, bypass in self.urls:
                headers = {"Cookie": "sessionid=bench"} if bypass else {}
                request = urllib.request.Request(url, headers=headers)  # noqa: S310 -- loopback
                started = time.monotonic()
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                        status, state = response.status, response.headers.get("X-Cache", "")
                except urllib.error.HTTPError as error:
                    status, state = error.code, error.headers.get("X-Cache", "")
                except OSError:
                    status, state = 0, ""
                kind = "uncached" if bypass else "cached"
                self.seen.append((started, kind, status, state, time.monotonic() - started))
            time.sleep(0.25)

    def normal_since(self, event: float, until: float, extra=lambda t: True) -> float | None:
        """Seconds from `event` until every later probe (before `until`, the next fault)
        answered 200, not from a stale copy."""
        window = [probe for probe in self.seen if event <= probe[0] < until]
        last_bad = event
        for at, _kind, status, state, _took in window:
            if status != 200 or state == "STALE" or not extra(at):
                last_bad = at
        later = [at for at, *_ in window if at > last_bad]
        return round(later[0] - event, 1) if later else None


def phase_of(offset: float) -> str:
    name = "before the faults"
    for at, event in TIMELINE:
        if offset >= at:
            name = {"redis down": "Redis stopped", "redis up": "after Redis returned",
                    "postgresql down": "PostgreSQL cut",
                    "postgresql up": "after PostgreSQL returned"}[event]  # fmt: skip
    return name


def run(args) -> None:
    OUT.mkdir(exist_ok=True)
    started = datetime.now()
    site = Site(args)
    site.work.mkdir(parents=True, exist_ok=True)
    site.prepare()
    targets = json.loads(site.probe("targets"))
    taken = (args.app_port, args.nginx_port)
    redis = RedisServer(exclude=taken).start()
    pg = urlsplit(args.pg)
    proxy = TcpProxy((pg.hostname or "127.0.0.1", pg.port or 5432),
                     exclude=(*taken, redis.port)).start()  # fmt: skip
    user = f"{pg.username}@" if pg.username else ""
    site.env["DATABASE_URL"] = f"{pg.scheme}://{user}127.0.0.1:{proxy.port}/{site.db}"
    site.env["REDIS_URL"] = redis.url
    servers = Servers(site, args)
    paths = mix(targets)
    log(f"fault scenario: redis-server :{redis.port}, PostgreSQL through :{proxy.port}")
    events, prober = {}, Prober(servers.app, targets, redis.port)
    try:
        servers.start()
        for path in paths:  # warm: each page once, cached pages into the cache
            urllib.request.urlopen(servers.app + path.lstrip("!"), timeout=30).read()  # noqa: S310
        prober.start()
        command = [tool("wrk"), "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s",
                   "-s", str(BENCH / "fault.lua"), servers.app]  # fmt: skip
        env = {**os.environ, "FAULT_PATHS": " ".join(paths)}
        wrk = subprocess.Popen(command, env=env, text=True, stdout=subprocess.PIPE)
        begin = time.monotonic()
        actions = {"redis down": redis.stop, "redis up": redis.start,
                   "postgresql down": proxy.cut, "postgresql up": proxy.restore}  # fmt: skip
        for at, event in TIMELINE:
            time.sleep(max(0.0, begin + at - time.monotonic()))
            actions[event]()
            events[event] = time.monotonic()
            log(f"t={time.monotonic() - begin:4.1f} s  {event}")
        output, _ = wrk.communicate(timeout=SECONDS + 60)
        wall_begin = time.time() - (time.monotonic() - begin)
        deadline = events["postgresql up"] + RECOVERY_LIMIT
        while (
            time.monotonic() < deadline
            and prober.normal_since(events["postgresql up"], deadline) is None
        ):
            time.sleep(0.5)
        time.sleep(2)
    finally:
        prober.running = False
        servers.stop()
        proxy.stop()
        redis.close()
    report = json.loads(
        next(line for line in reversed(output.splitlines()) if line.startswith("{"))
    )
    data = summarize(report, prober, events, begin, wall_begin)
    data.update(started=started.strftime("%Y-%m-%d %H:%M"), articles=targets["articles"],
                paths=paths, gunicorn=" ".join(servers.gunicorn_command()[1:-2]),
                load=" ".join(f"{x:.2f}" for x in os.getloadavg()))  # fmt: skip
    stamp = started.strftime("%Y%m%d-%H%M%S")
    markdown = render(data)
    (OUT / f"fault-{stamp}.md").write_text(markdown)
    (OUT / f"fault-{stamp}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(markdown)
    log(f"written bench/out/fault-{stamp}.md")


def summarize(report, prober, events, begin, wall_begin) -> dict:
    phases: dict[str, list[int]] = {}
    for second, (ok, e5xx, other) in sorted(report["seconds"].items()):
        name = phase_of(int(second) + 0.5 - wall_begin)  # one-second buckets: their middle
        bucket = phases.setdefault(name, [0, 0, 0])
        bucket[0], bucket[1], bucket[2] = bucket[0] + ok, bucket[1] + e5xx, bucket[2] + other
    probes = {}
    for at, kind, status, state, took in prober.seen:
        name = phase_of(at - begin)
        row = probes.setdefault(f"{name}|{kind}", {"statuses": {}, "max_ms": 0.0})
        label = f"{status} {state}".strip()
        row["statuses"][label] = row["statuses"].get(label, 0) + 1
        row["max_ms"] = max(row["max_ms"], round(took * 1000, 1))
    return {
        "requests": report["requests"],
        "non_2xx": report["status"],
        "socket_errors": sum(report[k] for k in ("connect", "read", "write", "timeout")),
        "p50_ms": report["p50_us"] / 1000,
        "p99_ms": report["p99_us"] / 1000,
        "max_ms": report["max_us"] / 1000,
        "phases": phases,
        "probes": probes,
        "probe_log": [
            (round(at - begin, 2), kind, status, state, round(took * 1000, 1))
            for at, kind, status, state, took in prober.seen
        ],  # fmt: skip
        "recovery_s": {
            "redis": prober.normal_since(
                events["redis up"],
                events["postgresql down"] - 1,  # a probe begun just before the cut meets it
                prober.stores_keys(events["redis up"]),
            ),
            "postgresql": prober.normal_since(events["postgresql up"], float("inf")),
        },
    }


def render(data: dict) -> str:
    lines = [
        f"# Fault scenario, {data['articles']:,} articles ({data['started']})",
        "",
        f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s straight to gunicorn (`{data['gunicorn']}`), a mix"
        f" of {len(data['paths'])} paths (one in four bypasses the page cache):"
        f" {' '.join(data['paths'])}. Redis stopped at 3 s and started again (empty) at 13 s;"
        f" PostgreSQL cut at 16 s and restored at 26 s. Load average after: {data['load']}.",
        "",
        f"- requests: {data['requests']:,}; not 2xx/3xx: {data['non_2xx']:,}; socket errors:"
        f" {data['socket_errors']}",
        f"- latency over the whole run: p50 {data['p50_ms']:.1f} ms, p99 {data['p99_ms']:.1f} ms,"
        f" max {data['max_ms']:.1f} ms",
        f"- back to normal after Redis returned: {data['recovery_s']['redis']} s (every probe"
        " 200 and the application storing keys in Redis again)",
        f"- back to normal after PostgreSQL returned: {data['recovery_s']['postgresql']} s"
        " (every probe 200, no stale copy)",
        "",
        "| phase | answered 2xx/3xx | 5xx | other 4xx |",
        "|---|---:|---:|---:|",
    ]
    for name, (ok, e5xx, other) in data["phases"].items():
        lines.append(f"| {name} | {ok:,} | {e5xx:,} | {other:,} |")
    lines += ["", "Probes (every 0.25 s): status and X-Cache, slowest answer.", "",
              "| phase | page | answers | slowest ms |", "|---|---|---|---:|"]  # fmt: skip
    for key, row in data["probes"].items():
        name, kind = key.split("|")
        answers = ", ".join(f"{label} ×{n}" for label, n in row["statuses"].items())
        lines.append(f"| {name} | {kind} | {answers} | {row['max_ms']} |")
    return "\n".join(lines) + "\n"
