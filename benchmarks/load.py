"""Load with wrk against gunicorn on PostgreSQL: a public mix of pages for a fixed time,
then a burst of 1,000 concurrent counter intakes, each against a bare baseline in the
same run.

    .venv/bin/python benchmarks/load.py [--duration 30] [--connections 32] [--threads 2]
        [--intakes 2000] [--intake-connections 1000] [--workers 4]
        [--url postgres://postgres@127.0.0.1:5432/onestop_bench] [--json PATH]

It needs wrk, Debian's package (`apt-get install wrk`), and drives it with the Lua scripts
in benchmarks/wrk/:

- public mix (`public_mix.lua`): for `--duration` seconds, `--connections` connections
  GET in turn the home page, the catalogue searched with and without diacritics, procedure
  pages and the public lookup API (real dossiers' code and phone); baseline: the bare list
  view of `support.py` under the same wrk settings. Requests/s, latency p50/p95/p99,
  non-2xx/3xx answers and socket errors.
- intake burst (`intake.lua`): `--intake-connections` connections at once POST
  `/api/v1/dossiers/` as the desk officer, each request with an applicant of its own,
  until `--intakes` have been sent and answered; baseline: the bare insert view, same
  settings. The database must then hold one dossier per 201 answer (0 lost) and no code
  may repeat (0 duplicates); the script exits with 1 otherwise.

gunicorn listens with `--backlog 2048` so that the 1,000 connections wait in its queue
instead of being refused. Without `REDIS_URL` Celery runs eagerly, so each intake also
delivers its SMS notification in the request, as in `dossier_intake.py`. Run
`generate_data.py` first for the 1M-dossier database. Never part of `make test`.
"""

import argparse
import json
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import dossier_intake
import support

WRK_SCRIPTS = Path(__file__).resolve().parent / "wrk"
INSTALL_WRK = "wrk is missing: install Debian's package with `apt-get install wrk` (as root)."
BACKLOG = 2048
# A connection with no intake left to send stays open and idle, and the gunicorn sync worker
# that accepts it waits on it until wrk exits. One wrk thread hands the intakes out in the
# order its connections were opened, so every intake is queued ahead of every idle
# connection; with several threads (an event loop each) an idle connection of one can come
# before another's intakes, and the burst stalls.
INTAKE_THREADS = 1
INTAKE_LINE_DONE = "thread done"  # printed by intake.lua once a thread's intakes are answered
APPLICANT_PREFIX = "Người nộp thử "  # as intake.lua names its applicants
SEARCHES = [
    ("đăng ký khai sinh", "dang ky khai sinh"),
    ("chứng thực bản sao", "chung thuc ban sao"),
    ("giấy phép xây dựng", "giay phep xay dung"),
    ("hộ kinh doanh", "ho kinh doanh"),
]
PROCEDURE_PAGES = 5
LOOKUPS = 4
HOME_VISITS = 3


def main():
    options = _arguments()
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit(INSTALL_WRK)
    support.setup_django(options.url, migrate=True)
    token, procedure = dossier_intake.prepare()
    paths = _public_paths()
    data = _data_size()
    server_env = {"CONN_MAX_AGE": str(options.conn_max_age)}
    backlog = [f"--backlog={BACKLOG}"]
    with support.gunicorn(options.url, options.workers, env=server_env, options=backlog) as base:
        _check_answers(base, paths)
        _wrk(wrk, base, "public_mix.lua", paths, options, options.warm_up)
        results = {
            "bare list": _wrk(wrk, base, "public_mix.lua", [support.BARE_LIST_PATH], options),
            "public mix": _wrk(wrk, base, "public_mix.lua", paths, options),
            "bare insert": _intakes(wrk, base, support.BARE_INSERT_PATH, "", procedure, options),
            "intake": _intakes(wrk, base, dossier_intake.API_PATH, token, procedure, options),
        }
    check = _check_intakes(results["intake"], options)
    _report(results, check, options)
    support.emit_rows(options, _rows(results, check, data, options))
    return 0 if check["passed"] else 1


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=support.DEFAULT_URL)
    parser.add_argument("--duration", type=int, default=30, help="seconds of each mix run")
    parser.add_argument("--warm-up", type=int, default=5, help="seconds of mix not measured")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections, mix")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads, mix")
    parser.add_argument("--intakes", type=int, default=2_000, help="intakes of each burst")
    parser.add_argument("--intake-connections", type=int, default=1_000)
    parser.add_argument(
        "--intake-timeout", type=int, default=300, help="seconds a burst may last at most"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--conn-max-age", type=int, default=0, help="CONN_MAX_AGE of the server, seconds"
    )
    support.add_json_option(parser)
    return parser.parse_args()


