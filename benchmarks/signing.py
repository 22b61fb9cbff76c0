"""Signing and verifying an electronic result: a 5-page result PDF signed as an agency
with a PAdES signature and its visible stamp (`dossiers.signing.sign`), then verified
against the trust roots (`dossiers.signing.verify`), per document. The baseline, in the
same run, is rendering that PDF with WeasyPrint, what the portal does for its own forms.
Keys are a throwaway demo CA in a temporary folder; no database is used.

    .venv/bin/python benchmarks/signing.py [--pages 5] [--rounds 50]

Never part of `make test`.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path
from time import perf_counter

import support


def main():
    options = _arguments()
    sys.path.insert(0, str(support.REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", support.SETTINGS)
    import django

    django.setup()
    from django.conf import settings

    with tempfile.TemporaryDirectory() as folder:
        settings.SIGNING_KEYS_DIR = Path(folder)
        settings.SIGNING_TRUST_ROOTS = [str(Path(folder) / "trust-roots.pem")]
        found = _measure(options.pages, options.rounds)
    support.emit_rows(options, _rows(options.pages, found))


def _measure(pages, rounds):
    from core.models import Unit, UnitKind
    from demo.certificates import ensure_demo_keys
    from demo.results import sample_result_pdf
    from dossiers.signing.sign import sign_pdf
    from dossiers.signing.verify import State, verify_pdf

    agency = Unit(code="BENCH.01", name="Ủy ban nhân dân thị xã Sơn Tây", kind=UnitKind.DISTRICT)
    ensure_demo_keys([agency])
    url = "https://motcua.example.vn/verify/00000000-0000-4000-8000-000000000000/"
    rendered, signed, verified = [], [], []
    # One round first, not counted: the first signature of a process cuts the stamp font
    # down once (dossiers.signing.sign.stamp_font), and WeasyPrint loads its fonts.
    sign_pdf(sample_result_pdf("H01.23-261204-0000", agency.name, pages=pages), agency, url)
    for _round in range(rounds):
        started = perf_counter()
        document = sample_result_pdf("H01.23-261204-0001", agency.name, pages=pages)
        rendered.append(perf_counter() - started)
        started = perf_counter()
        result = sign_pdf(document, agency, url)
        signed.append(perf_counter() - started)
        started = perf_counter()
        verdict = verify_pdf(result.data)
        verified.append(perf_counter() - started)
        assert verdict.state == State.VALID, verdict
    found = {
        "size": len(document),
        "signed_size": len(result.data),
        "render": support.p50_p95(rendered),
        "sign": support.p50_p95(signed),
        "verify": support.p50_p95(verified),
    }
    print(
        f"{pages}-page result ({found['size']:,} bytes, {found['signed_size']:,} signed), "
        f"{rounds} rounds: sign {found['sign']}; verify {found['verify']}; "
        f"render {found['render']}"
    )
    return found


def _rows(pages, found):
    data = f"{pages}-page result PDF ({found['size']:,} bytes; {found['signed_size']:,} signed)"
    baseline = f"rendering that PDF with WeasyPrint: {found['render']}"
    return [
        support.row(
            "Electronic result: sign as the agency (PAdES + stamp)", data, found["sign"], baseline
        ),
        support.row(
            "Electronic result: verify against the trust roots", data, found["verify"], baseline
        ),
    ]


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=50)
    support.add_json_option(parser)
    return parser.parse_args()


if __name__ == "__main__":
    main()
