"""The benchmark: an archive of N articles on PostgreSQL, the site served the production way,
wrk against each kind of page, every figure as a ratio to nginx serving the same article
page as a static file. Run it through bench/run.sh (or `make bench`); see README.md.

Steps: a fresh database (or --reuse the one from an earlier run), migrate, make_archive,
collectstatic, gunicorn (DEBUG off) and nginx (deploy/nginx.conf) on loopback, wrk per
scenario (requests/s at 16 connections, p50/p99 at 4), EXPLAIN ANALYZE of the pages'
queries, and the results as Markdown in bench/out/results-<timestamp>.md (and .json).
Every load run is bounded by --duration; servers started here are stopped here.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"
COOKIE = "sessionid=bench"  # any session cookie bypasses the page cache (and nginx's)
CEILING_PATH = "/static/bench/article.html"


def parse_args():
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=int(env("BENCH_ARTICLES", "100000")))
    parser.add_argument(
        "--reuse",
        action="store_true",
        default=env("BENCH_REUSE") == "1",
        help="keep the database of an earlier run when it has the articles",
    )
    parser.add_argument(
        "--db",
        default=env("BENCH_DB", ""),
        help="database name (default newsroom_bench_<articles>)",
    )
    parser.add_argument("--pg", default=env("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=env("BENCH_REDIS", "redis://127.0.0.1:6379/14"))
    parser.add_argument("--duration", type=int, default=int(env("BENCH_DURATION", "10")))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "4")))
    parser.add_argument("--threads", type=int, default=int(env("BENCH_THREADS", "2")))
    parser.add_argument("--worker-class", default=env("BENCH_WORKER_CLASS", "gthread"))
    parser.add_argument("--app-port", type=int, default=int(env("BENCH_APP_PORT", "18400")))
    parser.add_argument("--nginx-port", type=int, default=int(env("BENCH_NGINX_PORT", "18480")))
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(env("BENCH_REPEAT", "1")),
        help="rounds over all scenarios; each figure is the best round's",
    )
    parser.add_argument("--only", default="", help="comma-separated scenario keys (debugging)")
    parser.add_argument("--no-explain", action="store_true")
    parser.add_argument(
        "--fault",
        action="store_true",
        help="the fault scenario instead: Redis and PostgreSQL cut under load",
    )
    return parser.parse_args()  # fmt: skip


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if not found:
        sys.exit(f"{name} not found: bench/run.sh installs it with apt-get (as root).")
    return found


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


# -- the database and the site --------------------------------------------------------------


class Site:
    """Environment and management commands of the benchmark's own database and folders."""

    def __init__(self, args):
        self.args = args
        self.db = args.db or f"newsroom_bench_{args.articles}"
        self.work = OUT / f"work-{self.db}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "0",
            "BENCH_TOOLS": "1",  # INSTALLED_APPS gets the bench app (make_archive)
            "SECRET_KEY": "bench-only-" + self.db,
            "DATABASE_URL": f"{args.pg}/{self.db}",
            "REDIS_URL": args.redis,
            "CACHE_KEY_PREFIX": "bench",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "MEDIA_ROOT": str(self.work / "media"),
            "STATIC_ROOT": str(self.work / "static"),
            "SITE_SCHEME": "http",
            "TRUSTED_PROXIES": "127.0.0.1/32",
            "LOG_LEVEL": "WARNING",
        }

    def manage(self, *command: str) -> str:
        """Run a management command, showing its output as it comes; returns the output."""
        process = subprocess.Popen(
            [str(PYTHON), "manage.py", *command], cwd=ROOT, env=self.env, text=True,
            stdout=subprocess.PIPE,
        )  # fmt: skip
        lines = []
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
        if process.wait():
            sys.exit(f"manage.py {' '.join(command)} failed")
        return "".join(lines)

    def probe(self, *command: str) -> str:
        result = subprocess.run(
            [str(PYTHON), str(BENCH / "probe.py"), *command], cwd=ROOT, env=self.env,
            check=True, text=True, stdout=subprocess.PIPE,
        )  # fmt: skip
        return result.stdout

    def article_count(self) -> int | None:
        try:
            with psycopg.connect(f"{self.args.pg}/{self.db}", connect_timeout=5) as conn:
                return conn.execute("SELECT count(*) FROM articles_article").fetchone()[0]
        except psycopg.Error:
            return None

    def prepare(self) -> dict:
        """Database, archive and static files; returns what was done and how long it took."""
        facts = {"database": self.db}
        existing = self.article_count() if self.args.reuse else None
        if existing is not None and existing >= self.args.articles:
            log(f"reusing {self.db} ({existing} articles)")
            facts["archive"] = f"reused ({existing} articles)"
            self.manage("migrate", "--noinput", "-v0")
        else:
            log(f"creating database {self.db}")
            with psycopg.connect(f"{self.args.pg}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{self.db}"')
            shutil.rmtree(self.work / "media", ignore_errors=True)
            self.manage("migrate", "--noinput", "-v0")
            log(f"make_archive --articles {self.args.articles}")
            started = time.perf_counter()
            output = self.manage("make_archive", "--articles", str(self.args.articles))
            facts["make_archive_seconds"] = round(time.perf_counter() - started, 1)
            facts["make_archive_output"] = output.strip()
            facts["archive"] = f"made in {facts['make_archive_seconds']} s"
        # The articles' stored HTML, as their saves (or a deploy's render_parts) leave it:
        # rendered for those whose copy is missing or stale, in one process per CPU.
        log("render_parts")
        started = time.perf_counter()
        shares = os.cpu_count() or 1
        renders = [
            subprocess.Popen([str(PYTHON), "manage.py", "render_parts", "--share", f"{k}/{shares}"],
                             cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL)
            for k in range(shares)
        ]  # fmt: skip
        if any(process.wait() for process in renders):
            sys.exit("manage.py render_parts failed")
        facts["render_parts_seconds"] = round(time.perf_counter() - started, 1)
        log(f"render_parts: {facts['render_parts_seconds']} s")
        log("collectstatic")
        self.manage("collectstatic", "--noinput", "-v0")
        import redis  # the project's own dependency: empty the benchmark's cache database

        redis.Redis.from_url(self.args.redis).flushdb()
        return facts


class Servers:
    """gunicorn and nginx, started here, stopped here (by process id)."""

    def __init__(self, site: Site, args):
        self.site, self.args = site, args
        self.processes: list[subprocess.Popen] = []
        self.prefix = Path(tempfile.mkdtemp(prefix="newsroom-bench-nginx-"))
        self.prefix.chmod(0o755)  # nginx workers may run as another user when we are root
        self.app = f"http://127.0.0.1:{args.app_port}"
        self.proxy = f"http://127.0.0.1:{args.nginx_port}"

    def gunicorn_command(self) -> list[str]:
        a = self.args
        return [
            str(GUNICORN), "newsroom.wsgi:application",
            "--bind", f"127.0.0.1:{a.app_port}",
            "--workers", str(a.workers), "--threads", str(a.threads),
            "--worker-class", a.worker_class, "--keep-alive", "5", "--backlog", "2048",
            "--error-logfile", str(self.site.work / "gunicorn.log"),
        ]  # fmt: skip

    def nginx_conf(self) -> Path:
        """deploy/nginx.conf with its ${NGINX_...} placeholders filled, as the image does."""
        values = {
            "NGINX_LISTEN": f"127.0.0.1:{self.args.nginx_port}",
            "NGINX_UPSTREAM": f"127.0.0.1:{self.args.app_port}",
            "NGINX_STATIC_ROOT": self.site.env["STATIC_ROOT"],
            "NGINX_MEDIA_ROOT": self.site.env["MEDIA_ROOT"],
            "NGINX_STATE_DIR": str(self.prefix),
            "NGINX_ERROR_LOG": str(self.prefix / "error.log"),
            "NGINX_ACCESS_LOG": "off",
        }
        text = NGINX_CONF.read_text()
        for name, value in values.items():
            text = text.replace("${" + name + "}", value)
        left = re.findall(r"\$\{NGINX_[A-Z_]+\}", text)
        if left:
            sys.exit(f"deploy/nginx.conf has placeholders bench.py does not fill: {left}")
        conf = self.prefix / "nginx.conf"
        conf.write_text(text)
        shutil.copy("/etc/nginx/mime.types", self.prefix / "mime.types")
        return conf

    def start(self) -> None:
        for port in (self.args.app_port, self.args.nginx_port):
            if not port_is_free(port):
                sys.exit(f"port {port} is taken: pass --app-port/--nginx-port")
        self.processes.append(
            subprocess.Popen(self.gunicorn_command(), cwd=ROOT, env=self.site.env)
        )
        nginx, conf = tool("nginx"), self.nginx_conf()
        command = [
            nginx,
            "-p",
            str(self.prefix),
            "-c",
            str(conf),
            "-e",
            str(self.prefix / "error.log"),
        ]
        subprocess.run([*command, "-t", "-q"], check=True)
        self.processes.append(subprocess.Popen([*command, "-g", "daemon off;"]))
        wait_for(self.app + "/robots.txt")
        wait_for(self.proxy + "/robots.txt")

    def pids(self) -> set[int]:
        """gunicorn and nginx (masters and workers) and the PostgreSQL backends serving the
        benchmark's database: the processes whose CPU time a request costs. The backends'
        pids are kept in self.db_pids (their share is reported on its own)."""
        masters = {p.pid for p in self.processes}
        found = set(masters)
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid in masters:
                found.add(int(stat.parent.name))
        with psycopg.connect(f"{self.args.pg}/{self.site.db}", autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            ).fetchall()
        self.db_pids = {pid for (pid,) in rows}
        return found | self.db_pids

    def cpu_seconds(self) -> dict[int, float]:
        """User plus system CPU time of each of those processes so far."""
        tick = os.sysconf("SC_CLK_TCK")
        seconds = {}
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            seconds[pid] = (int(fields[11]) + int(fields[12])) / tick
        return seconds

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(
                    signal.SIGTERM if "gunicorn" in process.args[0] else signal.SIGQUIT
                )
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.prefix, ignore_errors=True)


