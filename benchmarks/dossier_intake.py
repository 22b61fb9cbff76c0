"""Counter intake throughput: 16 concurrent clients POST `/api/v1/dossiers/` with a desk
officer's token against gunicorn on PostgreSQL, and a bare baseline in the same run.

    .venv/bin/python benchmarks/dossier_intake.py [--requests 2000] [--clients 16]
        [--workers 4] [--url postgres://postgres@127.0.0.1:5432/onestop_bench] [--json PATH]

The baseline is a bare Django view behind the same middleware that inserts one row with
raw SQL. The two run in alternating rounds so that both see the same machine. At the end
every 201 must have its dossier in the database (0 lost) and every code must be distinct
(0 duplicates). Without `--redis` Celery runs eagerly and each intake delivers its SMS
notification inside the request; with it, the notification is only queued, as in
production (where a worker sends it). Run `generate_data.py` first for the 1M-dossier
database (any database with the demo units works). Never part of `make test`.
"""

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from urllib.parse import urlsplit

import support

API_PATH = "/api/v1/dossiers/"
DESK_OFFICER = "motcua"
ROUNDS = 4
WARM_UP = 10**6  # numbers the warm-up's applicants apart from the measured ones


def main():
    options = _arguments()
    support.setup_django(options.url, migrate=True)
    token, procedure = prepare()
    before = _dossier_count()
    results = {"api": [], "bare": []}
    server_env = {"CONN_MAX_AGE": str(options.conn_max_age)}
    if options.redis:
        server_env["REDIS_URL"] = options.redis
    with support.gunicorn(options.url, workers=options.workers, env=server_env) as base:
        for warm_up_token in (token, None):
            _round(base, warm_up_token, procedure, options.clients, options.clients, WARM_UP)
        per_round = options.requests // ROUNDS
        for number in range(ROUNDS):
            for name, key in (("bare", None), ("api", token)):
                run = _round(base, key, procedure, per_round, options.clients, number * per_round)
                results[name].append(run)
    figures = _report(results, options, before)
    support.emit_rows(options, _rows(figures, options))
    if options.redis:
        _drop_queued_tasks(options.redis)


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=support.DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="CONN_MAX_AGE of the server, seconds"
    )
    parser.add_argument(
        "--redis",
        metavar="URL",
        help="serve with this REDIS_URL (e.g. redis://127.0.0.1:6379/14): intake only queues "
        "its notifications, as in production; the database is flushed at the end",
    )
    support.add_json_option(parser)
    return parser.parse_args()


def _drop_queued_tasks(url):
    """No worker consumes the benchmark's notifications: flush its own Redis database."""
    import redis

    redis.Redis.from_url(url).flushdb()


def prepare():
    """The desk officer's token and a published procedure (demo data seeded if missing)."""
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from core.models import User
    from demo import catalogue, town
    from procedures.models import Procedure

    if not User.objects.filter(username=DESK_OFFICER).exists():
        town.seed(print)
    if not Procedure.objects.published().exists():
        catalogue.seed(print)
    with connection.cursor() as cursor:
        support.create_bare_insert_table(cursor)
    officer = User.objects.get(username=DESK_OFFICER)
    token, _created = Token.objects.get_or_create(user=officer)
    procedure = Procedure.objects.published().filter(name__icontains="khai sinh").first()
    return token.key, (procedure or Procedure.objects.published().first()).code


def _dossier_count():
    from dossiers.models import Dossier

    return Dossier.objects.count()


def _round(base, token, procedure, count, clients, offset):
    """`count` POSTs from `clients` threads, each with its own connection (the bare view's
    when `token` is None); returns the wall time and every answer's (status, latency,
    code)."""
    host = urlsplit(base)
    local = threading.local()

    def post(number):
        if not hasattr(local, "connection"):
            local.connection = HTTPConnection(host.hostname, host.port, timeout=120)
        path, body, headers = _request(token, procedure, offset + number)
        started = time.perf_counter()
        try:
            local.connection.request("POST", path, body=body, headers=headers)
            response = local.connection.getresponse()
            payload = response.read()
        except OSError as error:  # counted as a failure, never as created
            print(f"request {number}: {error!r}")
            del local.connection
            return 0, time.perf_counter() - started, None
        elapsed = time.perf_counter() - started
        code = json.loads(payload).get("code") if response.status == 201 else None
        return response.status, elapsed, code

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        answers = list(pool.map(post, range(count)))
    return {"seconds": time.perf_counter() - started, "answers": answers}


def _request(token, procedure, number):
    if token is None:
        return support.BARE_INSERT_PATH, b"", {"Content-Length": "0"}
    body = {
        "procedure": procedure,
        "applicant": {
            "name": f"Người nộp thử {number}",
            "phone": f"09{number % 10**8:08d}",
            "id_number": f"001{number % 10**9:09d}",
            "address": "Phường Lê Lợi, thị xã Sơn Tây",
        },
        "summary": "Hồ sơ thử tải",
    }
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    return API_PATH, json.dumps(body).encode(), headers


def _report(results, options, before):
    from dossiers.models import Dossier

    api = _merged(results["api"])
    bare = _merged(results["bare"])
    created = [code for status, _s, code in api["answers"] if status == 201]
    failed = len(api["answers"]) - len(created)
    stored = Dossier.objects.filter(code__in=created).count()
    duplicates = len(created) - len(set(created))
    print(
        f"intake: {len(created):,}/{len(api['answers']):,} created, {failed} failed, "
        f"{len(created) - stored} lost, {duplicates} duplicate codes; "
        f"{Dossier.objects.count() - before:,} new rows"
    )
    figures = {
        "dossiers": before,
        "sent": len(api["answers"]),
        "created": len(created),
        "lost": len(created) - stored,
        "duplicates": duplicates,
    }
    for name, run in (("API intake", api), ("bare insert", bare)):
        latencies = [seconds for _status, seconds, _code in run["answers"]]
        figures[name] = (len(latencies) / run["seconds"], latencies)
        print(
            f"{name:>12}: {len(latencies) / run['seconds']:,.0f}/s, "
            f"{support.p50_p95(latencies)} "
            f"({options.clients} clients, {options.workers} gunicorn workers, "
            f"CONN_MAX_AGE={options.conn_max_age})"
        )
    statuses = sorted({status for status, _s, _c in api["answers"]})
    print(f"API statuses: {statuses}")
    return figures


def _rows(figures, options):
    (rate, latencies), (bare_rate, bare_latencies) = figures["API intake"], figures["bare insert"]
    notifications = (
        "notifications queued in Redis" if options.redis else "eager notifications (no Redis)"
    )
    return [
        support.row(
            f"Counter intake `POST {API_PATH}`, {options.clients} clients, {options.workers} "
            f"gunicorn workers, {notifications}, `CONN_MAX_AGE={options.conn_max_age}`",
            f"{figures['dossiers']:,} dossiers, one desk officer (one desk, one procedure)",
            f"{rate:,.0f} intakes/s, {support.p50_p95(latencies)}; {figures['created']:,}/"
            f"{figures['sent']:,} created, {figures['lost']} lost, "
            f"{figures['duplicates']} duplicate codes",
            f"bare view inserting one row: {bare_rate:,.0f}/s, {support.p50_p95(bare_latencies)}",
        )
    ]


def _merged(rounds):
    return {
        "seconds": sum(r["seconds"] for r in rounds),
        "answers": [answer for r in rounds for answer in r["answers"]],
    }


if __name__ == "__main__":
    sys.exit(main())
