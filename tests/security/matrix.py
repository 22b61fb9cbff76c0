"""The machinery behind the authorization matrix: parse the table, play one cell, and say
what a cell observed in the table's own notation.

A cell is what a role gets from one request:
- ``404``: that status code, and nothing changed;
- ``200!``: that status code, and the request changed the world (a new event, dossier,
  inspection or scorecard state);
- ``{OS}``: 200, and of the world's markers exactly O and S appear in the page or JSON
  (the dossiers by letter, see ``tests.world``; scorecards and inspections by
  the letters of ``REFORM_MARKERS``) — the scoping of lists, logbooks and exports.
"""

import json
import re
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from dossiers.models import (
    CitizenDocument,
    Dossier,
    DossierComponent,
    DossierEvent,
    ElectronicResult,
    Rating,
)
from dossiers.services.store import StoredPaper, add_document
from reform_index.models import Inspection, Scorecard
from tests.reform_index.factories import CriterionFactory, InspectionFactory, ScorecardFactory
from tests.samples import pdf_upload, png_upload
from tests.world import BIRTH_REGISTRATION, CITIZEN_PHONE

ROLES = (
    "anon",
    "citizen",
    "citizen2",
    "desk",
    "desk2",
    "spec",
    "spec2",
    "uleader",
    "uleader2",
    "leader",
    "index",
    "admin",
)
REFORM_MARKERS = {
    "C": "MARK-SCORECARD-PUBLISHED",
    "N": "MARK-SCORECARD-DRAFT",
    "A": "MARK-SCORECARD-SELF-ASSESSMENT",
    "I": "MARK-INSPECTION-PUBLISHED",
    "J": "MARK-INSPECTION-UNPUBLISHED",
}
PUBLISHED_YEAR, DRAFT_YEAR, SELF_ASSESSMENT_YEAR = 2001, 2002, 2003


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    body: str | None
    expected: dict

    @property
    def label(self):
        return f"{self.method} {self.path}" + (f" [{self.body}]" if self.body else "")


def parse(table):
    """Rows of ``METHOD PATH [BODY] cell…`` under a ``#`` header naming the roles."""
    rows = []
    for line in table.strip().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        method, path, *rest = line.split()
        body = rest.pop(0) if len(rest) == len(ROLES) + 1 else None
        if len(rest) != len(ROLES):
            raise ValueError(f"{len(rest)} cells instead of {len(ROLES)} in: {line}")
        rows.append(Row(method, path, body, dict(zip(ROLES, rest, strict=True))))
    return rows


def add_reform_index(world):
    """Scorecards in three states and two inspections of the citizen's town."""
    for year, state, marker in (
        (PUBLISHED_YEAR, "published", "C"),
        (DRAFT_YEAR, None, "N"),
        (SELF_ASSESSMENT_YEAR, "self_assessment", "A"),
    ):
        traits = {state: True} if state else {}
        scorecard = ScorecardFactory(
            year=year, title=f"Chỉ số CCHC {REFORM_MARKERS[marker]}", **traits
        )
        CriterionFactory(scorecard=scorecard, code="I", max_points=100)
    town = world.town
    InspectionFactory(unit=town, findings=REFORM_MARKERS["I"])
    InspectionFactory(unit=town, findings=REFORM_MARKERS["J"], unpublished=True)


def add_document_store(world):
    """A birth certificate in the citizen's document store."""
    world.stored = add_document(
        world.citizen, pdf_upload("khai-sinh.pdf"), StoredPaper("Giấy khai sinh", "123/2020")
    )
    return world


def placeholders(world):
    values = {
        "proc": BIRTH_REGISTRATION,
        "phone": CITIZEN_PHONE,
        "draft": DRAFT_YEAR,
        "published": PUBLISHED_YEAR,
        "doc": world.stored.pk,
    }
    for letter, dossier in world.dossiers.items():
        values[letter] = dossier.code
        values[f"{letter}_pk"] = dossier.pk
        first = dossier.attachments.order_by("pk").first()
        values[f"{letter}_att"] = first.pk if first else 0
        paper = dossier.components.order_by("order", "pk").first()
        values[f"{letter}_comp"] = paper.pk if paper else 0
    return values