def fetch(url: str, cookie: bool = False) -> tuple[int, dict, bytes]:
    headers = {"Cookie": COOKIE} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 -- http://127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if fetch(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds} s")


# -- load -----------------------------------------------------------------------------------


CRAWL_STEP = 8_000  # list positions each crawl run may use: more than one run requests


def wrk(
    url: str,
    connections: int,
    seconds: int,
    cookie: bool,
    reconnect: bool = False,
    crawl: str = "",
) -> dict:
    """One bounded wrk run. `reconnect`: a new connection per request (Connection: close).
    `crawl`: the file of archive paths; each run starts further down it (crawl.lua)."""
    threads = min(2, connections)
    script, env = BENCH / "report.lua", None
    if crawl:
        wrk.crawl_runs = getattr(wrk, "crawl_runs", 0) + 1
        script = BENCH / "crawl.lua"
        env = {**os.environ, "CRAWL_PATHS": crawl, "CRAWL_THREADS": str(threads),
               "CRAWL_START": str(wrk.crawl_runs * CRAWL_STEP)}  # fmt: skip
    command = [
        tool("wrk"), "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
        "--timeout", "10s", "-s", str(script), url,
    ]  # fmt: skip
    if cookie:
        command[1:1] = ["-H", f"Cookie: {COOKIE}"]
    if reconnect:
        command[1:1] = ["-H", "Connection: close"]
    output = subprocess.run(
        command, check=True, text=True, capture_output=True, timeout=seconds + 60, env=env
    ).stdout
    report = json.loads(
        next(line for line in reversed(output.splitlines()) if line.startswith("{"))
    )
    report["rps"] = report["requests"] / (report["duration_us"] / 1e6)
    report["errors"] = sum(report[k] for k in ("connect", "read", "write", "status", "timeout"))
    return report


