"""The public catalogue list, a procedure's page and the home page."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from procedures.models import DocumentKind, Level, OnlineLevel, Procedure
from procedures.services.publishing import set_published
from tests.factories import UnitFactory
from tests.procedures.factories import FieldFactory, ProcedureFactory, RequiredDocumentFactory

pytestmark = pytest.mark.django_db

CATALOGUE = "/procedures/"


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"
    with translation.override("vi"):
        yield


@pytest.fixture
def catalogue():
    civil = FieldFactory(code="ho-tich", name="Hộ tịch", order=1)
    building = FieldFactory(code="xay-dung", name="Hoạt động xây dựng", order=2)
    ward = UnitFactory(code="H26.45.01", name="Phường Lê Lợi")
    town = UnitFactory(code="H26.45", name="UBND thị xã Sơn Tây")
    return {
        "birth": ProcedureFactory(
            code="1.001193", name="Đăng ký khai sinh", field=civil, handling_units=[ward]
        ),
        "marriage": ProcedureFactory(
            code="1.000894",
            name="Đăng ký kết hôn",
            field=civil,
            partly_online=True,
            handling_units=[ward],
        ),
        "permit": ProcedureFactory(
            code="1.012753.H19",
            name="Cấp giấy phép xây dựng nhà ở riêng lẻ",
            field=building,
            level=Level.DISTRICT,
            online=True,
            handling_units=[town],
        ),
        "hidden": ProcedureFactory(
            code="1.099999", name="Đăng ký khai sinh lưu động", field=civil, unpublished=True
        ),
    }


def _names(response):
    return [procedure.name for procedure in response.context["page"]]


def test_search_ignores_diacritics(client, catalogue):
    response = client.get(CATALOGUE, {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    assert _names(response) == ["Đăng ký khai sinh"]
    assert "Tìm thấy 1 thủ tục" in response.text


def test_plain_d_matches_the_vietnamese_dd(client, catalogue):
    response = client.get(CATALOGUE, {"q": "DANG KY"})
    assert sorted(_names(response)) == ["Đăng ký khai sinh", "Đăng ký kết hôn"]


def test_search_by_code(client, catalogue):
    assert _names(client.get(CATALOGUE, {"q": "1.012753.H19"})) == [catalogue["permit"].name]


def test_only_published_procedures_are_listed(client, catalogue):
    response = client.get(CATALOGUE)
    assert "Đăng ký khai sinh lưu động" not in _names(response)
    assert len(_names(response)) == 3


def test_each_row_shows_code_field_level_time_limit_and_online_badge(client, catalogue):
    response = client.get(CATALOGUE, {"field": "xay-dung"})
    row = response.text.split('class="procedure-item"')[1]
    for text in ("1.012753.H19", "Hoạt động xây dựng", "Cấp huyện", "5 ngày làm việc"):
        assert text in row
    assert "Trực tuyến toàn trình" in row
    assert 'href="/procedures/1.012753.H19/"' in row


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "ho-tich"}, {"Đăng ký khai sinh", "Đăng ký kết hôn"}),
        ({"level": Level.DISTRICT}, {"Cấp giấy phép xây dựng nhà ở riêng lẻ"}),
        ({"unit": "H26.45.01"}, {"Đăng ký khai sinh", "Đăng ký kết hôn"}),
        ({"online_level": OnlineLevel.PARTIAL}, {"Đăng ký kết hôn"}),
        ({"online_level": OnlineLevel.NONE}, {"Đăng ký khai sinh"}),
        ({"field": "ho-tich", "q": "ket hon"}, {"Đăng ký kết hôn"}),
    ],
)
def test_filters(client, catalogue, params, expected):
    response = client.get(CATALOGUE, params)
    assert response.status_code == 200
    assert set(_names(response)) == expected
    assert not response.context["form"].errors


def test_field_counts_follow_the_search_but_not_the_field_filter(client, catalogue):
    response = client.get(CATALOGUE, {"q": "dang ky", "field": "xay-dung"})
    counts = {field.code: field.procedure_count for field in response.context["field_counts"]}
    assert counts == {"ho-tich": 2, "xay-dung": 0}
    assert _names(response) == []
    # The selected field stays listed, with its zero, so it can be seen and left.
    assert 'aria-current="true"><span>Hoạt động xây dựng</span>' in response.text


def test_field_counts_without_filters(client, catalogue):
    response = client.get(CATALOGUE)
    counts = {field.code: field.procedure_count for field in response.context["field_counts"]}
    assert counts == {"ho-tich": 2, "xay-dung": 1}


def test_unit_filter_offers_only_units_with_published_procedures(client, catalogue):
    UnitFactory(code="H26.45.99", name="Đơn vị không có thủ tục")
    response = client.get(CATALOGUE)
    choices = [value for value, _label in response.context["form"].fields["unit"].choices]
    # By name: "Phường Lê Lợi" before "UBND thị xã Sơn Tây".
    assert [str(value) for value in choices if value] == ["H26.45.01", "H26.45"]


def test_invalid_filter_values_are_reported_inline_and_ignored(client, catalogue):
    response = client.get(
        CATALOGUE,
        {"field": "khong-co", "level": "galaxy", "unit": "X.99", "online_level": "level-9"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"field", "level", "unit", "online_level"}
    text = response.text
    assert "Không có lĩnh vực “khong-co”" in text
    assert "Không có cấp thực hiện “galaxy”" in text
    assert "Không có cơ quan thực hiện “X.99”" in text
    assert "Không có mức độ trực tuyến “level-9”" in text
    assert len(_names(response)) == 3


def test_one_bad_filter_keeps_the_good_ones(client, catalogue):
    response = client.get(CATALOGUE, {"field": "ho-tich", "level": "galaxy"})
    assert set(_names(response)) == {"Đăng ký khai sinh", "Đăng ký kết hôn"}
    assert set(response.context["form"].errors) == {"level"}


def test_overlong_search_text_is_reported_inline(client, catalogue):
    response = client.get(CATALOGUE, {"q": "a" * 201})
    assert response.status_code == 200
    assert "tối đa 200 ký tự" in response.text


@pytest.mark.parametrize("value", ["%", "'; drop table x; --", "ho-tich\n"])
def test_hostile_values_never_break_the_page(client, catalogue, value):
    for name in ("q", "field", "level", "unit", "online_level", "page"):
        assert client.get(CATALOGUE, {name: value}).status_code == 200


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "9" * 5000])
def test_a_nul_or_an_overlong_value_is_refused_at_the_door(client, catalogue, value):
    # core.middleware answers before the page: a 400 naming the parameter.
    for name in ("q", "field", "page"):
        response = client.get(CATALOGUE, {name: value})
        assert response.status_code == 400
        assert f"Tham số “{name}”" in response.text


@pytest.mark.parametrize(
    ("page", "notice", "shown"),
    [
        ("abc", "Số trang không hợp lệ; đang hiển thị trang đầu.", 1),
        ("1.5", "Số trang không hợp lệ; đang hiển thị trang đầu.", 1),
        ("0", "Số trang bắt đầu từ 1; đang hiển thị trang đầu.", 1),
        ("-4", "Số trang bắt đầu từ 1; đang hiển thị trang đầu.", 1),
        ("99999", "Không có trang 99999; đang hiển thị trang cuối.", 2),
        ("9" * 2000, "Không có trang 9", 2),  # longer is refused at the door
    ],
)
def test_bad_page_numbers_show_a_real_page_with_a_notice(client, page, notice, shown):
    field = FieldFactory()
    ProcedureFactory.create_batch(21, field=field)
    response = client.get(CATALOGUE, {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == shown
    assert notice in response.text


def test_pagination_keeps_the_filters(client):
    field = FieldFactory(code="ho-tich")
    ProcedureFactory.create_batch(25, field=field)
    response = client.get(CATALOGUE, {"field": "ho-tich", "q": "thu tuc"})
    assert 'href="?field=ho-tich&amp;q=thu+tuc&amp;page=2"' in response.text
    second = client.get(CATALOGUE, {"field": "ho-tich", "q": "thu tuc", "page": 2})
    assert len(_names(second)) == 5
    assert not second.context["page_notice"]


def _list_queries(client, url):
    # As the first request after a catalogue change: nothing derived from it is cached.
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow_catalogue(fields, per_field, unit):
    for field in FieldFactory.create_batch(fields):
        ProcedureFactory.create_batch(per_field, field=field, handling_units=[unit], online=True)


def test_list_query_count_does_not_grow_with_the_catalogue(client):
    unit = UnitFactory()
    url = f"{CATALOGUE}?q=thu&unit={unit.code}&level=commune"
    _grow_catalogue(1, 1, unit)
    small = _list_queries(client, url)
    _grow_catalogue(4, 10, unit)
    assert _list_queries(client, url) == small


# A procedure's page


@pytest.fixture
def permit(catalogue, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    permit = catalogue["permit"]
    permit.handling_agency = "Phòng Quản lý đô thị"
    permit.applicants = ["Công dân Việt Nam", "Người nước ngoài"]
    permit.steps = [
        {"case": "", "steps": ["Nộp hồ sơ tại bộ phận một cửa.", " ", "Nhận kết quả."]},
    ]
    permit.result = "Giấy phép xây dựng"
    permit.conditions = "Phù hợp quy hoạch chi tiết"
    permit.legal_basis = [{"number": "50/2014/QH13", "title": "Luật Xây dựng"}]
    permit.inter_agency = True
    permit.save()
    RequiredDocumentFactory(
        procedure=permit,
        case="Xây mới",
        name="Đơn đề nghị cấp giấy phép xây dựng",
        originals=1,
        copies=0,
        form_name="Mẫu số 01",
        form_url="https://dichvucong.gov.vn/mau-01.docx",
    )
    RequiredDocumentFactory(
        pk=4321,
        procedure=permit,
        case="Xây mới",
        name="Bản vẽ thiết kế",
        originals=0,
        copies=2,
        form_file=SimpleUploadedFile("mau-02.docx", b"form"),
    )
    RequiredDocumentFactory(
        procedure=permit,
        case="Sửa chữa, cải tạo",
        name="Ảnh chụp hiện trạng công trình",
        form_url="javascript:alert(1)",
        is_required=False,
    )
    return permit


def test_procedure_page_shows_what_a_citizen_needs(client, permit):
    response = client.get("/procedures/1.012753.H19/")
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "1.012753.H19",
        "Hoạt động xây dựng",
        "Cấp huyện",
        "Phòng Quản lý đô thị",
        "UBND thị xã Sơn Tây",
        "Người nước ngoài",
        "5 ngày làm việc",
        "Miễn phí",
        "Nộp hồ sơ tại bộ phận một cửa.",
        "Giấy phép xây dựng",
        "Phù hợp quy hoạch chi tiết",
        "50/2014/QH13",
        "Trực tuyến toàn trình",
        "Liên thông",
    ):
        assert expected in text, expected
    for heading in ("Thành phần hồ sơ", "Thời hạn giải quyết", "Phí, lệ phí", "Căn cứ pháp lý"):
        assert f">{heading}</h2>" in text


def test_required_documents_are_grouped_by_case_with_form_links(client, permit):
    text = client.get("/procedures/1.012753.H19/").text
    new_build = text.index(">Xây mới</h3>")
    repair = text.index(">Sửa chữa, cải tạo</h3>")
    assert new_build < text.index("Đơn đề nghị cấp giấy phép") < repair
    assert new_build < text.index("Bản vẽ thiết kế") < repair
    assert repair < text.index("Ảnh chụp hiện trạng")
    assert "1 bản chính" in text
    assert "2 bản sao" in text
    assert 'href="https://dichvucong.gov.vn/mau-01.docx"' in text
    assert "Tải mẫu: Mẫu số 01" in text
    assert 'href="/procedures/1.012753.H19/forms/4321/" download' in text
    assert "javascript:" not in text
    assert "Nếu có" in text


@pytest.fixture
def birth_documents(catalogue):
    birth = catalogue["birth"]
    birth.legal_basis = [
        {"number": "123/2015/NĐ-CP", "title": "Nghị định quy định chi tiết Luật Hộ tịch"},
        {"number": "60/2014/QH13", "title": ""},
    ]
    birth.save()
    papers = "Giấy tờ phải nộp"
    for name, kind, required in [
        ("Tờ khai đăng ký khai sinh", DocumentKind.DOCUMENT, True),
        ("Biên bản trẻ bị bỏ rơi, trong trường hợp trẻ bị bỏ rơi", DocumentKind.CONDITION, False),
        ("Người tiếp nhận kiểm tra giấy tờ xuất trình.", DocumentKind.NOTE, False),
    ]:
        RequiredDocumentFactory(
            procedure=birth, case=papers, name=name, kind=kind, is_required=required
        )
    RequiredDocumentFactory(
        procedure=birth, case="Lưu ý", name="Cá nhân được chọn nơi đăng ký.", kind=DocumentKind.NOTE
    )
    return birth


def _document_list(text, case):
    """The HTML of one case's group, from its heading to the next one."""
    start = text.index(f">{case}</h3>")
    end = text.find('<h3 class="case-title">', start)
    return text[start : end if end > 0 else text.index("</section>", start)]


