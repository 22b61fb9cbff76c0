"""The dossier API: the scoped list and its filters, detail, timeline, intake, schema."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from drf_spectacular.settings import patched_settings, spectacular_settings

from core.models import User
from dossiers.models import Attachment, Dossier
from dossiers.services import transitions
from dossiers.services.attachments import attach
from dossiers.services.intake import intake_at_counter
from procedures.models import OnlineLevel
from tests.dossiers.conftest import intake
from tests.procedures.factories import ProcedureFactory, RequiredDocumentFactory

URL = "/api/v1/dossiers/"
# The user's unit and groups, then the dossier with its five prefetched lists, then the
# staff read's line in the read log.
DETAIL_QUERIES = 9
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def login(api_client):
    """login(user) -> the client acting as ``user``."""
    return lambda user: logged_in(api_client, user)


def logged_in(client, user):
    """The client acting as a freshly loaded ``user``, with no roles or unit cached."""
    client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def codes_of(response):
    assert response.status_code == 200, response.json()
    return {row["code"] for row in response.json()["results"]}


def pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


class TestList:
    def test_rows_carry_the_summary_but_no_identity(self, login, make, world):
        dossier = make("in_progress")
        response = login(world.leader).get(URL)
        assert response.status_code == 200
        body = response.json()
        assert (body["count"], body["next"], body["previous"]) == (1, None, None)
        row = body["results"][0]
        assert row["code"] == dossier.code
        assert (row["status"], row["status_code"]) == ("in_progress", 4)
        assert row["procedure"] == {"code": "1.001193", "name": "Đăng ký khai sinh"}
        assert row["receiving_unit"] == {"code": "H26.45", "name": "Thị xã Sơn Tây"}
        assert row["handling_unit"] == {"code": "H26.45.TP", "name": "Phòng Tư pháp"}
        assert row["applicant_name"] == "Nguyễn Văn An"
        assert row["due_at"] == "2026-11-27T09:00:00+07:00"
        assert row["overdue"] is False
        # Mon 09:00 to Fri 09:00 with Tuesday off: three working days.
        assert row["remaining"] == {"seconds": 24 * 3600, "text": "3 ngày"}
        for private in ("applicant", "applicant_phone", "applicant_id_number", "applicant_email"):
            assert private not in row
        assert "001090000001" not in response.content.decode()

    def test_late_dossiers_say_by_how_much(self, login, make, world, clock):
        make("in_progress")  # due Fri 27/11 09:00
        clock.shift(timedelta(days=4, hours=2))  # Fri 11:00: two working hours late
        row = login(world.leader).get(URL).json()["results"][0]
        assert row["overdue"] is True
        assert row["remaining"] == {"seconds": -2 * 3600, "text": "Quá hạn 2 giờ"}

    def test_finished_and_unreceived_dossiers_have_no_time_left(self, login, make, world):
        make("returned")
        make("submitted")
        rows = login(world.leader).get(URL).json()["results"]
        assert [row["remaining"] for row in rows] == [None, None]
        assert [row["overdue"] for row in rows] == [False, False]

    def test_pages(self, login, make, world):
        for _n in range(3):
            make("received")
        client = login(world.leader)
        first = client.get(URL, {"page_size": 2}).json()
        assert (first["count"], len(first["results"])) == (3, 2)
        assert "page=2" in first["next"]
        assert len(client.get(first["next"]).json()["results"]) == 1
        # A page size beyond the cap is capped, not refused.
        assert len(client.get(URL, {"page_size": 100000}).json()["results"]) == 3

    @pytest.mark.parametrize("page", ["999", "abc", "-1"])
    def test_a_page_that_does_not_exist_is_a_json_404(self, login, make, world, page):
        make("received")
        response = login(world.leader).get(URL, {"page": page})
        assert response.status_code == 404
        assert "detail" in response.json()

    @pytest.mark.parametrize("rows", [2, 12])
    def test_query_count_does_not_grow_with_rows(
        self, login, world, clock, rows, django_assert_num_queries
    ):
        for n in range(rows):
            dossier = intake_at_counter(world.desk_officer, intake(world))
            if n % 2:
                transitions.transfer(dossier, world.desk_officer, to_unit=world.justice)
        client = login(world.leader)
        # The user's unit and groups, the planner's estimate, then the page's count and rows.
        with django_assert_num_queries(5):
            response = client.get(URL, {"page_size": 50})
        assert len(response.json()["results"]) == rows

    def test_anonymous_callers_are_refused(self, api_client, make):
        make("received")
        response = api_client.get(URL)
        assert response.status_code in (401, 403)
        assert "detail" in response.json()


class TestFilters:
    @pytest.fixture
    def dossiers(self, make, world, clock):
        """A small mix at the town desk plus one ward dossier on another procedure."""
        received = make("received")
        in_progress = make("in_progress")
        returned = make("returned")
        submitted = make("submitted")
        clock.shift(timedelta(days=2))  # Wed 25/11
        other = ProcedureFactory(code="2.000001", name="Chứng thực bản sao")
        ward = intake_at_counter(
            world.ward_desk,
            intake(world, procedure=other, name="Trần Thị Bình", phone="0987654321"),
        )
        return {
            "received": received,
            "in_progress": in_progress,
            "returned": returned,
            "submitted": submitted,
            "ward": ward,
        }

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"status": "received"}, {"received", "ward"}),
            ({"status": ["received", "returned"]}, {"received", "returned", "ward"}),
            ({"receiving_unit": "H26.45.01"}, {"ward"}),
            ({"handling_unit": "H26.45.TP"}, {"in_progress", "returned"}),
            ({"procedure": "2.000001"}, {"ward"}),
            ({"channel": "online"}, {"submitted"}),
            ({"received_after": "2026-11-25"}, {"ward"}),
            ({"received_before": "2026-11-23"}, {"received", "in_progress", "returned"}),
            ({"received_before": "2026-11-23T08:59:00+07:00"}, set()),
            ({"received_after": "2026-11-25T09:00"}, {"ward"}),
            ({"due_before": "2026-11-27"}, {"received", "in_progress", "returned"}),
            ({"due_after": "2026-11-28"}, {"ward"}),
            ({"search": "bình"}, {"ward"}),
            ({"search": "+84 987 654 321"}, {"ward"}),
            ({"search": "-0002"}, {"in_progress"}),
        ],
    )
    def test_each_filter(self, login, world, dossiers, params, expected):
        found = codes_of(login(world.leader).get(URL, params))
        assert found == {dossiers[name].code for name in expected}

    def test_field_filter(self, login, world, dossiers):
        field = world.procedure.field.code
        found = codes_of(login(world.leader).get(URL, {"field": field}))
        assert dossiers["ward"].code not in found and dossiers["received"].code in found

    def test_overdue(self, login, world, dossiers, clock):
        clock.shift(timedelta(days=3))  # Sat 28/11: the town's dossiers are past due
        client = login(world.leader)
        late = {dossiers[name].code for name in ("received", "in_progress")}
        assert codes_of(client.get(URL, {"overdue": "true"})) == late
        assert codes_of(client.get(URL, {"overdue": "false"})) == {
            dossiers[name].code for name in ("returned", "submitted", "ward")
        }

    @pytest.mark.parametrize(
        "params",
        [
            {"status": "lost"},
            {"status": ["received", "lost"]},
            {"receiving_unit": "NOWHERE"},
            {"handling_unit": "NOWHERE"},
            {"procedure": "9.999999"},
            {"field": "no-such-field"},
            {"channel": "pigeon"},
            {"received_after": "2026-13-01"},
            {"received_before": "yesterday"},
            {"due_after": "2026-11-31T10:00"},
            {"due_before": "23/11/2026"},
            {"overdue": "maybe"},
            {"search": "x" * 101},
            # Years that would overflow the time-zone arithmetic.
            {"received_after": "0001-01-01"},
            {"received_before": "9999-12-31"},
            {"due_before": "9999-12-31T23:59:59-12:00"},
            # An offset no clock on earth has (the database refused it: a 500).
            {"due_before": "2100-03-19T00:46:50.431-17:28"},
        ],
    )
    def test_a_value_it_does_not_understand_is_a_400_naming_the_parameter(
        self, login, world, dossiers, params
    ):
        response = login(world.leader).get(URL, params)
        assert response.status_code == 400
        assert set(response.json()) == set(params)

    def test_an_unencoded_offset_is_still_understood(self, login, world, dossiers):
        # "+" in a raw query string arrives as a space.
        response = login(world.leader).get(f"{URL}?received_after=2026-11-25T09:00:00+07:00")
        assert codes_of(response) == {dossiers["ward"].code}


class TestScoping:
    def test_each_side_sees_only_its_own(self, login, make, world):
        town = make("received")
        ward = intake_at_counter(world.ward_desk, intake(world), applicant_user=world.citizen)
        assert codes_of(login(world.desk_officer).get(URL)) == {town.code}
        assert codes_of(login(world.other_ward_desk).get(URL)) == set()
        assert codes_of(login(world.citizen).get(URL)) == {town.code, ward.code}
        assert codes_of(login(world.other_citizen).get(URL)) == set()

    def test_what_you_may_not_see_does_not_exist(self, login, make, world):
        dossier = make("received")
        client = login(world.other_ward_desk)
        for path in (f"{URL}{dossier.code}/", f"{URL}{dossier.code}/events/"):
            response = client.get(path)
            assert response.status_code == 404
            assert "detail" in response.json()
        unknown = client.get(f"{URL}H26.45-261123-9999/")
        assert unknown.json() == client.get(f"{URL}{dossier.code}/").json()
        assert client.get(f"{URL}không có mã/").json() == unknown.json()

    def test_a_citizen_sees_only_their_own_detail(self, login, make, world):
        dossier = make("received")  # filed for world.citizen
        assert login(world.citizen).get(f"{URL}{dossier.code}/").status_code == 200
        assert login(world.other_citizen).get(f"{URL}{dossier.code}/").status_code == 404


class TestDetail:
    def test_the_whole_dossier(self, login, make, world):
        dossier = make("in_progress")
        attachment = attach(dossier, pdf(), "application", world.desk_officer)
        response = login(world.specialist).get(f"{URL}{dossier.code}/")
        assert response.status_code == 200
        body = response.json()
        assert body["code"] == dossier.code
        assert body["applicant"] == {
            "kind": "person",
            "name": "Nguyễn Văn An",
            "phone": "0912345678",
            "id_number": "001090000001",
            "email": "an@example.vn",
            "address": "Phường Lê Lợi",
        }
        assert body["time_limit"] == {"amount": "3.00", "unit": "working_days", "cutoff": None}
        assert body["received_at"] == "2026-11-23T09:00:00+07:00"
        [file] = body["attachments"]
        assert file["name"] == "giay-to.pdf"
        assert (file["content_type"], file["size"]) == ("application/pdf", len(PDF))
        assert file["sha256"] == attachment.sha256
        assert file["url"] == f"http://testserver/attachments/{attachment.pk}/"
        assert body["supplements"] == body["apologies"] == []
        assert body["rating"] is None
        assert set(body["available_actions"]) == {
            "request-supplement",
            "transfer",
            "request-payment",
            "resolve",
            "stop",
            "apologize",
        }

    def test_supplements_apologies_and_rating_are_listed(self, login, make, world):
        dossier = make("in_progress")
        transitions.request_supplement(dossier, world.specialist, "Thiếu giấy chứng sinh")
        transitions.supplement(dossier, world.citizen, "Đã bổ sung")
        transitions.apologize(
            dossier, world.specialist, "Cần xác minh", dossier.due_at + timedelta(3)
        )
        transitions.return_result(
            transitions.resolve(dossier, world.specialist), world.desk_officer
        )
        transitions.rate(dossier, world.citizen, "satisfied", "Nhanh")
        body = login(world.citizen).get(f"{URL}{dossier.code}/").json()
        assert body["supplements"][0]["reason"] == "Thiếu giấy chứng sinh"
        assert body["supplements"][0]["fulfilled_note"] == "Đã bổ sung"
        assert body["apologies"][0]["reason"] == "Cần xác minh"
        assert body["rating"]["level"] == "satisfied"

    @pytest.mark.parametrize("files", [1, 6])
    def test_query_count_does_not_grow_with_attachments(
        self, login, make, world, files, django_assert_num_queries
    ):
        dossier = make("in_progress")
        for n in range(files):
            attach(dossier, pdf(f"{n}.pdf"), "application", world.desk_officer)
        client = login(world.specialist)
        with django_assert_num_queries(DETAIL_QUERIES):
            response = client.get(f"{URL}{dossier.code}/")
        assert len(response.json()["attachments"]) == files


class TestEvents:
    def test_timeline(self, login, make, world):
        dossier = make("in_progress")
        response = login(world.desk_officer).get(f"{URL}{dossier.code}/events/")
        assert response.status_code == 200
        intake_event, transfer = response.json()
        assert intake_event["action"] == "intake"
        assert (intake_event["from_status"], intake_event["from_status_code"]) == ("", None)
        assert (intake_event["to_status"], intake_event["to_status_code"]) == ("received", 2)
        assert intake_event["actor"] == "Nguyễn Văn An"
        assert transfer["action"] == "transfer"
        assert (transfer["from_status_code"], transfer["to_status_code"]) == (2, 4)
        assert transfer["from_unit"] == {"code": "H26.45", "name": "Thị xã Sơn Tây"}
        assert transfer["to_unit"] == {"code": "H26.45.TP", "name": "Phòng Tư pháp"}
        assert transfer["due_at"] == "2026-11-27T09:00:00+07:00"
        assert set(transfer) >= {"note", "at", "step", "step_due_at", "action_label"}


def applicant_body(**overrides):
    return {
        "name": "Lê Thị Cúc",
        "phone": "+84 912 345 678",
        "id_number": "001190000002",
        "email": "cuc@example.vn",
        "address": "Phường Quang Trung",
        **overrides,
    }


class TestCreate:
    def test_a_desk_officer_receives_at_the_counter(self, login, world, clock):
        body = {"procedure": "1.001193", "applicant": applicant_body(), "summary": "Khai sinh"}
        response = login(world.desk_officer).post(URL, body, format="json")
        assert response.status_code == 201, response.json()
        created = response.json()
        assert created["code"] == "H26.45-261123-0001"
        assert created["status"] == "received"
        assert created["channel"] == "counter"
        assert created["due_at"] == "2026-11-27T09:00:00+07:00"
        assert created["applicant"]["phone"] == "0912345678"
        assert response["Location"].endswith(f"{URL}H26.45-261123-0001/")

    @pytest.mark.parametrize("who", ["desk_officer", "citizen"])
    def test_the_answer_is_the_dossier_as_read_back(self, login, world, clock, who):
        """The answer is built from the dossier just filed, not read back: it must say
        exactly what a later read says."""
        world.procedure.handling_units.add(world.ward)
        document = RequiredDocumentFactory(procedure=world.procedure)
        body = {
            "procedure": "1.001193",
            "applicant.name": "Lê Thị Cúc",
            "applicant.phone": "0912345678",
            "files": [pdf("to-khai.pdf")],
            "documents": [document.pk],
        }
        client = login(getattr(world, who))
        created = client.post(URL, body, format="multipart")
        assert created.status_code == 201, created.json()
        read_back = client.get(f"{URL}{created.json()['code']}/")
        assert created.json() == read_back.json()
        assert created.json()["attachments"] and created.json()["available_actions"]

    def test_by_post(self, login, world, clock):
        body = {"procedure": "1.001193", "applicant": applicant_body(), "channel": "post"}
        response = login(world.desk_officer).post(URL, body, format="json")
        assert (response.status_code, response.json()["channel"]) == (201, "post")

    def test_a_citizen_files_online_with_the_procedures_desk(self, login, world, clock):
        world.procedure.handling_units.add(world.ward)
        body = {"procedure": "1.001193", "applicant": applicant_body()}
        response = login(world.citizen).post(URL, body, format="json")
        assert response.status_code == 201, response.json()
        created = response.json()
        assert (created["status"], created["status_code"], created["due_at"]) == (
            "submitted",
            1,
            None,
        )
        assert created["receiving_unit"]["code"] == "H26.45.01"
        assert Dossier.objects.get(code=created["code"]).applicant_user == world.citizen

    def test_a_citizen_chooses_among_several_desks(self, login, world, clock):
        world.procedure.handling_units.add(world.ward, world.other_ward)
        client = login(world.citizen)
        body = {"procedure": "1.001193", "applicant": applicant_body()}
        assert "receiving_unit" in client.post(URL, body, format="json").json()
        for code, expected in (("H26.45.02", 201), ("H26.45", 400), ("NOWHERE", 400)):
            response = client.post(URL, {**body, "receiving_unit": code}, format="json")
            assert response.status_code == expected
        assert Dossier.objects.count() == 1

    def test_multipart_with_documents(self, login, world, clock):
        document = RequiredDocumentFactory(procedure=world.procedure)
        body = {
            "procedure": "1.001193",
            "applicant.name": "Lê Thị Cúc",
            "applicant.phone": "0912345678",
            "files": [pdf("to-khai.pdf"), pdf("chung-sinh.pdf")],
            "documents": [document.pk, document.pk],
        }
        response = login(world.desk_officer).post(URL, body, format="multipart")
        assert response.status_code == 201, response.json()
        names = {file["name"] for file in response.json()["attachments"]}
        assert names == {"to-khai.pdf", "chung-sinh.pdf"}
        assert set(Attachment.objects.values_list("document", flat=True)) == {document.pk}

    def test_a_refused_upload_creates_nothing(self, login, world, clock):
        body = {
            "procedure": "1.001193",
            "applicant.name": "Lê Thị Cúc",
            "applicant.phone": "0912345678",
            "files": [pdf(), SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\0" * 200)],
        }
        response = login(world.desk_officer).post(URL, body, format="multipart")
        assert response.status_code == 400
        [message] = response.json()["files"]
        assert "virus.pdf" in message
        assert Dossier.objects.count() == Attachment.objects.count() == 0

    def test_documents_must_belong_to_the_procedure_and_match_the_files(self, login, world, clock):
        stranger = RequiredDocumentFactory()
        client = login(world.desk_officer)
        base = {"procedure": "1.001193", "applicant.name": "Cúc", "applicant.phone": "0912345678"}
        for documents in ([stranger.pk], [stranger.pk, stranger.pk], [999999]):
            response = client.post(
                URL, {**base, "files": [pdf()], "documents": documents}, format="multipart"
            )
            assert response.status_code == 400
            assert set(response.json()) == {"documents"}
        assert Dossier.objects.count() == 0

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"procedure": "9.999999"}, "procedure"),
            ({"procedure": "unpublished"}, "procedure"),
            ({"applicant": applicant_body(phone="12345")}, "applicant"),
            ({"applicant": applicant_body(phone="0912-345-67a")}, "applicant"),
            ({"applicant": applicant_body(id_number="12345")}, "applicant"),
            ({"applicant": applicant_body(email="not-an-email")}, "applicant"),
            ({"applicant": applicant_body(kind="alien")}, "applicant"),
            ({"applicant": "Nguyễn Văn An"}, "applicant"),
            ({"channel": "online"}, "channel"),
            ({"receiving_unit": "H26.45.01"}, "receiving_unit"),
            ({"summary": ["not", "text"]}, "summary"),
        ],
    )
    def test_bad_input_is_named(self, login, world, clock, body, field):
        ProcedureFactory(code="unpublished", unpublished=True)
        payload = {"procedure": "1.001193", "applicant": applicant_body(), **body}
        response = login(world.desk_officer).post(URL, payload, format="json")
        assert response.status_code == 400
        assert set(response.json()) == {field}
        assert Dossier.objects.count() == 0

    def test_nested_messages_name_the_applicant_field(self, login, world, clock):
        payload = {"procedure": "1.001193", "applicant": applicant_body(id_number="123")}
        response = login(world.desk_officer).post(URL, payload, format="json")
        assert list(response.json()["applicant"]) == ["id_number"]
        assert "12" in response.json()["applicant"]["id_number"][0]

    def test_an_organisation_gives_a_tax_code(self, login, world, clock):
        applicant = applicant_body(kind="organisation", id_number="0101234567")
        response = login(world.desk_officer).post(
            URL, {"procedure": "1.001193", "applicant": applicant}, format="json"
        )
        assert response.status_code == 201

    def test_a_citizen_cannot_file_offline_procedures_online(self, login, world, clock):
        ProcedureFactory(
            code="1.000009", online_level=OnlineLevel.NONE, handling_units=[world.ward]
        )
        client = login(world.citizen)
        body = {"procedure": "1.000009", "applicant": applicant_body()}
        response = client.post(URL, body, format="json")
        assert (response.status_code, set(response.json())) == (400, {"procedure"})
        counter = {"procedure": "1.001193", "applicant": applicant_body(), "channel": "counter"}
        world.procedure.handling_units.add(world.ward)
        assert set(client.post(URL, counter, format="json").json()) == {"channel"}
        assert Dossier.objects.count() == 0

    def test_other_staff_cannot_file(self, login, world, clock):
        body = {"procedure": "1.001193", "applicant": applicant_body()}
        response = login(world.specialist).post(URL, body, format="json")
        assert response.status_code == 403
        assert "detail" in response.json()

    @pytest.mark.parametrize(
        ("data", "content_type"),
        [
            ("{not json", "application/json"),
            ("[1, 2]", "application/json"),
            ("procedure=1.001193", "text/plain"),
        ],
    )
    def test_a_body_it_cannot_read_is_a_json_error(self, login, world, data, content_type):
        response = login(world.desk_officer).post(URL, data, content_type=content_type)
        assert response.status_code in (400, 415)
        assert response.json()
        assert Dossier.objects.count() == 0


# The enum names the schema needs once the dossier API sits beside the catalogue's; they
# belong in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].
ENUM_NAMES = {
    "DossierStatusEnum": "dossiers.models.Status",
    "SatisfactionEnum": "dossiers.models.Satisfaction",
    "ProcedureLevelEnum": "procedures.models.Level",
}


@pytest.mark.django_db
def test_the_schema_is_valid_and_lists_the_dossier_paths(api_client, tmp_path):
    schema_file = tmp_path / "schema.yaml"
    enum_names = {**spectacular_settings.ENUM_NAME_OVERRIDES, **ENUM_NAMES}
    with patched_settings({"ENUM_NAME_OVERRIDES": enum_names}):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))
    schema = schema_file.read_text()
    for path in (
        "/api/v1/dossiers/:",
        "/api/v1/dossiers/{code}/:",
        "/api/v1/dossiers/{code}/events/:",
        "/api/v1/dossiers/{code}/request-supplement/:",
        "/api/v1/dossiers/{code}/return/:",
        "/api/v1/lookup/:",
    ):
        assert path in schema
    assert api_client.get("/api/schema/").status_code == 200