def scenarios(targets: dict, servers: Servers) -> list[dict]:
    app, proxy = servers.app, servers.proxy
    article, category = targets["article"]["url"], targets["category"]
    search = targets["search"]
    page = category["page"]
    return [
        {"key": "ceiling", "name": "nginx, the article page as a static file",
         "url": proxy + CEILING_PATH, "cookie": False, "expect": None},
        {"key": "article", "name": "article page, uncached (full anatomy)",
         "url": app + article, "cookie": True, "expect": "BYPASS"},
        {"key": "crawl", "name": "archive crawl: a different article per request, uncached",
         "url": app + targets["crawl"]["first"], "cookie": True, "expect": "BYPASS",
         "crawl": targets["crawl"]["file"]},
        {"key": "article_app_cache", "name": "article page from the application's cache",
         "url": app + article, "cookie": False, "expect": "HIT"},
        {"key": "article_micro_cache", "name": "article page through nginx's micro-cache",
         "url": proxy + article, "cookie": False, "expect": "HIT"},
        {"key": "home", "name": "home, uncached", "url": app + targets["home"],
         "cookie": True, "expect": "BYPASS"},
        {"key": "category_1", "name": "category page 1, uncached",
         "url": app + category["url"], "cookie": True, "expect": "BYPASS"},
        {"key": "category_50",
         "name": f"category page {page}, uncached" + ("" if page == 50 else " (its last page; 50 needs ~1,000 articles)"),
         "url": f"{app}{category['url']}?page={page}", "cookie": True, "expect": "BYPASS"},
        {"key": "search_rare", "name": f"search, rare term “{search['rare']['q']}” ({search['rare']['total']} hits), uncached",
         "url": app + search["rare"]["url"], "cookie": True, "expect": "BYPASS"},
        {"key": "search_common", "name": f"search, common term “{search['common']['q']}” ({search['common']['total']:,} hits), uncached",
         "url": app + search["common"]["url"], "cookie": True, "expect": "BYPASS"},
        {"key": "rss", "name": "home RSS feed, uncached", "url": app + targets["rss"],
         "cookie": True, "expect": "BYPASS"},
    ]  # fmt: skip