def _public_paths():
    """One round of the public mix: the catalogue searched with and without diacritics,
    procedure pages, lookups of real dossiers and the home page, interleaved."""
    from dossiers.models import Dossier
    from procedures.models import Procedure

    codes = Procedure.objects.published().order_by("pk").values_list("code", flat=True)
    receipts = Dossier.objects.exclude(applicant_phone="").order_by("-pk")
    searches = [f"/procedures/?{urlencode({'q': text})}" for pair in SEARCHES for text in pair]
    pages = [f"/procedures/{quote(code)}/" for code in codes[:PROCEDURE_PAGES]]
    lookups = [
        f"/api/v1/lookup/?{urlencode({'code': code, 'phone': phone})}"
        for code, phone in receipts.values_list("code", "applicant_phone")[:LOOKUPS]
    ]
    return _interleaved(searches, pages, lookups, ["/"] * HOME_VISITS)


def _interleaved(*groups):
    """The groups' paths taken in turn, so that every stretch of the run sees each kind."""
    longest = max(len(group) for group in groups)
    return [group[index] for index in range(longest) for group in groups if index < len(group)]


def _data_size():
    from dossiers.models import Dossier
    from procedures.models import Procedure

    return {
        "dossiers": Dossier.objects.count(),
        "published": Procedure.objects.published().count(),
    }


def _check_answers(base, paths):
    """Every path of the mix answers 200 before anything is measured."""
    for path in paths:
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 200:
            sys.exit(f"GET {path} answered {status}; the mix measures only pages that work")


def _wrk(wrk, base, script, paths, options, seconds=None):
    """GETs of `paths` for `seconds` (default --duration); wrk's summary as a dict."""
    command = _wrk_command(
        wrk,
        base,
        script,
        connections=options.connections,
        threads=options.threads,
        seconds=seconds or options.duration,
        timeout=60,
    )
    finished = subprocess.run([*command, *paths], stdout=subprocess.PIPE, text=True, check=True)
    return _summary(finished.stdout)


def _intakes(wrk, base, path, token, procedure, options):
    """A burst of `--intakes` POSTs over `--intake-connections` connections; wrk's
    summary with the answers' statuses and codes, and the run's tag (in every applicant's
    name). wrk sleeps out its whole --duration even when its threads have stopped, so it is
    interrupted (as by Ctrl-C, after which it reports) once every thread has said that its
    intakes were all answered: --intake-timeout only bounds a burst that went wrong."""
    tag = uuid.uuid4().hex[:8]
    command = _wrk_command(
        wrk,
        base,
        "intake.lua",
        connections=options.intake_connections,
        threads=INTAKE_THREADS,
        seconds=options.intake_timeout,
        timeout=options.intake_timeout,
    )
    arguments = [path, token, procedure, tag, str(options.intakes), str(INTAKE_THREADS)]
    lines = []
    with subprocess.Popen([*command, *arguments], stdout=subprocess.PIPE, text=True) as run:
        threads_done = 0
        for line in run.stdout:
            if line.strip() != INTAKE_LINE_DONE:
                lines.append(line)
                continue
            threads_done += 1
            if threads_done == INTAKE_THREADS:
                run.send_signal(signal.SIGINT)
    if run.returncode:
        sys.exit(f"wrk exited with {run.returncode}")
    return {**_summary("".join(lines)), "tag": tag}


def _wrk_command(wrk, base, script, *, connections, threads, seconds, timeout):
    return [
        wrk,
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        f"--timeout={timeout}s",
        f"--script={WRK_SCRIPTS / script}",
        base,
        "--",
    ]


