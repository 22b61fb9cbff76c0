"""The public catalogue API: /api/v1/fields/ and /api/v1/procedures/."""

import json
from datetime import time
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from procedures.models import Procedure
from procedures.services.publishing import set_published
from tests.factories import UnitFactory, UserFactory
from tests.procedures.factories import (
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
    WorkflowStepFactory,
)

pytestmark = pytest.mark.django_db
LIST = "/api/v1/procedures/"
FIELDS = "/api/v1/fields/"


@pytest.fixture
def english(api_client):
    api_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api_client


def codes(response):
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_a_list_row_has_the_published_contract(api_client):
    ProcedureFactory(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=FieldFactory(code="tp", name="Tư pháp"),
        time_limit_amount=Decimal("7.00"),
        online_level="full",
    )
    body = api_client.get(LIST).json()
    assert (body["count"], body["next"], body["previous"]) == (1, None, None)
    assert body["results"] == [
        {
            "code": "1.001193",
            "name": "Thủ tục đăng ký khai sinh",
            "field": {"code": "tp", "name": "Tư pháp"},
            "level": "commune",
            "time_limit": {
                "amount": "7",
                "unit": "working_days",
                "cutoff": None,
                "text": "7 ngày làm việc",
            },
            "online_level": "full",
        }
    ]


def test_same_day_limits_give_their_cutoff(english):
    ProcedureFactory(same_day=True, same_day_cutoff=time(16, 0))
    ProcedureFactory(same_day=True, same_day_cutoff=None, time_limit_amount=Decimal("0.5"))
    limits = [row["time_limit"] for row in english.get(LIST).json()["results"]]
    assert {limit["cutoff"] for limit in limits} == {"16:00", "15:00"}
    assert {limit["amount"] for limit in limits} == {"0", "0.5"}
    assert all(limit["text"].startswith("Same day") for limit in limits)