@pytest.mark.parametrize("url", ["/procedures/1.001193/", "/kiosk/procedures/1.001193/"])
def test_documents_say_which_are_required_and_keep_notes_apart(client, birth_documents, url):
    group = _document_list(client.get(url).text, "Giấy tờ phải nộp")
    numbered, _, notes = group.partition('class="document-notes"')
    assert "Tờ khai đăng ký khai sinh" in numbered
    required = numbered[numbered.index("Tờ khai") : numbered.index("Biên bản")]
    assert "Bắt buộc" in required and "Nếu có" not in required
    condition = numbered[numbered.index("Biên bản") :]
    assert "Nếu có" in condition and "Bắt buộc" not in condition
    # The note is no document: outside the numbered list, under its own "Lưu ý".
    assert "Người tiếp nhận" not in numbered
    assert "Người tiếp nhận kiểm tra" in notes and ">Lưu ý</p>" in notes
    assert numbered.count("<li") == 2


def test_a_notes_case_is_not_a_numbered_list_nor_titled_twice(client, birth_documents):
    group = _document_list(client.get("/procedures/1.001193/").text, "Lưu ý")
    assert "Cá nhân được chọn nơi đăng ký." in group
    assert "document-list" not in group and "Bắt buộc" not in group
    assert ">Lưu ý</p>" not in group


