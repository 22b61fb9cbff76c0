"""Search results come most relevant first, in the same order on the catalogue page, the
kiosk and the API: the procedure a citizen names comes before the inter-agency bundles
and variants that merely mention it."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from procedures.importer import read_records
from procedures.models import Procedure
from procedures.services.importing import import_records

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "procedures/fixtures/catalogue"
# Typed as citizens type them, without diacritics -> the procedure they mean.
EXPECTED_FIRST = {
    "dang ky khai sinh": "1.001193",  # Thủ tục đăng ký khai sinh
    "dang ky ket hon": "1.000894",  # Thủ tục đăng ký kết hôn
    "dang ky khai tu": "1.000656",  # Thủ tục đăng ký khai tử
    "chung thuc ban sao": "2.000815",  # Chứng thực bản sao từ bản chính …
    "cap giay phep xay dung": "1.013225.H26",  # Cấp giấy phép xây dựng nhà ở riêng lẻ
    "dang ky thanh lap ho kinh doanh": "1.001612",  # Đăng ký thành lập hộ kinh doanh
    "trich luc ho tich": "2.000635",  # Cấp bản sao Trích lục hộ tịch …
    "xac nhan tinh trang hon nhan": "1.004873",  # Thủ tục cấp Giấy xác nhận tình trạng …
    "dang ky giam ho": "1.004837",  # Thủ tục đăng ký giám hộ
    "thay doi cai chinh ho tich": "1.004859",  # Thủ tục thay đổi, cải chính, bổ sung …
}
PAGE, KIOSK, API = "/procedures/", "/kiosk/", "/api/v1/procedures/"


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


@pytest.fixture
def catalogue():
    """The demo catalogue's national records, as the import stores them."""
    records = [record for path in sorted(FIXTURES.glob("*.json")) for record in read_records(path)]
    report = import_records(records)
    assert report.written and not report.rejected, report.rejected
    return {procedure.code: procedure.name for procedure in Procedure.objects.all()}


def page_codes(client, query):
    response = client.get(PAGE, {"q": query})
    assert response.status_code == 200
    return [procedure.code for procedure in response.context["page"]]


def kiosk_codes(client, query):
    response = client.get(KIOSK, {"q": query})
    assert response.status_code == 200
    return [procedure.code for procedure in response.context["page"]]


def api_codes(client, query):
    response = client.get(API, {"search": query})
    assert response.status_code == 200
    return [row["code"] for row in response.json()["results"]]


DOORS = {"page": page_codes, "kiosk": kiosk_codes, "api": api_codes}


@pytest.mark.parametrize("door", DOORS)
def test_the_named_procedure_comes_first(client, catalogue, door):
    wrong = {}
    for query, code in EXPECTED_FIRST.items():
        codes = DOORS[door](client, query)
        if not codes or codes[0] != code:
            wrong[query] = [catalogue[c] for c in codes[:3]]
    assert not wrong, wrong


def test_the_three_doors_rank_alike(client, catalogue):
    for query in ("dang ky khai sinh", "ket hon", "giay phep xay dung"):
        page = page_codes(client, query)
        kiosk = kiosk_codes(client, query)
        assert kiosk == page[: len(kiosk)]
        assert api_codes(client, query) == page


def test_inter_agency_bundles_come_after_the_procedure_itself(catalogue):
    names = list(Procedure.objects.search("dang ky khai sinh").values_list("name", flat=True))
    assert names[0] == "Thủ tục đăng ký khai sinh"
    bundles = [i for i, name in enumerate(names) if name.startswith("Liên thông")]
    assert bundles and min(bundles) > names.index("Thủ tục đăng ký khai sinh lưu động")


def test_a_word_must_be_whole_to_rank_as_a_word_of_the_name(catalogue):
    # Every name starts with "thu tuc", which holds "tu"; that must not rank "đăng ký khai
    # sinh" as if it named "khai tử".
    names = list(Procedure.objects.search("dang ky khai tu").values_list("name", flat=True))
    assert names[0] == "Thủ tục đăng ký khai tử"
    assert names.index("Thủ tục đăng ký khai sinh") > names.index("Đăng ký lại khai tử")


def test_without_a_search_the_catalogue_keeps_its_field_order(client, catalogue):
    listed = client.get(PAGE).context["page"]
    keys = [(p.field.order, p.field.name, p.name, p.code) for p in listed]
    assert keys == sorted(keys)


def test_punctuation_and_case_do_not_change_the_ranking(client, catalogue):
    plain = page_codes(client, "thay doi cai chinh ho tich")
    assert page_codes(client, "Thay đổi, cải chính hộ tịch") == plain


def test_filters_keep_the_ranking(client, catalogue):
    everything = page_codes(client, "dang ky khai sinh")
    response = client.get(PAGE, {"q": "dang ky khai sinh", "level": "commune"})
    kept = [procedure.code for procedure in response.context["page"]]
    assert kept and kept == [code for code in everything if code in kept]


def _queries(door, client, query):
    with CaptureQueriesContext(connection) as queries:
        DOORS[door](client, query)
    return len(queries)


@pytest.mark.parametrize("door", DOORS)
def test_query_count_does_not_depend_on_the_matches(client, catalogue, door):
    DOORS[door](client, "khai")  # fills the caches every page reads
    many, one = "dang ky khai sinh", "trich luc ho tich"
    assert len(DOORS[door](client, many)) > 5
    assert len(DOORS[door](client, one)) == 1
    assert _queries(door, client, many) == _queries(door, client, one)