@pytest.mark.parametrize(
    "query", ["dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "  đăng  ky   khai sinh  ", "1.001193"]
)
def test_search_ignores_diacritics(api_client, query):
    ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")
    ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn")
    assert codes(api_client.get(LIST, {"search": query})) == ["1.001193"]


def test_filters_combine(api_client):
    justice = FieldFactory(code="tp", name="Tư pháp")
    ward = UnitFactory(code="H26.45.01")
    wanted = ProcedureFactory(
        field=justice, level="commune", online_level="full", handling_units=[ward]
    )
    ProcedureFactory(field=justice, level="commune", online_level="full")  # other unit
    ProcedureFactory(field=justice, level="province", online_level="full", handling_units=[ward])
    ProcedureFactory(field=justice, level="commune", online_level="none", handling_units=[ward])
    ProcedureFactory(level="commune", online_level="full", handling_units=[ward])  # other field

    response = api_client.get(
        LIST, {"field": "tp", "level": "commune", "online_level": "full", "unit": "H26.45.01"}
    )

    assert codes(response) == [wanted.code]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"field": "khong-co"}, "field"),
        ({"level": "quốc gia"}, "level"),
        ({"online_level": "5"}, "online_level"),
        ({"unit": "H99"}, "unit"),
        ({"search": "x" * 201}, "search"),
        ({"search": "khai\x00sinh"}, "search"),
    ],
)
def test_unknown_filter_values_are_a_400_naming_the_parameter(english, params, field):
    ProcedureFactory()
    response = english.get(LIST, params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_filter_errors_are_in_vietnamese_by_default(api_client):
    response = api_client.get(LIST, {"level": "abc"})
    assert response.status_code == 400
    assert "Hãy chọn" in response.json()["level"][0]


@pytest.mark.parametrize("query", ["%", "_", "'; drop table x; --", "\\", "🙂", "a" * 200, "*"])
def test_garbage_search_is_answered(api_client, query):
    ProcedureFactory(name="Thủ tục đăng ký khai sinh")
    response = api_client.get(LIST, {"search": query})
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("page", ["99", "999999999999999999999999", "0", "-1", "abc", "1.5"])
def test_pages_out_of_range_are_a_clear_404(english, page):
    ProcedureFactory()
    response = english.get(LIST, {"page": page})
    assert response.status_code == 404
    assert "Invalid page" in response.json()["detail"]


def test_pages_are_stable_and_complete(api_client):
    field = FieldFactory()
    for number in range(25):
        # Equal names: only the code orders them.
        ProcedureFactory(code=f"1.{number:06d}", name="Cùng tên", field=field)
    first = api_client.get(LIST, {"page_size": 10}).json()
    seen = [row["code"] for row in first["results"]]
    following = first["next"]
    while following:
        page = api_client.get(following).json()
        seen += [row["code"] for row in page["results"]]
        following = page["next"]
    assert seen == [f"1.{number:06d}" for number in range(25)]
    assert len(api_client.get(LIST, {"page_size": 1000}).json()["results"]) == 25


def test_fields_in_their_order_before_names(api_client):
    later = FieldFactory(name="A lĩnh vực sau", order=2)
    first = FieldFactory(name="Z lĩnh vực trước", order=1)
    ProcedureFactory(field=later, name="A")
    ProcedureFactory(field=first, name="B")
    assert [row["field"]["code"] for row in api_client.get(LIST).json()["results"]] == [
        first.code,
        later.code,
    ]


def test_anonymous_callers_see_published_procedures_only(api_client):
    shown = ProcedureFactory()
    hidden = ProcedureFactory(unpublished=True)
    assert codes(api_client.get(LIST)) == [shown.code]
    assert api_client.get(f"{LIST}{hidden.code}/").status_code == 404


def test_staff_see_unpublished_procedures(api_client):
    ProcedureFactory()
    ProcedureFactory(unpublished=True)
    officer = UserFactory(role="desk_officer")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer)}")
    assert api_client.get(LIST).json()["count"] == 2
    citizen = UserFactory(role="citizen")
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=citizen)}")
    assert api_client.get(LIST).json()["count"] == 1


def populate(count):
    fields = [FieldFactory(), FieldFactory()]
    units = [UnitFactory(), UnitFactory()]
    for number in range(count):
        procedure = ProcedureFactory(
            field=fields[number % 2], handling_units=units, per_channel=bool(number % 2)
        )
        RequiredDocumentFactory.create_batch(2, procedure=procedure)
        WorkflowStepFactory(procedure=procedure, unit=units[0])
    return fields, units


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_costs_the_same_queries_at_any_size(api_client, django_assert_num_queries, count):
    populate(count)
    # The page count and the page itself (field joined in).
    with django_assert_num_queries(2):
        response = api_client.get(LIST, {"search": "thu tuc", "page_size": 50})
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [3, 30])
def test_filtered_lists_add_one_query_per_looked_up_filter(
    api_client, django_assert_num_queries, count
):
    fields, units = populate(count)
    params = {"field": fields[0].code, "unit": units[0].code, "level": "commune"}
    # + the field and the unit looked up by code
    with django_assert_num_queries(4):
        response = api_client.get(LIST, params)
    assert response.json()["count"] == (count + 1) // 2


