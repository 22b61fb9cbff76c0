"""Catalogue search over 5,000 procedures: the API against a bare Django view, same run.

    .venv/bin/python benchmarks/catalogue_search.py [--procedures 5000] [--requests 50]
        [--url postgres://postgres@127.0.0.1:5432/onestop_bench_catalogue] [--keep] [--json PATH]

It creates a throwaway PostgreSQL database (its own, so that it never touches the dossier
benchmark's), migrates it, imports N procedures built from the demo catalogue's national
records (bulk, through ``services.importing.import_records``), starts gunicorn on 127.0.0.1 and
measures over HTTP with keep-alive:

- latency (p50/p95/p99) of ``GET /api/v1/procedures/?search=…`` for a mix of queries, the
  requests to the API and to the bare view interleaved so both see the same conditions;
- throughput of each, with several client processes against several workers.

The bare view runs the same search (``Procedure.objects.search``, published only, same
order, count + first page of 20) with ``values()`` and ``JsonResponse``, behind the same
middleware. The database is dropped at the end unless ``--keep``. Never part of
``make test``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit

MODULE = "benchmarks.catalogue_search"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onestop_bench_catalogue"
API_PATH = "/api/v1/procedures/"
BARE_PATH = "/bench/bare/"
QUERIES = [
    "dang ky khai sinh",
    "chứng thực bản sao",
    "xay dung",
    "hộ kinh doanh",
    "ket hon",
    "giấy phép",
    "dat dai",
    "khieu nai to cao",
    "tro cap xa hoi",
    "1.00",
    "khong co thu tuc nay",
    "",
]
PLACES = ["Sơn Tây", "Ba Vì", "Phúc Thọ", "Thạch Thất", "Quốc Oai", "Đan Phượng", "Hoài Đức"]


# -- served by gunicorn ---------------------------------------------------------------------


def wsgi_app():
    """The portal with one more URL, the bare view (``gunicorn '…:wsgi_app()'``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = MODULE
    return get_wsgi_application()


def bare_search(request):
    """The same search and page as the API, without DRF."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.http import JsonResponse

    from procedures.models import CATALOGUE_ORDER, Procedure

    procedures = Procedure.objects.published()
    if request.GET.get("search"):
        procedures = procedures.search(request.GET["search"])  # ranked by relevance
    else:
        procedures = procedures.order_by(*CATALOGUE_ORDER)
    rows = procedures.values(
        "code",
        "name",
        "field__code",
        "field__name",
        "level",
        "online_level",
        "time_limit_amount",
        "time_limit_unit",
        "same_day_cutoff",
    )[:20]
    body = {"count": procedures.count(), "results": list(rows)}
    return JsonResponse(body, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def _urlpatterns():
    from django.urls import include, path

    return [path(BARE_PATH.strip("/") + "/", bare_search), path("", include("onestop.urls"))]


def __getattr__(name):
    # The URL conf is built on first use, after Django is set up in the worker.
    if name == "urlpatterns":
        return _urlpatterns()
    raise AttributeError(name)


# -- the run --------------------------------------------------------------------------------


def main():
    # The shared helpers live next to this script; gunicorn imports this module as
    # benchmarks.catalogue_search, where they are not on the path, so import them here.
    import support

    options = parse_args(support)
    os.environ["CONN_MAX_AGE"] = str(options.conn_max_age)
    drop_database(options.url)
    support.setup_django(options.url, migrate=True)
    try:
        setup = prepare_data(options.procedures)
        with serving(support, options) as port:
            results = measure(port, options)
        stats = report(setup, results, options, support.percentile)
        support.emit_rows(options, table_rows(setup, stats, options, support))
    finally:
        if not options.keep:
            from django.db import connections

            connections.close_all()
            drop_database(options.url)


def parse_args(support):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL, help="the throwaway database")
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=50, help="latency rounds over the queries")
    parser.add_argument("--throughput-requests", type=int, default=2400)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="CONN_MAX_AGE of the server (seconds)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    support.add_json_option(parser)
    return parser.parse_args()


@contextmanager
def serving(support, options):
    """gunicorn serving this module's app (the portal plus the bare view) on a spare port."""
    port = support.free_port()
    environment = {**os.environ, **support.SERVER_ENV, "DATABASE_URL": options.url}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        f"{MODULE}:wsgi_app()",
        f"--bind=127.0.0.1:{port}",
        f"--workers={options.workers}",
        "--log-level=warning",
        f"--chdir={support.REPO}",
    ]
    server = subprocess.Popen(command, env=environment)
    try:
        _wait_until_up(port, server)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(port, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            _get(HTTPConnection("127.0.0.1", port, timeout=2), BARE_PATH)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def drop_database(url):
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    connection = psycopg2.connect(parts._replace(path="/postgres").geturl())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            name = sql.Identifier(parts.path.lstrip("/"))
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
    finally:
        connection.close()


def prepare_data(count):
    from django.db import connection

    from demo import catalogue
    from procedures.importer import read_records
    from procedures.models import Procedure, RequiredDocument
    from procedures.services.importing import import_records

    base = [record for path in catalogue.fixture_files() for record in read_records(path)]
    records = [variant(base[i % len(base)], i, len(base)) for i in range(count)]
    started = time.perf_counter()
    summary = import_records(records).summary()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = Procedure.objects.published().search("khai sinh").order_by().values("pk").explain()
    setup = {
        "procedures": Procedure.objects.count(),
        "published": Procedure.objects.published().count(),
        "documents": RequiredDocument.objects.count(),
        "import_seconds": seconds,
        "import_summary": summary,
        "plan": plan,
    }
    connection.close()
    return setup


def variant(record, number, base_size):
    """A distinct procedure from a real record: its code suffixed, its name placed; one in
    ten unpublished."""
    round_ = number // base_size
    if round_ == 0:
        return record
    return {
        **record,
        "MATTHC": f"{record['MATTHC']}.B{round_:03d}"[:40],
        "TENTTHC": f"{record['TENTTHC']} ({PLACES[round_ % len(PLACES)]} {round_})",
        "TRANGTHAI": 0 if number % 10 == 0 else 1,
    }


def _get(connection, path):
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read()


def _url(path, query):
    return f"{path}?{urlencode({'search': query})}" if query else path


def _timed(connection, path):
    started = time.perf_counter()
    status, body = _get(connection, path)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise SystemExit(f"{path} answered {status}: {body[:200]!r}")
    return elapsed, body


def measure(port, options):
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    counts = {}
    for query in QUERIES:  # warm up, and check that both give the same answer
        api = json.loads(_timed(connection, _url(API_PATH, query))[1])
        bare = json.loads(_timed(connection, _url(BARE_PATH, query))[1])
        assert api["count"] == bare["count"], query
        assert [r["code"] for r in api["results"]] == [r["code"] for r in bare["results"]]
        counts[query] = api["count"]
    latencies = {API_PATH: [], BARE_PATH: []}
    for _round in range(options.requests):
        for query in QUERIES:
            for path, samples in latencies.items():
                samples.append(_timed(connection, _url(path, query))[0])
    connection.close()
    throughput = {path: _throughput(path, port, options) for path in latencies}
    return {"counts": counts, "latencies": latencies, "throughput": throughput}


def _throughput(path, port, options):
    share = options.throughput_requests // options.clients
    jobs = [(path, share, port, client) for client in range(options.clients)]
    with ProcessPoolExecutor(options.clients) as pool:
        started = time.perf_counter()
        done = sum(pool.map(_client, jobs))
        return done / (time.perf_counter() - started)


def _client(job):
    path, count, port, offset = job
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    for number in range(count):
        _timed(connection, _url(path, QUERIES[(number + offset) % len(QUERIES)]))
    connection.close()
    return count


def report(setup, results, options, percentile):
    print(f"data: {setup['procedures']} procedures, {setup['documents']} documents")
    print(f"import: {setup['import_summary']} in {setup['import_seconds']:.1f} s")
    print("plan of a search:\n  " + setup["plan"].replace("\n", "\n  "))
    print("matches per query:", json.dumps(results["counts"], ensure_ascii=False))
    rows = {}
    for path, samples in results["latencies"].items():
        ms = [sample * 1000 for sample in samples]
        rows[path] = row = {
            "p50": percentile(ms, 0.5),
            "p95": percentile(ms, 0.95),
            "p99": percentile(ms, 0.99),
            "mean": statistics.fmean(ms),
            "rps": results["throughput"][path],
            "samples": len(ms),
        }
        print(
            f"{path:<22} p50 {row['p50']:6.1f} ms  p95 {row['p95']:6.1f} ms  "
            f"p99 {row['p99']:6.1f} ms  mean {row['mean']:6.1f} ms  "
            f"throughput {row['rps']:7.1f} req/s  ({len(ms)} latency samples)"
        )
    ratio = rows[API_PATH]["rps"] / rows[BARE_PATH]["rps"]
    print(
        f"API throughput = {ratio:.0%} of the bare view's; API p95 {rows[API_PATH]['p95']:.1f} ms "
        f"(goal: p95 <= 30 ms and >= 60 %); {options.workers} gunicorn workers, "
        f"{options.clients} client processes, CONN_MAX_AGE={options.conn_max_age}, "
        f"{os.cpu_count()} CPUs"
    )
    return rows


def table_rows(setup, stats, options, support):
    api, bare = stats[API_PATH], stats[BARE_PATH]
    setting = f"`CONN_MAX_AGE={options.conn_max_age}`"
    data = (
        f"{setup['procedures']:,} procedures ({setup['published']:,} published), "
        f"{setup['documents']:,} documents"
    )
    return [
        support.row(
            f"Catalogue search API latency, 1 client, keep-alive, {len(QUERIES)}-query mix "
            f"(`{API_PATH}?search=…`), {setting}",
            data,
            f"{_percentiles(api)} ({api['samples']:,} requests)",
            f"bare view {_percentiles(bare)}",
        ),
        support.row(
            f"Catalogue search API throughput, {options.clients} client processes, "
            f"{options.workers} gunicorn workers, {setting}",
            data,
            f"{api['rps']:.1f} req/s = {api['rps'] / bare['rps']:.0%} of the bare view",
            f"bare view {bare['rps']:.1f} req/s",
        ),
        support.row(
            "Catalogue import (`services.importing.import_records`, all or nothing, bulk)",
            f"{options.procedures:,} national records → {setup['documents']:,} documents",
            f"{setup['import_seconds']:.1f} s",
            "—",
        ),
    ]


def _percentiles(row):
    return f"p50 {row['p50']:.1f} ms, p95 {row['p95']:.1f} ms, p99 {row['p99']:.1f} ms"


if __name__ == "__main__":
    sys.exit(main())