def warm_up(scenario: dict) -> str:
    """A few requests first: fills caches, and checks the page answers 200 from the path
    the scenario means (X-Cache from the app, X-Micro-Cache from nginx)."""
    seen = ""
    for _ in range(3):
        status, headers, _body = fetch(scenario["url"], scenario["cookie"])
        if status != 200:
            sys.exit(f"{scenario['url']} answered {status}")
        seen = headers.get("X-Micro-Cache") or headers.get("X-Cache") or ""
        time.sleep(0.3)
    if scenario["expect"] and scenario["expect"] not in seen:
        log(f"warning: {scenario['key']} answered X-Cache {seen!r}, expected {scenario['expect']}")
    return seen


def run_load(scenario: dict, seconds: int, servers: Servers) -> dict:
    """Requests/s at 16 connections (with the servers' CPU time per request: a figure that
    other work on the machine disturbs much less), then latency at 4 connections."""
    seen = warm_up(scenario)
    before = servers.cpu_seconds()
    crawl = scenario.get("crawl", "")
    throughput = wrk(scenario["url"], 16, seconds, scenario["cookie"], crawl=crawl)
    after = servers.cpu_seconds()
    used = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    in_db = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items() if pid in servers.db_pids)
    # A kept-alive connection stays with the gunicorn worker that accepted it, so with only
    # four of them the latency would depend on how they happened to land; a new connection
    # per request goes to whichever worker is free, as many readers' requests do.
    latency = wrk(scenario["url"], 4, seconds, scenario["cookie"], reconnect=True, crawl=crawl)
    result = {
        **{k: scenario[k] for k in ("key", "name", "url", "cookie")},
        "cache_header": seen,
        "rps_16": round(throughput["rps"], 1),
        "cpu_ms": round(used * 1000 / max(1, throughput["requests"]), 3),
        "db_cpu_ms": round(in_db * 1000 / max(1, throughput["requests"]), 3),
        "p50_ms_4": latency["p50_us"] / 1000,
        "p99_ms_4": latency["p99_us"] / 1000,
        "rps_4": round(latency["rps"], 1),
        "errors": throughput["errors"] + latency["errors"],
        "kb_per_response": round(throughput["bytes"] / max(1, throughput["requests"]) / 1024, 1),
        "load": os.getloadavg()[0],
    }
    log(f"{scenario['key']:<20} {result['rps_16']:>9.1f} req/s  {result['cpu_ms']:.3f} cpu-ms/req"
        f" (db {result['db_cpu_ms']:.3f})"
        f"  p50 {result['p50_ms_4']:.2f} ms  p99 {result['p99_ms_4']:.2f} ms"
        f"  errors {result['errors']}  load {result['load']:.1f}")  # fmt: skip
    return result


def best_of(runs: list[dict]) -> dict:
    """Rounds of one scenario: the best of each figure (the least disturbed by other work)."""
    best = dict(runs[0])
    best.update(
        rps_16=max(r["rps_16"] for r in runs),
        cpu_ms=min(r["cpu_ms"] for r in runs),
        db_cpu_ms=min(r["db_cpu_ms"] for r in runs),
        p50_ms_4=min(r["p50_ms_4"] for r in runs),
        p99_ms_4=min(r["p99_ms_4"] for r in runs),
        errors=sum(r["errors"] for r in runs),
        load=round(sum(r["load"] for r in runs) / len(runs), 1),
        rounds=len(runs),
    )
    return best


# -- the report -----------------------------------------------------------------------------


