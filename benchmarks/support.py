"""What the benchmark scripts share: the throwaway database, Django set-up, a gunicorn
server on a spare port, percentiles, and the rows they give to docs/performance.md's table.
Nothing here runs in `make test`."""

import json
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/onestop_bench"
SETTINGS = "onestop.settings.dev"
BARE_INSERT_TABLE = "bench_bare_insert"
BARE_INSERT_PATH = "/bench/bare-insert/"
BARE_LIST_PATH = "/bench/bare-list/"
# The dossier list with core.pagination.EstimatedCountPagination, whatever the API uses.
ESTIMATED_LIST_PATH = "/bench/estimated/dossiers/"
# Prod-like: no debug (no query log kept in memory), no throttling of the benchmark's
# single user and single client address, and no mail rendering to the console in the request.
SERVER_ENV = {
    "DEBUG": "0",
    "THROTTLE_USER": "1000000/min",
    "THROTTLE_ANON": "1000000/min",
    "THROTTLE_LOOKUP": "1000000/min",
    "EMAIL_URL": "dummymail://",
    "LOG_LEVEL": "WARNING",
}


def ensure_database(url):
    """Create the benchmark database when it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created database {name}")
    finally:
        connection.close()


def setup_django(url, migrate=False):
    """Point Django at the benchmark database (created if missing) and set it up."""
    sys.stdout.reconfigure(line_buffering=True)  # progress shows at once in a log file too
    ensure_database(url)
    os.environ.update(SERVER_ENV)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def percentile(values, share):
    """The nearest-rank percentile of `values` (share in 0..1)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(url, workers=4, ready_path=BARE_LIST_PATH, env=None, options=()):
    """The portal with the bare views (`wsgi_app` below) under gunicorn on 127.0.0.1 and a
    spare port, stopped on exit; yields its base URL once it answers. `env` adds to the
    server's environment, `options` to gunicorn's command line."""
    port = free_port()
    env = {
        **os.environ,
        **SERVER_ENV,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        **(env or {}),
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "benchmarks.support:wsgi_app()",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
        "--timeout=120",  # a starved worker is slow, not dead
        f"--chdir={REPO}",
        *options,
    ]
    server = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + ready_path, server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_up(url, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # it answers (401/403 without credentials)
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {url}")


def milliseconds(seconds):
    return f"{seconds * 1000:.1f} ms"


def p50_p95(seconds):
    """The median and 95th percentile of durations in seconds: "p50 … ms, p95 … ms"."""
    median, high = (milliseconds(percentile(seconds, share)) for share in (0.5, 0.95))
    return f"p50 {median}, p95 {high}"


# --- the rows of docs/performance.md's table (written with --json, read by run_all.py) -----

TABLE_COLUMNS = ("scenario", "data", "figure", "baseline", "command")


def add_json_option(parser):
    parser.add_argument(
        "--json",
        metavar="PATH",
        help="also write this run's rows of the table in docs/performance.md to PATH "
        "(what benchmarks/run_all.py reads)",
    )


def row(scenario, data, figure, baseline):
    """One row of the table, its command being the one that runs this script as it ran."""
    return {
        "scenario": scenario,
        "data": data,
        "figure": figure,
        "baseline": baseline,
        "command": f"`{this_command()}`",
    }


def emit_rows(options, rows):
    """Write `rows` (dicts with exactly TABLE_COLUMNS, markdown in each cell) as JSON to
    the `--json` path, when one was given."""
    path = getattr(options, "json", None)
    if not path:
        return
    for each in rows:
        if set(each) != set(TABLE_COLUMNS):
            raise ValueError(f"a table row has the columns {TABLE_COLUMNS}, not {tuple(each)}")
    Path(path).write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


def this_command():
    """The command line of this run from the repository root, without `--json` and with
    the database shown by its name alone (no host, no credentials)."""
    words = [shlex.quote(_repository_path(path)) for path in (sys.executable, sys.argv[0])]
    arguments = iter(sys.argv[1:])
    for word in arguments:
        name, equals, value = word.partition("=")
        if name == "--json":
            if not equals:
                next(arguments, None)
        elif name == "--url":
            database = urlsplit(value if equals else next(arguments, "")).path.lstrip("/")
            words += ["--url", "…/" + shlex.quote(database)]
        else:
            words.append(shlex.quote(word))
    return " ".join(words)


def _repository_path(path):
    absolute = Path(path).absolute()
    return str(absolute.relative_to(REPO)) if absolute.is_relative_to(REPO) else path


# --- served by gunicorn: the portal plus the bare baselines ---------------------------------

urlpatterns = []


def wsgi_app():
    """The portal with the bare views added (`gunicorn 'benchmarks.support:wsgi_app()'`)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django

    django.setup()
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.urls import include, path
    from django.views.decorators.csrf import csrf_exempt

    global urlpatterns
    urlpatterns = [
        path(BARE_INSERT_PATH.lstrip("/"), csrf_exempt(_bare_insert)),
        path(BARE_LIST_PATH.lstrip("/"), _bare_list),
        path(ESTIMATED_LIST_PATH.lstrip("/"), _estimated_list_view()),
        path("", include(settings.ROOT_URLCONF)),
    ]
    settings.ROOT_URLCONF = __name__
    return get_wsgi_application()


def _estimated_list_view():
    from core.pagination import EstimatedCountPagination
    from dossiers.api import DossierPagination, DossierViewSet

    class Pagination(EstimatedCountPagination):
        page_size_query_param = DossierPagination.page_size_query_param
        max_page_size = DossierPagination.max_page_size

    class Dossiers(DossierViewSet):
        pagination_class = Pagination

    return Dossiers.as_view({"get": "list"})


def create_bare_insert_table(cursor):
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {BARE_INSERT_TABLE} "
        "(id bigserial PRIMARY KEY, code text UNIQUE NOT NULL, at timestamptz NOT NULL)"
    )


def _bare_insert(request):
    """The floor of an intake: one authenticated-free POST inserting one row, through the
    same middleware."""
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BARE_INSERT_TABLE} (code, at) "
            f"VALUES ('B-' || nextval('{BARE_INSERT_TABLE}_id_seq'), now()) RETURNING code"
        )
        (code,) = cursor.fetchone()
    return JsonResponse({"code": code}, status=201)


def _bare_list(request):
    """The floor of the staff list: the page of dossiers by raw SQL, no count, no scoping."""
    from django.db import connection
    from django.http import JsonResponse

    offset = int(request.GET.get("offset", 0))
    with connection.cursor() as cursor:
        cursor.execute(LIST_SQL, [offset])
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return JsonResponse({"results": rows})


LIST_SQL = (
    "SELECT id, code, status, channel, applicant_name, received_at, due_at, verdict "
    "FROM dossiers_dossier ORDER BY created_at DESC, id DESC LIMIT 20 OFFSET %s"
)
