"""GET /api/v1/reports/digitisation/ and its selector: figures per receiving unit equal to
counts made one dossier at a time, scoped like the other reports, queries constant."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers.models import AttachmentKind, Dossier, ElectronicResult, Exemption
from dossiers.reporting.digitisation import digitisation_figures
from dossiers.services.attachments import attach
from dossiers.services.components import ComponentEntry
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake
from tests.dossiers.test_digitisation import scan_file
from tests.procedures.factories import RequiredDocumentFactory
from tests.world import NOW

URL = "/api/v1/reports/digitisation/"
TODAY = NOW.date()


@pytest.fixture
def papers(world):
    return [
        RequiredDocumentFactory(procedure=world.procedure, name=name, originals=1, order=n)
        for n, name in enumerate(["Tờ khai", "Giấy chứng sinh"])
    ]


def add_dossiers(world, papers, count, officer=None):
    """``count`` rounds of three dossiers: fully digitised with a reused paper, half
    scanned, and scanned plus exempt."""
    form, certificate = papers
    officer = officer or world.desk_officer
    shapes = [
        [ComponentEntry(form, scan=scan_file()), ComponentEntry(certificate, reused=True)],
        [ComponentEntry(form, scan=scan_file()), ComponentEntry(certificate)],
        [
            ComponentEntry(form, scan=scan_file()),
            ComponentEntry(certificate, exemption=Exemption.CONFIDENTIAL),
        ],
    ]
    for _ in range(count):
        for entries in shapes:
            applied = intake(world)
            applied.components = entries
            intake_at_counter(officer, applied)


def resolve_with_results(world, every=2):
    """Every ``every``-th dossier resolved today, and every other of those given an
    electronic result (rows written directly: the signing is tested elsewhere)."""
    for n, dossier in enumerate(Dossier.objects.order_by("pk")[::every]):
        Dossier.objects.filter(pk=dossier.pk).update(resolved_at=NOW)
        if n % 2 == 0:
            paper = attach(dossier, scan_file("ket-qua.pdf"), AttachmentKind.RESULT, None)
            ElectronicResult.objects.create(
                dossier=dossier,
                attachment=paper,
                agency=world.town,
                signer="CN=test",
                certificate_sha256="0" * 64,
                signed_at=NOW,
            )


def direct_count(dossiers):
    """The figures counted one dossier and one paper at a time, in Python."""
    figures = {}
    for dossier in dossiers.filter(received_at__date__lte=TODAY).select_related("receiving_unit"):
        row = figures.setdefault(dossier.receiving_unit.code, [0] * 9)
        papers = [paper for paper in dossier.components.all() if paper.handed_over]
        row[0] += 1
        row[1] += all(paper.digitised or paper.exemption for paper in papers)
        row[2] += len(papers)
        row[3] += sum(paper.digitised for paper in papers)
        row[4] += sum(bool(paper.exemption) for paper in papers)
        row[5] += sum(paper.reused for paper in papers)
        row[6] += any(paper.reused for paper in dossier.components.all())
        row[7] += dossier.resolved_at is not None
        row[8] += dossier.resolved_at is not None and dossier.electronic_results.exists()
    return figures


def as_figures(rows):
    return {
        row.code: [
            row.received,
            row.fully_digitised,
            row.components,
            row.components_digitised,
            row.components_exempt,
            row.reused,
            row.dossiers_reusing,
            row.resolved,
            row.electronic_results,
        ]
        for row in rows
    }


def test_the_selector_equals_a_direct_count(world, clock, papers):
    add_dossiers(world, papers, 2)
    add_dossiers(world, papers, 1, officer=world.other_desk_officer)
    resolve_with_results(world)
    rows = digitisation_figures(TODAY - timedelta(days=30), TODAY, Dossier.objects.all())
    assert as_figures(rows) == direct_count(Dossier.objects.all())
    town = next(row for row in rows if row.code == world.town.code)
    assert (town.received, town.fully_digitised, town.reused) == (6, 4, 2)
    assert town.fully_digitised_rate == 66.7
    assert (town.dossiers_reusing, town.reuse_rate) == (2, 33.3)
    assert (town.resolved, town.electronic_results) == (3, 2)
    assert town.electronic_result_rate == 66.7


@pytest.mark.parametrize("rounds", [1, 4])
def test_queries_do_not_grow_with_dossiers(world, clock, papers, rounds):
    add_dossiers(world, papers, rounds)
    resolve_with_results(world)
    with CaptureQueriesContext(connection) as queries:
        digitisation_figures(TODAY, TODAY, Dossier.objects.all())
    assert len(queries) == 3


class TestEndpoint:
    def test_a_leader_reads_their_scope_only(self, api_client, world, clock, papers):
        add_dossiers(world, papers, 1)
        add_dossiers(world, papers, 1, officer=world.other_desk_officer)
        api_client.force_authenticate(world.unit_leader)
        body = api_client.get(URL, {"from": TODAY.isoformat()}).json()
        assert [row["code"] for row in body["results"]] == [world.town.code]
        assert body["results"][0]["received"] == 3
        assert body["results"][0]["reused"] == 1

    def test_staff_without_reports_and_citizens_are_refused(self, api_client, world):
        for user in (world.desk_officer, world.citizen):
            api_client.force_authenticate(user)
            assert api_client.get(URL).status_code == 403

    def test_bad_input_gets_field_errors(self, api_client, world):
        api_client.force_authenticate(world.leader)
        answer = api_client.get(URL, {"from": "2026-12-01", "to": "2026-01-01"})
        assert answer.status_code == 400 and "from" in answer.json()
        answer = api_client.get(URL, {"unit": "NO.SUCH"})
        assert answer.status_code == 400 and "unit" in answer.json()
