"""The touchscreen kiosk: its own minimal layout, large targets, browse by field, a
summary per procedure with a QR code to continue on a phone, and the idle reset."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.procedures.factories import FieldFactory, ProcedureFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def civil():
    field = FieldFactory(code="ho-tich", name="Hộ tịch")
    birth = ProcedureFactory(code="1.001193", name="Đăng ký khai sinh", field=field)
    ProcedureFactory(code="1.000894", name="Đăng ký kết hôn", field=field, online=True)
    ProcedureFactory(code="1.099999", name="Thủ tục đã bãi bỏ", field=field, unpublished=True)
    RequiredDocumentFactory(procedure=birth, name="Tờ khai đăng ký khai sinh", form_name="Mẫu 1")
    return field


def _page_names(response):
    return [procedure.name for procedure in response.context["page"]]


@pytest.mark.parametrize(
    "url", ["/kiosk/", "/kiosk/fields/ho-tich/", "/kiosk/procedures/1.001193/"]
)
def test_kiosk_pages_use_the_kiosk_layout(client, civil, url):
    response = client.get(url)
    assert response.status_code == 200
    text = response.text
    assert '<script src="/static/js/kiosk.js" defer></script>' in text
    assert 'data-idle-seconds="90"' in text
    assert 'data-home-url="/kiosk/"' in text
    assert "data-idle-warning" in text
    assert "/static/css/kiosk.css" in text
    assert 'class="main-nav"' not in text
    links_and_buttons = re.findall(r"<(?:a|button)\b[^>]*>", text)
    assert links_and_buttons
    assert all("kiosk-target" in tag for tag in links_and_buttons)


def test_idle_timeout_is_configurable(client, civil, settings):
    settings.ONESTOP_KIOSK_IDLE_SECONDS = 45
    assert 'data-idle-seconds="45"' in client.get("/kiosk/").text


def test_kiosk_start_lists_fields_with_counts(client, civil):
    FieldFactory(code="trong", name="Lĩnh vực chưa có thủ tục")
    text = client.get("/kiosk/").text
    assert 'href="/kiosk/fields/ho-tich/"' in text
    assert "2 thủ tục" in text
    assert "Lĩnh vực chưa có thủ tục" not in text


def test_kiosk_search_ignores_diacritics(client, civil):
    response = client.get("/kiosk/", {"q": "dang ky khai sinh"})
    assert _page_names(response) == ["Đăng ký khai sinh"]
    assert 'href="/kiosk/procedures/1.001193/"' in response.text


def test_kiosk_search_has_an_on_screen_keyboard(client, civil):
    text = client.get("/kiosk/").text
    assert 'data-kiosk-keyboard="id_q"' in text
    for key in "qwertyuiopasdfghjklzxcvbnm0123456789":
        assert f'data-key="{key}"' in text
    assert 'data-key="backspace"' in text


def test_kiosk_search_rejects_overlong_text_inline(client, civil):
    response = client.get("/kiosk/", {"q": "x" * 500})
    assert response.status_code == 200
    assert "tối đa 200 ký tự" in response.text
    assert "page" not in response.context


def test_kiosk_field_lists_its_published_procedures(client, civil):
    response = client.get("/kiosk/fields/ho-tich/")
    assert sorted(_page_names(response)) == ["Đăng ký khai sinh", "Đăng ký kết hôn"]
    assert "5 ngày làm việc" in response.text
    assert "Trực tuyến toàn trình" in response.text


@pytest.mark.parametrize(("page", "shown"), [("x", 1), ("0", 1), ("500", 2)])
def test_kiosk_field_pages_forgive_bad_page_numbers(client, page, shown):
    FieldFactory(code="dong")
    ProcedureFactory.create_batch(9, field__code="dong")
    response = client.get("/kiosk/fields/dong/", {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert response.context["page_notice"]


def test_kiosk_field_query_count_does_not_grow(client):
    field = FieldFactory(code="dong")
    ProcedureFactory(field=field)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/kiosk/fields/dong/").status_code == 200
        return len(captured)

    few = queries()
    ProcedureFactory.create_batch(7, field=field, online=True)
    assert queries() == few


def test_kiosk_procedure_summary(client, civil):
    response = client.get("/kiosk/procedures/1.001193/")
    text = response.text
    for expected in (
        "Đăng ký khai sinh",
        "Giấy tờ cần mang theo",
        "Tờ khai đăng ký khai sinh",
        "1 bản chính",
        "Mẫu đơn, tờ khai: Mẫu 1",
        "5 ngày làm việc",
        "Miễn phí",
        "Tiếp tục trên điện thoại",
        '<svg role="img"',
        'href="/kiosk/fields/ho-tich/"',
    ):
        assert expected in text, expected
    # The QR code opens the public page, not the kiosk.
    assert response.context["public_url"] == "http://testserver/procedures/1.001193/"


def test_kiosk_qr_follows_the_host_of_the_request(client, civil, settings):
    settings.ALLOWED_HOSTS = ["motcua.example.vn"]
    response = client.get("/kiosk/procedures/1.001193/", HTTP_HOST="motcua.example.vn")
    assert response.context["public_url"] == "http://motcua.example.vn/procedures/1.001193/"


@pytest.mark.parametrize(
    "url",
    ["/kiosk/fields/khong-co/", "/kiosk/procedures/1.099999/", "/kiosk/procedures/9.9/"],
)
def test_kiosk_unknown_pages_are_404(client, civil, url):
    assert client.get(url).status_code == 404
