"""One rule for the applicant's data behind every door: the API and the counter form,
given the same applicant, store the same normalised values or refuse the same field;
the services normalise and refuse on their own; the lookup finds a dossier by the phone
however its digits are typed; the schema carries the phone's pattern."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.validators import ID_OR_TAX_CODE_PATTERN, PHONE_PATTERN
from dossiers.models import Dossier
from dossiers.services.errors import TransitionError
from dossiers.services.intake import intake_at_counter
from tests.dossiers.conftest import intake
from tests.dossiers.test_api import URL as API_URL
from tests.dossiers.test_api import logged_in
from tests.world import applicant_of, counter_checklist

FORM_URL = "/desk/intake/"
FIELDS = ("kind", "name", "phone", "id_number")
PERSON = {"kind": "person", "name": "Trần Thị Bích", "phone": "0912345678", "id_number": ""}


def case(label, expected, **applicant_data):
    return pytest.param({**PERSON, **applicant_data}, expected, id=label)


def accepted(name="Trần Thị Bích", phone="0912345678", id_number=""):
    return ("accepted", {"name": name, "phone": phone, "id_number": id_number})


def refused(*fields):
    return ("refused", set(fields))


CASES = [
    case("spaced +84 phone with an old 9-digit CMND", refused("id_number"),
         phone="+84 912 345 678", id_number="123456789"),
    case("spaced +84 phone with a CCCD", accepted(id_number="001090000001"),
         phone="+84 912 345 678", id_number="001 090 000 001"),
    case("10 digits starting 01", refused("phone"), phone="0123456789"),
    case("old 11-digit mobile", refused("phone"), phone="01691234567"),
    case("landline", accepted(phone="02438251234"), phone="(024) 3825 1234"),
    case("no phone", refused("phone"), phone=""),
    case("letters in the phone", refused("phone"), phone="0912-345-67a"),
    case("full-width digits", accepted(id_number="001090000001"),
         phone="０９１２ ３４５ ６７８", id_number="００１０９００００００１"),
    case("Arabic-Indic digits", accepted(), phone="09١٢٣٤٥٦٧٨"),
    case("Devanagari digits in the ID", accepted(id_number="001090000001"),
         id_number="००१०९००००००१"),
    case("invisible-only name", refused("name"), name="\u200b\u2060\ufeff"),
    case("bidi controls only", refused("name"), name="\u202e\u2066\u200f"),
    case("right-to-left override around a name", accepted(name="Nguyễn Văn An"),
         name="\u202eNguyễn Văn An\u202c"),
    case("zero-width spaces inside a name", accepted(name="Nguyễn Văn An"),
         name="Nguyễn\u200b Văn\u200b\u200b An"),
    case("decomposed accents", accepted(name="Nguyễn Văn An"),
         name="Nguye\u0302\u0303n Va\u0306n An"),
    case("300 combining marks", refused("name"), name="An" + "\u0301" * 300),
    case("digits for a name", refused("name"), name="12345"),
    case("a person's tax code", refused("id_number"), id_number="0101234567"),
    case("a branch tax code", accepted(name="Công ty TNHH Ánh Dương", id_number="0101234567-001"),
         kind="organisation", name="Công ty TNHH Ánh Dương", id_number="0101234567001"),
    case("an organisation's CCCD", refused("id_number"),
         kind="organisation", name="Công ty TNHH Ánh Dương", id_number="001090000001"),
    case("garbage ID", refused("id_number"), id_number="12ab"),
]  # fmt: skip


def stored(dossier):
    return {
        "name": dossier.applicant_name,
        "phone": dossier.applicant_phone,
        "id_number": dossier.applicant_id_number,
    }


def through_the_api(client, data):
    body = {"procedure": "1.001193", "applicant": data}
    response = client.post(API_URL, body, format="json")
    if response.status_code == 201:
        return "accepted", stored(Dossier.objects.get(code=response.json()["code"]))
    assert response.status_code == 400, response.content
    errors = response.json()
    assert set(errors) == {"applicant"}, errors
    return "refused", set(errors["applicant"])


def through_the_counter_form(client, data):
    form = {
        "procedure": "1.001193 — Đăng ký khai sinh",
        "channel": "counter",
        **{f"applicant_{name}": data[name] for name in FIELDS},
        **counter_checklist(),
    }
    response = client.post(FORM_URL, form)
    if response.status_code == 302:
        code = response["Location"].rstrip("/").rsplit("/", 1)[-1]
        return "accepted", stored(Dossier.objects.get(code=code))
    assert response.status_code == 200
    errors = response.context["form"].errors
    return "refused", {field.removeprefix("applicant_") for field in errors}


@pytest.mark.parametrize(("data", "expected"), CASES)
def test_the_api_and_the_counter_form_give_the_same_verdict(
    api_client, client, world, clock, data, expected
):
    client.force_login(world.desk_officer)
    api = through_the_api(logged_in(api_client, world.desk_officer), data)
    page = through_the_counter_form(client, data)
    assert api == page == expected


def test_both_doors_word_a_refusal_alike(api_client, client, world, clock):
    data = {**PERSON, "phone": "+84 912 345 678", "id_number": "123456789"}
    api = logged_in(api_client, world.desk_officer).post(
        API_URL, {"procedure": "1.001193", "applicant": data}, format="json"
    )
    client.force_login(world.desk_officer)
    form_data = {
        "procedure": "1.001193",
        **{f"applicant_{k}": v for k, v in data.items()},
        **counter_checklist(),
    }
    page = client.post(FORM_URL, form_data)
    message = "Chứng minh nhân dân (CMND) 9 số đã hết giá trị sử dụng từ ngày 01/01/2025"
    assert message in api.json()["applicant"]["id_number"][0]
    assert message in page.context["form"].errors["applicant_id_number"][0]


# --- below the doors: the services ------------------------------------------------------


def test_the_applicant_value_normalises_whatever_reaches_it():
    person = applicant_of(
        name=" \u202eLê\u200b  Thị Cúc ", phone="+84 ９１２ 345 678", id_number=""
    )
    assert (person.name, person.phone) == ("Lê Thị Cúc", "0912345678")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "0123456789"}, "applicant_phone"),
        ({"name": "\u200b"}, "applicant_name"),
        ({"id_number": "123456789"}, "applicant_id_number"),
    ],
)
def test_the_intake_services_refuse_what_the_doors_refuse(world, clock, overrides, field):
    with pytest.raises(TransitionError) as refused_error:
        intake_at_counter(world.desk_officer, intake(world, **overrides))
    assert refused_error.value.field == field
    assert not Dossier.objects.exists()


def test_an_import_stores_the_normalised_spelling(world, clock):
    dossier = intake_at_counter(
        world.desk_officer, intake(world, phone="(+84) 912.345.678", id_number="001-090-000-001")
    )
    dossier.refresh_from_db()
    assert (dossier.applicant_phone, dossier.applicant_id_number) == (
        "0912345678",
        "001090000001",
    )
    dossier.full_clean()  # the model's validators accept what the services stored


# --- the lookup and the schema ----------------------------------------------------------


@pytest.mark.parametrize(
    "phone", ["０９１２３４５６７８", "09١٢٣٤٥٦٧٨", "＋８４ ９１２ ３４５ ６７８"]
)
def test_the_lookup_finds_the_dossier_whatever_the_digits(api_client, client, make, phone):
    dossier = make("received")
    api = api_client.get("/api/v1/lookup/", {"code": dossier.code, "phone": phone})
    assert api.status_code == 200
    page = client.post("/lookup/", {"code": dossier.code, "phone": phone})
    assert page.context["dossier"] == dossier


def test_a_lookup_with_a_retired_number_is_refused_alike(api_client, client, make):
    dossier = make("received")
    api = api_client.get("/api/v1/lookup/", {"code": dossier.code, "phone": "0123456789"})
    page = client.post("/lookup/", {"code": dossier.code, "phone": "0123456789"})
    assert api.status_code == 400
    assert api.json()["phone"] == page.context["form"].errors["phone"]


@pytest.mark.django_db
def test_the_schema_carries_the_phone_pattern():
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]
    schemas = components["schemas"]
    for name in ("Applicant", "ApplicantRequest"):
        assert schemas[name]["properties"]["phone"]["pattern"] == PHONE_PATTERN
    # Blank is allowed, so the ID is "the pattern, or empty".
    id_number = schemas["ApplicantRequest"]["properties"]["id_number"]
    assert [option.get("pattern") for option in id_number["oneOf"]] == [
        ID_OR_TAX_CODE_PATTERN,
        None,
    ]