def _summary(output):
    """The JSON line that the Lua scripts' done() prints after wrk's own summary, which is
    echoed here."""
    lines = output.splitlines()
    print("\n".join(line for line in lines if not line.startswith("{")))
    return json.loads(next(line for line in reversed(lines) if line.startswith("{")))


def _check_intakes(result, options):
    """One row per 201 answer among the dossiers of this burst's applicants, every code
    once."""
    from dossiers.models import Dossier

    answered = sum(result["statuses"].values())
    created = result["statuses"].get("201", 0)
    codes = result["codes"]
    rows = Dossier.objects.filter(applicant_name__startswith=f"{APPLICANT_PREFIX}{result['tag']}-")
    stored = list(rows.values_list("code", flat=True))
    lost = len(set(codes) - set(stored))
    duplicates = (len(codes) - len(set(codes))) + (len(stored) - len(set(stored)))
    return {
        "sent": options.intakes,
        "answered": answered,
        "created": created,
        "rows": len(stored),
        "lost": lost,
        "duplicates": duplicates,
        "passed": answered == options.intakes
        and created == len(stored)
        and lost == 0
        and duplicates == 0,
    }


def _rate(result):
    return result["requests"] / result["seconds"]


def _latencies(result, shares=("p50", "p95", "p99")):
    latency = result["latency_ms"]
    return ", ".join(f"{share} {support.milliseconds(latency[share] / 1000)}" for share in shares)


def _errors(result):
    errors = result["errors"]
    sockets = sum(errors[kind] for kind in ("connect", "read", "write", "timeout"))
    return f"{errors['status']} non-2xx/3xx, {sockets} socket errors"


def _report(results, check, options):
    print(
        f"wrk: {options.connections} connections and {options.threads} threads for the mix, "
        f"{options.intake_connections:,} connections and {INTAKE_THREADS} thread for the "
        f"intakes; {options.workers} gunicorn workers "
        f"(--backlog {BACKLOG}), CONN_MAX_AGE={options.conn_max_age}"
    )
    for name, result in results.items():
        print(
            f"{name:>12}: {_rate(result):,.1f} req/s, {_latencies(result)}; {_errors(result)} "
            f"({result['requests']:,} requests in {result['seconds']:.1f} s)"
        )
    print(
        f"intakes: {check['sent']:,} sent, {check['answered']:,} answered, {check['created']:,} "
        f"created (201), {check['rows']:,} rows in the database: {check['lost']} lost, "
        f"{check['duplicates']} duplicate codes -> {'passed' if check['passed'] else 'FAILED'}"
    )
    print(f"intake statuses: {results['intake']['statuses']}")


def _rows(results, check, data, options):
    mix, bare_list = results["public mix"], results["bare list"]
    intake, bare_insert = results["intake"], results["bare insert"]
    server = f"{options.workers} gunicorn workers, `CONN_MAX_AGE={options.conn_max_age}`"
    return [
        support.row(
            f"Public mix under wrk, {options.connections} connections, {options.duration} s: "
            "home page, catalogue search with and without diacritics, procedure pages, public "
            f"lookup API; {server}",
            f"{data['dossiers']:,} dossiers, {data['published']:,} published procedures",
            f"{_rate(mix):,.0f} req/s, {_latencies(mix)}; {_errors(mix)}",
            f"bare list view, same wrk settings: {_rate(bare_list):,.0f} req/s, "
            f"{_latencies(bare_list)}; {_errors(bare_list)}",
        ),
        support.row(
            f"Counter intake burst `POST {dossier_intake.API_PATH}` under wrk, "
            f"{options.intake_connections:,} connections at once (`--backlog {BACKLOG}`), "
            f"eager notifications (no Redis), {server}",
            f"{data['dossiers']:,} dossiers, one desk officer (one desk, one procedure)",
            f"{_rate(intake):,.0f} intakes/s, {_latencies(intake)}; {check['created']:,}/"
            f"{check['sent']:,} created, {check['rows']:,} rows, {check['lost']} lost, "
            f"{check['duplicates']} duplicate codes; {_errors(intake)}",
            f"bare view inserting one row, same settings: {_rate(bare_insert):,.0f}/s, "
            f"{_latencies(bare_insert)}",
        ),
    ]


if __name__ == "__main__":
    sys.exit(main())
