"""Every scenario of the table in docs/performance.md, each with its baseline, one after
the other; then the table is rewritten with the rows of this run.

    .venv/bin/python benchmarks/run_all.py [--only NAME ...] [--url URL] [--skip-generate]
        [--dry-run] [-- OPTIONS FOR EACH SCRIPT]
    make bench [BENCH_ARGS="--only load --dry-run"]

It makes sure the 1M-dossier database is there (`generate_data.py` runs when its dossier
tables are empty, unless `--skip-generate`), runs each script as a subprocess with
`--json`, collects the rows they write (the table's columns: scenario, data, figure,
baseline, command) and replaces, between the markers `<!-- benchmarks:table:start -->` and
`<!-- benchmarks:table:end -->`, the rows of the scripts that ran; rows of scripts not run
(`--only`), of a script whose run wrote no rows, and the hand-measured ones stay as they
were. A line under the table gives the date, the CPU count and the load average at the
start and at the end. `--dry-run` prints the new table instead of writing it. Options
after `--` go to every script run (e.g. `--only load -- --duration 5`). It exits with 1
when a script exited with an error. Never part of `make test`.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import support

DOC = support.REPO / "docs" / "performance.md"
START = "<!-- benchmarks:table:start -->"
END = "<!-- benchmarks:table:end -->"
# The table's scenarios: the readers of the 1M-dossier database first, the scripts that
# add dossiers to it last, so that every figure sees the generated data.
SCENARIOS = [
    ("catalogue_search", []),
    ("catalogue_search", ["--conn-max-age", "60"]),
    ("dossier_list", []),
    ("dossier_list", ["--conn-max-age", "60"]),
    ("dashboard", []),
    ("celery_jobs", []),
    ("dossier_intake", []),
    ("dossier_intake", ["--redis", "redis://127.0.0.1:6379/14", "--conn-max-age", "60"]),
    ("load", []),
]
SCRIPTS = list(dict.fromkeys(script for script, _options in SCENARIOS))
# It creates and drops a database of its own: the dossier database's URL must never reach it.
OWN_DATABASE = {"catalogue_search"}


def main():
    options, script_options = _arguments()
    started = _moment()
    selected = [(script, extra) for script, extra in SCENARIOS if script in options.only]
    if not options.skip_generate and any(s not in OWN_DATABASE for s, _extra in selected):
        _ensure_dossiers(options.url)
    skipped = [script for script in options.only if not _writes_json(script)]
    rows, failed, silent = {}, [], set()
    for script, extra in selected:
        if script in skipped:
            continue
        status, produced = _run(
            script, [*extra, *_url_options(script, options.url), *script_options]
        )
        if status:
            failed.append(f"{script}.py {' '.join(extra)}".strip())
        if produced is None:
            silent.add(script)
        else:
            rows.setdefault(script, []).extend(produced)
    # A script with a run that wrote nothing keeps all its earlier rows.
    rows = {script: produced for script, produced in rows.items() if script not in silent}
    block = _new_block(_read_block(), rows, started, _moment())
    if options.dry_run:
        print(block)
    elif rows:
        _write_block(block)
        print(f"docs/performance.md: the rows of {', '.join(rows)} rewritten")
    else:
        print("nothing measured: docs/performance.md left as it was")
    for script in skipped:
        print(f"{script}.py has no --json option yet: its rows are kept as they were")
    for script in silent:
        print(f"{script}.py: a run wrote no rows, so its earlier rows are kept")
    if failed:
        print(f"failed (exit status other than 0): {'; '.join(failed)}")
        return 1
    return 0


def _arguments():
    own, script_options = _split_at_double_dash(sys.argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=SCRIPTS, default=SCRIPTS, metavar="NAME")
    parser.add_argument(
        "--url", help=f"the dossier benchmarks' database (default {support.DEFAULT_URL})"
    )
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the new table instead of writing it"
    )
    return parser.parse_args(own), script_options


def _split_at_double_dash(arguments):
    if "--" not in arguments:
        return arguments, []
    at = arguments.index("--")
    return arguments[:at], arguments[at + 1 :]


def _moment():
    return {"at": datetime.now().astimezone(), "load": os.getloadavg()[0]}


def _url_options(script, url):
    return ["--url", url] if url and script not in OWN_DATABASE else []


def _ensure_dossiers(url):
    url = url or support.DEFAULT_URL
    if _holds_dossiers(url):
        return
    print("no dossiers yet: generating them (benchmarks/generate_data.py)")
    subprocess.run(
        [sys.executable, "benchmarks/generate_data.py", "--url", url], cwd=support.REPO, check=True
    )


def _holds_dossiers(url):
    import psycopg2

    try:
        connection = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return False  # no database yet: generate_data.py creates it
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('dossiers_dossier') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SELECT EXISTS (SELECT 1 FROM dossiers_dossier)")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def _writes_json(script):
    usage = subprocess.run(
        [sys.executable, f"benchmarks/{script}.py", "--help"],
        cwd=support.REPO,
        capture_output=True,
        text=True,
    )
    return "--json" in usage.stdout


def _run(script, arguments):
    """The script's exit status and the rows it wrote (None when it wrote none: a script
    whose check fails still writes its rows, which show the failure)."""
    command = [sys.executable, f"benchmarks/{script}.py", *arguments]
    print(f"\n=== {' '.join(command[1:])}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.json"
        finished = subprocess.run([*command, "--json", str(path)], cwd=support.REPO)
        if finished.returncode:
            print(f"{script}.py exited with {finished.returncode}")
        return finished.returncode, json.loads(path.read_text()) if path.exists() else None


# --- the table ----------------------------------------------------------------------------


def _read_block():
    text = DOC.read_text()
    if START not in text or END not in text:
        sys.exit(f"docs/performance.md has no {START} … {END} around its table")
    return text.split(START, 1)[1].split(END, 1)[0]


def _write_block(block):
    text = DOC.read_text()
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(f"{before}{START}\n{block}\n{END}{after}")


def _new_block(old_block, rows, started, ended):
    lines = [line for line in old_block.splitlines() if line.startswith("|")]
    header, old_rows = lines[:2], [_cells(line) for line in lines[2:]]
    table = _merged(old_rows, rows)
    return "\n".join([*header, *_rendered(table), "", _run_line(rows, started, ended)])


def _cells(line):
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _merged(old_rows, rows):
    """The old rows, where those of the scripts that ran give way to the new ones (at the
    place of the first); the new rows of a script that had none come last."""
    merged, placed = [], set()
    for cells, owner in zip(old_rows, _owners(old_rows), strict=True):
        if owner not in rows:
            merged.append(cells)
        elif owner not in placed:
            merged.extend(_new_cells(rows[owner]))
            placed.add(owner)
    for script, produced in rows.items():
        if script not in placed:
            merged.extend(_new_cells(produced))
    return merged


def _owners(old_rows):
    """The script behind each row, read from its command ("same" is the row above's)."""
    owners, owner = [], None
    for cells in old_rows:
        command = cells[-1]
        if not command.startswith("same"):
            named = re.search(r"\b(\w+)\.py\b", command)
            owner = named[1] if named and named[1] in SCRIPTS else None
        owners.append(owner)
    return owners


def _new_cells(rows):
    return [[row[column].replace("|", "\\|") for column in support.TABLE_COLUMNS] for row in rows]


def _rendered(table):
    """Markdown lines; a data or command cell equal to the row above's reads "same"."""
    lines, previous = [], None
    for cells in table:
        shown = list(cells)
        if previous is not None:
            for column in (1, 4):
                if cells[column] == previous[column]:
                    shown[column] = "same"
        lines.append("| " + " | ".join(shown) + " |")
        previous = cells
    return lines


def _run_line(rows, started, ended):
    scripts = ", ".join(f"`{script}.py`" for script in rows) or "no script"
    return (
        f"Measured by `make bench` (`benchmarks/run_all.py`) on {started['at']:%Y-%m-%d} "
        f"{started['at']:%H:%M}–{ended['at']:%H:%M} ({started['at']:%Z}), {os.cpu_count()} "
        f"CPUs, load average (1 min) {started['load']:.2f} at the start and "
        f"{ended['load']:.2f} at the end: the rows of {scripts}; the other rows come from "
        "earlier runs (their commands say how)."
    )


if __name__ == "__main__":
    sys.exit(main())
