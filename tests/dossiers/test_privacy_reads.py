"""The read log (Personal Data Protection Law 91/2025): every staff read of a dossier's
personal data or papers — its page, the API, a printed form, a paper, an export line — is
logged and shown to the applicant on their dossier page; their own reads are not."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import User
from dossiers.models import Dossier, DossierRead, ReadKind
from dossiers.services.attachments import attach
from dossiers.views.citizen import READS_SHOWN
from tests.factories import DossierFactory
from tests.samples import pdf_upload
from tests.world import CITIZEN_PHONE

API = "/api/v1/dossiers/{}/"
CSV, XLSX = "/desk/logbook.csv", "/desk/logbook.xlsx"


@pytest.fixture
def dossier(make, world):
    """A dossier An filed through her account, being handled, with one paper; the desk
    officer is Trần Thị Bình."""
    world.desk_officer.first_name, world.desk_officer.last_name = "Bình", "Trần Thị"
    world.desk_officer.save()
    dossier = make("in_progress")
    attach(dossier, pdf_upload("giay-chung-sinh.pdf"), "application", world.desk_officer)
    return dossier


def as_user(client, user):
    client.force_login(user)
    return client


def reads(dossier):
    return list(DossierRead.objects.filter(dossier=dossier).order_by("pk"))


def downloaded(response):
    if response.streaming:
        b"".join(response.streaming_content)
    return response


class TestStaffReadsAreLogged:
    def test_the_desk_page_with_who_their_unit_when_and_why(self, client, world, dossier):
        page = f"/desk/dossiers/{dossier.code}/"
        response = as_user(client, world.desk_officer).get(page, {"reason": "Kiểm tra\t lại"})
        assert response.status_code == 200
        (read,) = reads(dossier)
        assert (read.reader, read.reader_unit, read.kind) == (
            world.desk_officer,
            world.desk,
            ReadKind.PAGE,
        )
        assert read.reason == "Kiểm tra  lại"
        assert read.at is not None

    def test_the_applicants_page_opened_by_staff(self, client, world, dossier):
        response = as_user(client, world.unit_leader).get(f"/dossiers/{dossier.code}/")
        assert response.status_code == 200
        assert [read.kind for read in reads(dossier)] == [ReadKind.PAGE]
        # The list of readers is the applicant's to see, not the officer's.
        assert "reads" not in response.context

    def test_the_back_office_page(self, client, world, dossier):
        url = f"/admin/dossiers/dossier/{dossier.pk}/change/"
        assert as_user(client, world.admin).get(url).status_code == 200
        assert [(read.kind, read.detail) for read in reads(dossier)] == [
            (ReadKind.PAGE, "Trang quản trị")
        ]

    def test_the_api_detail(self, api_client, world, dossier):
        api_client.force_authenticate(User.objects.get(pk=world.specialist.pk))
        response = api_client.get(API.format(dossier.code), {"reason": "Thẩm định"})
        assert response.status_code == 200
        (read,) = reads(dossier)
        assert (read.reader, read.kind, read.reason) == (
            world.specialist,
            ReadKind.API,
            "Thẩm định",
        )

    def test_the_api_list_and_timeline_are_not_reads_of_the_record(
        self, api_client, world, dossier
    ):
        api_client.force_authenticate(User.objects.get(pk=world.specialist.pk))
        assert api_client.get("/api/v1/dossiers/").status_code == 200
        assert api_client.get(API.format(dossier.code) + "events/").status_code == 200
        assert reads(dossier) == []

    def test_printed_forms_name_the_form(self, client, world, dossier):
        staff = as_user(client, world.desk_officer)
        assert staff.get(f"/print/{dossier.code}/receipt/").status_code == 200
        assert staff.get(f"/print/{dossier.code}/receipt.pdf").status_code == 200
        details = [(read.kind, read.detail) for read in reads(dossier)]
        title = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
        assert details == [(ReadKind.PRINT, title), (ReadKind.PRINT, f"{title} (PDF)")]

    def test_a_form_that_does_not_apply_is_no_read(self, client, world, dossier):
        response = as_user(client, world.desk_officer).get(f"/print/{dossier.code}/refusal/")
        assert response.status_code == 404
        assert reads(dossier) == []

    def test_paper_downloads_name_the_paper(self, client, world, dossier):
        paper = dossier.attachments.get()
        staff = as_user(client, world.desk_officer)
        for url in (
            f"/desk/dossiers/{dossier.code}/files/{paper.pk}/",
            f"/attachments/{paper.pk}/",
        ):
            assert downloaded(staff.get(url)).status_code == 200
        assert [(read.kind, read.detail) for read in reads(dossier)] == [
            (ReadKind.DOWNLOAD, "giay-chung-sinh.pdf"),
            (ReadKind.DOWNLOAD, "giay-chung-sinh.pdf"),
        ]

    @pytest.mark.parametrize(("url", "kind"), [(CSV, "CSV"), (XLSX, "XLSX")])
    def test_each_exported_line_of_the_logbook(self, client, world, dossier, url, kind):
        other = DossierFactory(receiving_unit=world.town)
        response = as_user(client, world.desk_officer).get(url, {"date_from": "2026-11-01"})
        assert downloaded(response).status_code == 200
        logged = DossierRead.objects.order_by("dossier_id")
        assert [(read.dossier_id, read.kind) for read in logged] == [
            (dossier.pk, ReadKind.EXPORT),
            (other.pk, ReadKind.EXPORT),
        ]
        assert {read.detail for read in logged} == {f"Sổ theo dõi hồ sơ ({kind})"}

    def test_each_line_of_the_late_export(self, client, world, clock):
        late = DossierFactory(overdue=True, receiving_unit=world.town)
        DossierFactory(receiving_unit=world.town)  # on time: not in the file
        response = as_user(client, world.leader).get(
            "/dashboard/late.csv", {"from": "2026-09-01", "to": "2026-11-23"}
        )
        assert response.status_code == 200
        assert [(read.dossier, read.kind) for read in DossierRead.objects.all()] == [
            (late, ReadKind.EXPORT)
        ]

    def test_a_bad_export_filter_logs_nothing(self, client, world, dossier):
        response = as_user(client, world.desk_officer).get(CSV, {"date_from": "hôm qua"})
        assert response.status_code == 400
        assert not DossierRead.objects.exists()


class TestWhatIsNotLogged:
    def test_the_applicants_own_reads(self, client, world, dossier):
        paper = dossier.attachments.get()
        citizen = as_user(client, world.citizen)
        assert citizen.get(f"/dossiers/{dossier.code}/").status_code == 200
        assert downloaded(citizen.get(f"/attachments/{paper.pk}/")).status_code == 200
        assert citizen.get(f"/print/{dossier.code}/receipt/").status_code == 200
        assert citizen.get("/dossiers/mine/data/").status_code == 200
        assert reads(dossier) == []

    def test_the_public_lookup(self, client, api_client, dossier):
        assert (
            client.post("/lookup/", {"code": dossier.code, "phone": CITIZEN_PHONE}).status_code
            == 200
        )
        lookup = api_client.get("/api/v1/lookup/", {"code": dossier.code, "phone": CITIZEN_PHONE})
        assert lookup.status_code == 200
        assert reads(dossier) == []

    def test_staff_exporting_their_own_dossier(self, client, world, dossier):
        Dossier.objects.filter(pk=dossier.pk).update(applicant_user=world.desk_officer)
        response = as_user(client, world.desk_officer).get(CSV, {"date_from": "2026-11-01"})
        assert downloaded(response).status_code == 200
        assert reads(dossier) == []


class TestTheApplicantSeesWhoLooked:
    def test_a_staff_read_appears_on_the_citizens_page(self, client, world, dossier, clock):
        as_user(client, world.desk_officer).get(f"/desk/dossiers/{dossier.code}/")
        clock.shift(timedelta(minutes=5))
        as_user(client, world.desk_officer).get(f"/print/{dossier.code}/receipt/")
        response = as_user(client, world.citizen).get(f"/dossiers/{dossier.code}/")
        html = response.content.decode()
        assert "Ai đã xem hồ sơ của bạn" in html
        for expected in ("Trần Thị Bình", "Bộ phận Một cửa", "09:05 23/11/2026", "In biểu mẫu"):
            assert expected in html, expected
        # Newest first.
        assert [read.kind for read in response.context["reads"]] == [ReadKind.PRINT, ReadKind.PAGE]
        assert response.context["reads_count"] == 2

    def test_the_citizens_own_reads_do_not_appear(self, client, world, dossier):
        citizen = as_user(client, world.citizen)
        citizen.get(f"/dossiers/{dossier.code}/")
        response = citizen.get(f"/dossiers/{dossier.code}/")
        assert response.context["reads"] == []
        assert "Chưa có cán bộ nào xem dữ liệu cá nhân" in response.content.decode()

    def test_the_list_is_capped_with_the_count(self, client, world, dossier):
        staff = as_user(client, world.specialist)
        for _ in range(READS_SHOWN + 3):
            staff.get(API.format(dossier.code))
        response = as_user(client, world.citizen).get(f"/dossiers/{dossier.code}/")
        assert len(response.context["reads"]) == READS_SHOWN
        assert response.context["reads_count"] == READS_SHOWN + 3


class TestExportQueries:
    """An export logs each dossier in bulk: the same number of queries at 5 and 500."""

    @staticmethod
    def dossiers(world, count):
        template = DossierFactory(receiving_unit=world.town, trail=False)
        fields = {
            f.attname: getattr(template, f.attname)
            for f in Dossier._meta.concrete_fields
            if not f.primary_key and f.name != "code"
        }
        Dossier.objects.bulk_create(
            Dossier(code=f"{template.code}-{n:04d}", **fields) for n in range(count - 1)
        )

    @pytest.mark.parametrize("url", [CSV, XLSX])
    def test_constant(self, client, world, clock, url):
        staff = as_user(client, world.desk_officer)

        def count():
            DossierRead.objects.all().delete()
            with CaptureQueriesContext(connection) as queries:
                assert downloaded(staff.get(url, {"date_from": "2026-11-01"})).status_code == 200
            return len(queries), DossierRead.objects.count()

        self.dossiers(world, 5)
        small, logged = count()
        assert logged == 5
        self.dossiers(world, 495)
        assert count() == (small, 500)