TARGETS = [  # (key, at least this fraction of the ceiling, label)
    ("article", 1 / 150, "article uncached ≥ 1/150 of the ceiling"),
    ("article_app_cache", 1 / 15, "article from the app cache ≥ 1/15"),
    ("article_micro_cache", 1 / 2, "article through the micro-cache ≥ 1/2"),
]
SCALING_KEYS = [
    "article",
    "crawl",
    "home",
    "category_1",
    "category_50",
    "search_rare",
    "search_common",
    "rss",
]


def baseline_for(articles: int) -> dict | None:
    """The latest earlier results at 1,000 articles, for the growth comparison."""
    if articles == 1000:
        return None
    for path in sorted(OUT.glob("results-*.json"), reverse=True):
        data = json.loads(path.read_text())
        complete = {r["key"] for r in data["results"]} >= set(SCALING_KEYS)
        if complete and data["targets"]["articles"] <= 1000:
            data["path"] = path.name
            return data
    return None


def report(data: dict) -> str:
    rows = {r["key"]: r for r in data["results"]}
    ceiling = rows["ceiling"]["rps_16"]
    base = data.get("baseline")
    base_rows = {r["key"]: r for r in base["results"]} if base else {}
    t, p = data["targets"], data["parameters"]
    lines = [
        f"# Benchmark, {t['articles']:,} articles ({data['started']})",
        "",
        f"Machine: {p['cpus']} CPUs, {p['machine']}; load average before/after:"
        f" {p['load_before']} / {p['load_after']} (other work on the machine counts).",
        f"Archive: {t['articles']:,} articles ({t['published']:,} published),"
        f" {t['comments']:,} comments; {data['prepare']['archive']}.",
        f"gunicorn: `{p['gunicorn']}`",
        f"wrk: {p['duration']} s per run, 2 threads; requests/s at 16 connections,"
        f" latency at 4 connections, a new one per request; best of {p['repeat']} round(s)."
        f" nginx {p['nginx']}, PostgreSQL {p['postgres']}.",
        "CPU ms/req: user+system time of gunicorn, nginx and the database's PostgreSQL"
        " backends during the 16-connection run, per request (wrk's own time excluded),"
        " the backends' share in brackets;"
        " load: the 1-minute load average after the run.",
        f"Article: {t['article']['url']} — {t['article']['words']} words,"
        f" {t['article']['figures']} figures, {t['article']['bylines']} bylines,"
        f" {t['article']['topics']} topics, {t['article']['approved_comments']} comments.",
        "",
        "| scenario | req/s @16 | × ceiling | CPU ms/req | p50 ms @4 | p99 ms @4 | KB | errors | load |"
        + (" p50 vs 1,000 |" if base else ""),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|" + ("---:|" if base else ""),
    ]
    for r in data["results"]:
        ratio = r["rps_16"] / ceiling
        ratio_text = (
            "1"
            if r["key"] == "ceiling"
            else f"1/{1 / ratio:,.0f}"
            if ratio < 0.5
            else f"{ratio:.2f}"
        )
        line = (f"| {r['name']} | {r['rps_16']:,.0f} | {ratio_text} | {r['cpu_ms']:.3f}"
                f" ({r.get('db_cpu_ms', 0):.3f}) |"
                f" {r['p50_ms_4']:.2f} | {r['p99_ms_4']:.2f} | {r['kb_per_response']} |"
                f" {r['errors']} | {r['load']} |")  # fmt: skip
        if base:
            old = base_rows.get(r["key"])
            line += (
                f" {r['p50_ms_4'] / old['p50_ms_4']:.2f}× |"
                if old and r["key"] in SCALING_KEYS
                else " |"
            )
        lines.append(line)
    lines += ["", "## Targets", ""]
    for key, fraction, label in TARGETS:
        if key not in rows:
            continue
        got = rows[key]["rps_16"] / ceiling
        lines.append(f"- {'met' if got >= fraction else 'MISSED'}: {label} (got 1/{1 / got:,.0f})"
                     if got < 0.5 else f"- {'met' if got >= fraction else 'MISSED'}: {label} (got {got:.2f})")  # fmt: skip
    if "category_50" in rows and "category_1" in rows:
        page_ratio = rows["category_50"]["p50_ms_4"] / rows["category_1"]["p50_ms_4"]
        lines.append(f"- {'met' if page_ratio <= 1.5 else 'MISSED'}: p50 of category page"
                     f" {t['category']['page']} within 1.5× of page 1 (got {page_ratio:.2f}×)")  # fmt: skip
    if base:
        for key in SCALING_KEYS:
            if key in rows and key in base_rows:
                growth = rows[key]["p50_ms_4"] / base_rows[key]["p50_ms_4"]
                note = ""
                if (
                    key == "category_50"
                    and base["targets"]["category"]["page"] != t["category"]["page"]
                ):
                    note = f" (at 1,000 the last page was {base['targets']['category']['page']})"
                lines.append(f"- {'met' if growth <= 1.5 else 'MISSED'}: p50 of {key} at"
                             f" {t['articles']:,} within 1.5× of 1,000 (got {growth:.2f}×){note}")  # fmt: skip
        lines.append(f"\nBaseline: {base['path']}.")
    else:
        lines.append("- growth against 1,000 articles: run at 1,000 first (no earlier results).")
    output = data["prepare"].get("make_archive_output", "")
    if "make_archive:" in output:
        summary = output[output.index("make_archive:") :]
        lines += ["", "## make_archive", "", "```", summary, "```"]
    if data.get("explain"):
        lines += ["", "## EXPLAIN ANALYZE (uncached, second rendering)", "", data["explain"]]
    return "\n".join(lines) + "\n"