def test_counts_are_cached_until_the_catalogue_changes(
    api_client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    ProcedureFactory.create_batch(3, name="Thủ tục đăng ký khai sinh")
    assert api_client.get(LIST, {"search": "khai sinh"}).json()["count"] == 3
    with django_assert_num_queries(1):  # the page only
        assert api_client.get(LIST, {"search": "khai sinh", "page": 1}).json()["count"] == 3

    with django_capture_on_commit_callbacks(execute=True):
        ProcedureFactory(name="Đăng ký khai sinh lưu động")
    assert api_client.get(LIST, {"search": "khai sinh"}).json()["count"] == 4

    with django_capture_on_commit_callbacks(execute=True):
        set_published(Procedure.objects.all(), False)
    assert api_client.get(LIST, {"search": "khai sinh"}).json()["count"] == 0
    api_client.force_authenticate(UserFactory(role="desk_officer"))
    assert api_client.get(LIST, {"search": "khai sinh"}).json()["count"] == 4


def test_a_procedure_by_its_dotted_code_with_everything(english):
    ward = UnitFactory(code="H26.45.01", name="Phường Lê Lợi")
    procedure = ProcedureFactory(
        code="1.012753.H19",
        per_channel=True,
        handling_units=[ward],
        applicants=["Công dân Việt Nam"],
        steps=[{"case": "", "steps": ["Nộp hồ sơ"]}],
        legal_basis=[{"number": "60/2014/QH13", "title": "Luật Hộ tịch"}],
        fee_amount=Decimal(8000),
    )
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai", order=2)
    RequiredDocumentFactory(procedure=procedure, name="CCCD", order=1)
    WorkflowStepFactory(procedure=procedure, unit=ward, name="Thẩm định", share=Decimal(70))

    response = english.get(f"{LIST}1.012753.H19/")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "1.012753.H19"
    assert [d["name"] for d in body["documents"]] == ["CCCD", "Tờ khai"]
    assert body["handling_units"] == [{"code": "H26.45.01", "name": "Phường Lê Lợi"}]
    assert body["workflow"][0]["unit"] == {"code": "H26.45.01", "name": "Phường Lê Lợi"}
    assert body["workflow"][0]["share"] == "70.00"
    online = next(terms for terms in body["channel_terms"] if terms["channel"] == "online")
    assert online["time_limit"]["text"] == "3 working days"
    assert body["fees"]["amount"] == "8000"
    assert body["steps"] == [{"case": "", "steps": ["Nộp hồ sơ"]}]
    assert body["legal_basis"][0]["number"] == "60/2014/QH13"
    assert body["applicants"] == ["Công dân Việt Nam"]


@pytest.mark.parametrize("count", [1, 10])
def test_the_detail_costs_the_same_queries_whatever_it_holds(
    api_client, django_assert_num_queries, count
):
    procedure = ProcedureFactory(handling_units=[UnitFactory() for _ in range(count)])
    RequiredDocumentFactory.create_batch(count, procedure=procedure)
    WorkflowStepFactory.create_batch(count, procedure=procedure, unit=UnitFactory())
    # procedure + field, handling units, documents, workflow steps + units
    with django_assert_num_queries(4):
        assert api_client.get(f"{LIST}{procedure.code}/").status_code == 200


def test_an_unknown_code_is_a_404(api_client):
    response = api_client.get(f"{LIST}9.999999.X/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_fields_count_published_procedures_in_one_query(api_client, django_assert_num_queries):
    justice = FieldFactory(code="tp", name="Tư pháp", order=2)
    FieldFactory(code="nv", name="Nội vụ", order=1)
    ProcedureFactory.create_batch(2, field=justice)
    ProcedureFactory(field=justice, unpublished=True)

    with django_assert_num_queries(1):
        body = api_client.get(FIELDS).json()

    assert body == [
        {"code": "nv", "name": "Nội vụ", "order": 1, "procedure_count": 0},
        {"code": "tp", "name": "Tư pháp", "order": 2, "procedure_count": 2},
    ]
    assert api_client.get(f"{FIELDS}tp/").json()["procedure_count"] == 2


def test_the_catalogue_is_throttled(api_client, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    statuses = [api_client.get(path).status_code for path in (LIST, FIELDS, LIST)]
    assert statuses == [200, 200, 429]


def test_the_schema_documents_the_catalogue(api_client):
    api_client.force_authenticate(UserFactory(role="desk_officer"))
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = json.loads(response.content)
    assert "/api/v1/procedures/{code}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/procedures/"]["get"]["parameters"]}
    assert {"search", "field", "level", "online_level", "unit", "page"} <= parameters