def test_the_legal_basis_lists_number_and_title(client, birth_documents):
    text = client.get("/procedures/1.001193/").text
    legal = text[text.index(">Căn cứ pháp lý</h2>") :]
    legal = legal[: legal.index("</section>")]
    assert "<strong>123/2015/NĐ-CP</strong> — Nghị định quy định chi tiết Luật Hộ tịch" in legal
    assert "<strong>60/2014/QH13</strong></li>" in legal


def test_form_file_downloads_as_an_attachment(client, permit):
    response = client.get("/procedures/1.012753.H19/forms/4321/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"form"
    assert response["Content-Disposition"].startswith('attachment; filename="mau-02')


def test_form_download_404s(client, permit, settings, tmp_path):
    assert client.get("/procedures/1.012753.H19/forms/999/").status_code == 404
    assert client.get("/procedures/1.001193/forms/4321/").status_code == 404
    permit.published = False
    permit.save()
    assert client.get("/procedures/1.012753.H19/forms/4321/").status_code == 404
    permit.published = True
    permit.save()
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    assert client.get("/procedures/1.012753.H19/forms/4321/").status_code == 404


def test_online_procedure_has_the_file_online_button(client, permit):
    text = client.get("/procedures/1.012753.H19/").text
    assert 'href="/dossiers/file/1.012753.H19/"' in text
    assert "Nộp hồ sơ trực tuyến" in text


def test_offline_procedure_has_no_file_online_button(client, catalogue):
    text = client.get("/procedures/1.001193/").text
    assert "/dossiers/file/" not in text
    assert "Nộp hồ sơ trực tuyến" not in text


def test_procedure_page_carries_a_qr_code_of_its_own_address(client, catalogue):
    response = client.get("/procedures/1.001193/")
    assert '<svg role="img"' in response.text
    assert response.context["public_url"] == "http://testserver/procedures/1.001193/"


def test_times_per_channel_are_shown_when_they_differ(client):
    ProcedureFactory(code="1.000001", per_channel=True)
    text = client.get("/procedures/1.000001/").text
    assert "Cách thức thực hiện" in text
    assert "5 ngày làm việc" in text
    assert "3 ngày làm việc" in text


@pytest.mark.parametrize("code", ["9.999999", "1.099999", "a/b", "%00"])
def test_unknown_or_unpublished_code_is_404(client, catalogue, code):
    assert client.get(f"/procedures/{code}/").status_code == 404


def test_procedure_page_query_count_does_not_grow_with_documents(client, catalogue):
    birth = catalogue["birth"]
    RequiredDocumentFactory(procedure=birth)
    with CaptureQueriesContext(connection) as few:
        client.get("/procedures/1.001193/")
    RequiredDocumentFactory.create_batch(12, procedure=birth)
    birth.handling_units.add(UnitFactory(), UnitFactory())
    with CaptureQueriesContext(connection) as many:
        client.get("/procedures/1.001193/")
    assert len(many) == len(few)


# Home page and navigation


def test_home_page_has_a_search_form_to_the_catalogue(client, catalogue):
    text = client.get("/").text
    assert 'action="/procedures/"' in text
    assert 'name="q"' in text
    assert 'role="search"' in text
    assert "Tra cứu thủ tục hành chính" in text


def test_home_page_lists_fields_with_their_counts(client, catalogue):
    response = client.get("/")
    counts = {
        field.code: field.procedure_count
        for field in response.context["fields"]
        if field.procedure_count
    }
    assert counts == {"ho-tich": 2, "xay-dung": 1}
    assert 'href="/procedures/?field=ho-tich"' in response.text


def test_home_search_lands_on_the_results(client, catalogue):
    response = client.get("/procedures/", {"q": "giay phep xay dung"})
    assert _names(response) == ["Cấp giấy phép xây dựng nhà ở riêng lẻ"]


def test_site_navigation_links_the_catalogue_but_not_the_kiosk(client):
    text = client.get("/").text
    assert 'href="/procedures/">Thủ tục hành chính</a>' in text
    assert "/kiosk/" not in text


def _unit_choices(client):
    return [unit.code for unit in client.get(CATALOGUE).context["form"].fields["unit"].queryset]


def test_the_unit_filter_follows_catalogue_changes(client, django_capture_on_commit_callbacks):
    ward = UnitFactory(code="T001", name="Phường Một")
    procedure = ProcedureFactory(handling_units=[ward])
    assert _unit_choices(client) == ["T001"]

    with django_capture_on_commit_callbacks(execute=True):
        procedure.handling_units.add(UnitFactory(code="T002", name="Phường Hai"))
    assert _unit_choices(client) == ["T002", "T001"]

    with django_capture_on_commit_callbacks(execute=True):
        set_published(Procedure.objects.filter(pk=procedure.pk), False)
    assert _unit_choices(client) == []