def versions() -> dict:
    def first_line(command):
        result = subprocess.run(command, capture_output=True, text=True)
        return (result.stdout or result.stderr).strip().splitlines()[0]

    return {
        "nginx": first_line([tool("nginx"), "-v"]).split("/")[-1],
        "postgres": first_line(["psql", "--version"]).split()[-1] if shutil.which("psql") else "?",
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
    }


def main():
    args = parse_args()
    if args.fault:  # bench/fault.py; the package must win over this script's folder
        sys.path.insert(0, str(ROOT))
        from bench import fault

        return fault.run(args)
    OUT.mkdir(exist_ok=True)
    started = datetime.now()
    site = Site(args)
    site.work.mkdir(parents=True, exist_ok=True)
    data = {"started": started.strftime("%Y-%m-%d %H:%M"), "prepare": site.prepare()}
    data["targets"] = targets = json.loads(site.probe("targets"))
    crawl_file = site.work / "crawl-paths.txt"
    targets["crawl"] = {**json.loads(site.probe("crawl", str(crawl_file))), "file": str(crawl_file),
                        "first": crawl_file.read_text().split("\n", 1)[0]}  # fmt: skip
    log(f"targets: {json.dumps(targets, ensure_ascii=False)}")
    servers = Servers(site, args)
    gunicorn_line = " ".join(servers.gunicorn_command()[1:-2])
    data["parameters"] = {
        "cpus": os.cpu_count(), "duration": args.duration, "gunicorn": gunicorn_line,
        "repeat": args.repeat,
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()), **versions(),
    }  # fmt: skip
    log(f"gunicorn {gunicorn_line}")
    log(f"wrk -t2 -c16 -d{args.duration}s (req/s) and -t2 -c4 -d{args.duration}s (latency)")
    try:
        servers.start()
        # The ceiling: the article page as readers get it, saved and served by nginx.
        status, _headers, body = fetch(servers.app + targets["article"]["url"])
        ceiling = Path(site.env["STATIC_ROOT"]) / CEILING_PATH.removeprefix("/static/")
        ceiling.parent.mkdir(exist_ok=True)
        ceiling.write_bytes(body)
        wanted = set(filter(None, args.only.split(",")))
        chosen = [
            s
            for s in scenarios(targets, servers)
            if not wanted or s["key"] in wanted or s["key"] == "ceiling"
        ]
        runs = {s["key"]: [] for s in chosen}
        for round_ in range(args.repeat):
            if args.repeat > 1:
                log(f"round {round_ + 1} of {args.repeat}")
            for scenario in chosen:
                runs[scenario["key"]].append(run_load(scenario, args.duration, servers))
        data["results"] = [best_of(r) for r in runs.values()]
    finally:
        servers.stop()
    data["parameters"]["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if not args.no_explain:
        log("EXPLAIN ANALYZE")
        pages = [targets["article"]["url"],
                 f"{targets['category']['url']}?page={targets['category']['page']}",
                 targets["search"]["rare"]["url"], targets["search"]["common"]["url"]]  # fmt: skip
        data["explain"] = site.probe("explain", *pages)
    data["baseline"] = baseline_for(targets["articles"])
    stamp = started.strftime("%Y%m%d-%H%M%S")
    markdown = report(data)
    (OUT / f"results-{stamp}.md").write_text(markdown)
    data.pop("baseline", None)  # each file stands alone
    (OUT / f"results-{stamp}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1))
    print(markdown)
    log(f"written bench/out/results-{stamp}.md")


if __name__ == "__main__":
    main()