def bodies(world):
    """Request bodies by name: JSON for the API, form fields (multipart) for the pages."""
    later = (timezone.now() + timedelta(days=60)).isoformat()
    applicant = {"name": "Lê Văn Cường", "phone": "0911222333"}
    return {
        "note": {"note": "Kiểm tra"},
        "reason": {"reason": "Lý do thử"},
        "filing": {
            "procedure": BIRTH_REGISTRATION,
            "applicant": applicant,
            "receiving_unit": "H26.45",
        },
        "transfer": {"to_unit": "H26.45"},
        "apology": {"reason": "Chậm do xác minh", "new_appointment_at": later},
        "rate": {"level": "satisfied"},
        "exempt": {"reason": "confidential"},
        "inspection": {
            "unit": "H26.45",
            "date": "2026-06-15",
            "team": "Đoàn kiểm tra",
            "kind": "scheduled",
        },
        # Page forms, prefixed with the action as the desk screens name them.
        "page-receive": {"receive-note": ""},
        "page-transfer": {"transfer-to_unit": world.town.pk},
        "page-resolve": {"resolve-note": "Xong"},
        "page-return": {"return-note": ""},
        "page-rate": {"level": "satisfied", "comment": ""},
        "page-exempt": {"reason": "confidential"},
        "page-withdraw": {"reason": "Không cần nữa", "confirm": "on"},
        "page-supplement": lambda: {"note": "Bổ sung", "files": png_upload()},
        "page-result": lambda: {"file": pdf_upload("ket-qua.pdf")},
    }


def fingerprint():
    """What a successful write changes: the trail, the dossiers, ratings, inspections,
    scorecard states and the papers digitised or exempt."""
    states = tuple(Scorecard.objects.order_by("year").values_list("state", flat=True))
    return (
        DossierEvent.objects.count(),
        Dossier.objects.count(),
        Rating.objects.count(),
        Inspection.objects.count(),
        states,
        DossierComponent.objects.filter(digitised=True).count(),
        DossierComponent.objects.exclude(exemption="").count(),
        CitizenDocument.objects.count(),
        ElectronicResult.objects.count(),
    )


def markers(world):
    return {**{letter: d.code for letter, d in world.dossiers.items()}, **REFORM_MARKERS}


def request(client, row, values, body_sets):
    path = row.path.format(**values)
    data = body_sets[row.body] if row.body else {}
    data = data() if callable(data) else data
    method = getattr(client, row.method.lower())
    if path.startswith("/api/") and row.method != "GET":
        return method(path, data=json.dumps(data), content_type="application/json")
    return method(path, data=data) if data else method(path)


def observe(client, row, values, body_sets):
    """(status, extra) of one request: for a GET, extra is the body (to look for markers);
    for a write, "!" when it changed the world. Writes are rolled back either way."""
    if row.method == "GET":
        response = request(client, row, values, body_sets)
        return response.status_code, _body_text(response)
    with transaction.atomic():
        before = fingerprint()
        response = request(client, row, values, body_sets)
        changed = fingerprint() != before
        transaction.set_rollback(True)
    return response.status_code, "!" if changed else ""


def _body_text(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def cell_for(expected, status, extra, all_markers):
    """Write the observation the way ``expected`` is written, so the two compare."""
    if expected.startswith("{"):
        if status != 200:
            return str(status)
        found = "".join(letter for letter, text in all_markers.items() if text in extra)
        return "{" + found + "}"
    if extra == "!":
        return f"{status}!"
    return str(status)


def canonical(cell):
    if cell.startswith("{"):
        return "{" + "".join(sorted(re.sub(r"[{}]", "", cell))) + "}"
    return cell
