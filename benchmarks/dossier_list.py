"""The staff list on the 1M-dossier database: `GET /api/v1/dossiers/` as the town's leader
(who sees every dossier), page 1 and a deep page, against bare baselines in the same run.

    .venv/bin/python benchmarks/dossier_list.py [--requests 200] [--deep-page 2000]
        [--workers 4] [--url postgres://postgres@127.0.0.1:5432/onestop_bench] [--json PATH]

The API runs twice: as `dossiers/api.py` wires it, and with
`core.pagination.EstimatedCountPagination` (the planner's estimate instead of count(*) for
big lists, and the page's rows fetched by key) on a bench-only URL.
Baselines, interleaved with the API requests so that all see the same machine:
- "bare view": a bare Django view behind the same middleware running the raw page query
  (`ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET …`, no count, no scoping), over HTTP;
- "raw SQL": the same query timed in this process, and the leader's `count(*)` that the
  API's paginator runs, to show where the time goes.
Run `generate_data.py` first. Never part of `make test`.
"""

import argparse
import sys
import time
from http.client import HTTPConnection
from urllib.parse import urlsplit

import support

API_PATH = "/api/v1/dossiers/"
LEADER = "lanhdao"
PAGE_SIZE = 20


def main():
    options = _arguments()
    support.setup_django(options.url, migrate=True)
    token, count = _prepare()
    print(f"{count:,} dossiers; {LEADER} lists them, page 1 and page {options.deep_page:,}")
    deep_offset = (options.deep_page - 1) * PAGE_SIZE
    deep = f"?page={options.deep_page}"
    estimated = support.ESTIMATED_LIST_PATH
    scenarios = {
        "API page 1": _http(API_PATH, token),
        f"API page {options.deep_page:,}": _http(API_PATH + deep, token),
        "API, estimated count, page 1": _http(estimated, token),
        f"API, estimated count, page {options.deep_page:,}": _http(estimated + deep, token),
        "bare view offset 0": _http(f"{support.BARE_LIST_PATH}?offset=0"),
        f"bare view offset {deep_offset:,}": _http(
            f"{support.BARE_LIST_PATH}?offset={deep_offset}"
        ),
        "raw SQL offset 0": _sql(support.LIST_SQL, [0]),
        f"raw SQL offset {deep_offset:,}": _sql(support.LIST_SQL, [deep_offset]),
        "raw SQL leader count(*)": _leader_count(),
    }
    server_env = {"CONN_MAX_AGE": str(options.conn_max_age)}
    with support.gunicorn(options.url, workers=options.workers, env=server_env) as base:
        connection = HTTPConnection(urlsplit(base).hostname, urlsplit(base).port, timeout=60)
        timings = {name: [] for name in scenarios}
        for run in scenarios.values():  # warm-up
            run(connection)
        for _ in range(options.requests):
            for name, run in scenarios.items():
                timings[name].append(run(connection))
    _report(timings, options)
    support.emit_rows(options, _rows(timings, count, options))


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=support.DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--deep-page", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="CONN_MAX_AGE of the server, seconds"
    )
    support.add_json_option(parser)
    return parser.parse_args()


def _prepare():
    from rest_framework.authtoken.models import Token

    from core.models import User
    from dossiers.models import Dossier

    leader = User.objects.get(username=LEADER)
    token, _created = Token.objects.get_or_create(user=leader)
    return token.key, Dossier.objects.count()


def _http(path, token=None):
    headers = {"Authorization": f"Token {token}"} if token else {}

    def run(connection):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        return elapsed

    return run


def _sql(query, params):
    from django.db import connection as database

    def run(_connection):
        started = time.perf_counter()
        with database.cursor() as cursor:
            cursor.execute(query, params)
            cursor.fetchall()
        return time.perf_counter() - started

    return run


def _leader_count():
    """The count(*) of the leader's list, the query Django's paginator runs."""
    from core.models import User
    from dossiers.models import Dossier

    leader = User.objects.get(username=LEADER)
    query, params = (
        Dossier.objects.visible_to(leader).order_by().values("pk").query.sql_with_params()
    )
    return _sql(f"SELECT count(*) FROM ({query}) AS visible", params)


def _report(timings, options):
    width = max(len(name) for name in timings)
    for name, seconds in timings.items():
        print(
            f"{name:>{width}}: {support.p50_p95(seconds)} "
            f"({len(seconds)} requests, one client, {options.workers} gunicorn workers, "
            f"CONN_MAX_AGE={options.conn_max_age})"
        )


def _rows(timings, count, options):
    # The timings come in the order main() lists its scenarios.
    api, api_deep, estimated, estimated_deep, bare, bare_deep, raw, raw_deep, leader_count = (
        timings.values()
    )
    deep = f"{options.deep_page:,}"
    setting = f"1 client, {options.workers} gunicorn workers, `CONN_MAX_AGE={options.conn_max_age}`"
    baseline = (
        f"bare view page 1 ({support.p50_p95(bare)}), page {deep} "
        f"({support.p50_p95(bare_deep)}); raw SQL page 1 ({support.p50_p95(raw)}), page {deep} "
        f"({support.p50_p95(raw_deep)}); raw leader `count(*)` ({support.p50_p95(leader_count)})"
    )
    data = f"{count:,} dossiers"
    return [
        support.row(
            f"Staff list `GET {API_PATH}` as the town leader (sees all), {setting}, "
            "pagination as `dossiers/api.py` wires it",
            data,
            f"page 1 {support.p50_p95(api)}; page {deep} {support.p50_p95(api_deep)}",
            baseline,
        ),
        support.row(
            f"Staff list, as above, with `core.pagination.EstimatedCountPagination` (planner "
            f"estimate above 10,000 rows, page rows fetched by key), {setting}",
            data,
            f"page 1 {support.p50_p95(estimated)}; page {deep} {support.p50_p95(estimated_deep)}",
            "as the row above (same run)",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
