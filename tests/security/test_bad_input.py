"""Bad input is a 4xx with a clear Vietnamese message on every page and endpoint, refused
where it enters (core.middleware for paths, queries and forms; core.parsers for API
bodies), never a 500."""

import json

import pytest
from django.test import Client

from dossiers.models import Dossier
from reform_index.services.access import Refused
from reform_index.services.criteria_io import parse_criteria
from tests.world import PASSWORD

TOO_DEEP = "Dữ liệu JSON lồng nhau sâu quá 64 cấp."
NO_PAGE = "Không có trang nào ở địa chỉ này."
BAD_YEAR = "Năm phải trong khoảng từ 1900 đến 2100."
BAD_OFFSET = "Múi giờ (độ lệch so với UTC) phải trong khoảng từ -12:00 đến +14:00."
CONTROL = "Không được dùng ký tự điều khiển (như NUL)."
BAD_CONTENT_TYPE = "Tiêu đề Content-Type sai cú pháp"


def client_of(user=None):
    # A 500 must fail the assertion on the status, not raise inside the test client.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def post_json(client, path, body, content_type="application/json"):
    return client.generic("POST", path, body, content_type=content_type)


def nested(depth, inner="1"):
    """A JSON text of ``depth`` arrays, one inside the other."""
    return "[" * depth + inner + "]" * depth


def login_body(depth):
    """Good credentials with an extra member nested so that the whole body is ``depth``
    levels deep (the object itself is the first)."""
    body = json.dumps({"username": "desk", "password": PASSWORD})
    return body[:-1] + f', "extra": {nested(depth - 1)}}}'


def page_text(response):
    return response.content.decode()


class TestNestedJson:
    @pytest.mark.parametrize("body", [nested(1000, ""), '{"a":' * 1000 + "1" + "}" * 1000])
    def test_a_thousand_levels_on_the_token_endpoint_are_a_400_for_anyone(self, world, body):
        assert len(body) < 8000  # a few kilobytes were enough for a 500
        response = post_json(client_of(), "/api/v1/auth/token/", body)
        assert response.status_code == 400
        assert response.json() == {"detail": TOO_DEEP}

    def test_a_thousand_levels_on_an_authenticated_post_are_a_400(self, world):
        before = Dossier.objects.count()
        response = post_json(client_of(world.roles["desk"]), "/api/v1/dossiers/", nested(1000))
        assert response.status_code == 400
        assert response.json() == {"detail": TOO_DEEP}
        assert Dossier.objects.count() == before

    def test_sixty_four_levels_are_read_and_sixty_five_refused(self, world):
        client = client_of()
        accepted = post_json(client, "/api/v1/auth/token/", login_body(64))
        assert accepted.status_code == 200, accepted.content
        assert accepted.json()["token"]
        refused = post_json(client, "/api/v1/auth/token/", login_body(65))
        assert (refused.status_code, refused.json()) == (400, {"detail": TOO_DEEP})

    def test_brackets_inside_strings_do_not_count(self, world):
        body = json.dumps({"username": "[" * 1000, "password": '\\"{' * 1000})
        response = post_json(client_of(), "/api/v1/auth/token/", body)
        assert response.status_code == 400
        assert "detail" not in response.json()  # the body was read: the answer is on its fields

    def test_an_unterminated_string_of_escaped_quotes_is_read_once(self, world):
        # Scanning it from every quote would take hours; it must answer at once.
        body = '{"summary": "' + '\\"' * 500_000
        response = post_json(client_of(world.roles["desk"]), "/api/v1/dossiers/", body)
        assert response.status_code == 400
        assert "không phải JSON hợp lệ" in response.json()["detail"]

    def test_the_message_follows_the_language(self, world):
        response = client_of().generic(
            "POST",
            "/api/v1/auth/token/",
            nested(1000),
            content_type="application/json",
            headers={"accept-language": "en"},
        )
        assert response.json() == {"detail": "The JSON body nests deeper than 64 levels."}


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("json", nested(1000), "Tệp không đúng định dạng JSON."),
        (
            "csv",
            f'code,name,max_points,rule_params\r\nA,Tiêu chí,1,"{nested(1000)}"\r\n',
            "Dòng 2: rule_params không đúng định dạng JSON.",
        ),
    ],
)
def test_a_criteria_file_nested_a_thousand_levels_is_refused_as_a_file(fmt, content, message):
    # The reform index imports criteria files (API and back office) through the same JSON
    # reader: this was a RecursionError, a 500 for the index officer.
    with pytest.raises(Refused) as refused:
        parse_criteria(content.encode(), fmt)
    assert refused.value.errors == {"file": [message]}


class TestJsonBodies:
    @pytest.mark.parametrize(
        ("body", "answer"),
        [
            ('{"summary": NaN}', {"detail": "Dữ liệu JSON có giá trị NaN, không phải là một số."}),
            ('{"summary": 1e999}', {"detail": "Dữ liệu JSON có một số quá lớn."}),
            ('{"summary": 1' + "0" * 5000 + "}", {"detail": "Dữ liệu JSON có một số quá lớn."}),
            (
                '{"summary": ',
                {"detail": "Nội dung yêu cầu không phải JSON hợp lệ (dòng 1, cột 13)."},
            ),
            (
                b'{"summary": "\xff\xfe"}',
                {"detail": "Nội dung yêu cầu không phải văn bản utf-8 hợp lệ."},
            ),
            ('{"summary": "a\\u0000b"}', {"summary": [CONTROL]}),
            ('{"applicant": {"name": "\\ud800"}}', {"applicant.name": [CONTROL]}),
            ('{"applicant": {"name": "A\\u0001"}}', {"applicant.name": [CONTROL]}),
            ('{"documents": ["x", "9999-12-31"]}', {"documents.1": [BAD_YEAR]}),
        ],
    )
    def test_is_refused_with_the_reason(self, world, body, answer):
        response = post_json(client_of(world.roles["desk"]), "/api/v1/dossiers/", body)
        assert response.status_code == 400
        assert response.json() == answer

    def test_tab_and_line_breaks_are_text(self, world):
        body = json.dumps({"summary": "Dòng một\r\n\tdòng hai"})
        response = post_json(client_of(world.roles["desk"]), "/api/v1/dossiers/", body)
        assert response.status_code == 400
        assert "summary" not in response.json()  # refused for the missing fields only

    @pytest.mark.parametrize(
        ("when", "status"),
        [
            ("0001-01-01T00:00:00", 400),  # was a 500: the time zone overflowed
            ("9999-12-31T23:59:59", 400),
            ("2101-01-01T00:00:00+07:00", 400),
            ("2100-12-31T23:59:59+07:00", 200),
        ],
    )
    def test_a_date_in_a_body_names_a_year_from_1900_to_2100(self, world, when, status):
        client = client_of(world.roles["spec"])
        code = world.dossiers["O"].code
        body = json.dumps({"reason": "Chậm", "new_appointment_at": when})
        response = post_json(client, f"/api/v1/dossiers/{code}/apologize/", body)
        assert response.status_code == status, response.content
        if status == 400:
            assert response.json() == {"new_appointment_at": [BAD_YEAR]}

    @pytest.mark.parametrize(
        ("when", "status"),
        [
            ("2100-03-19T00:46:50.431-17:28", 400),  # was a 500 in a query filter
            ("2026-12-31T09:00:00+14:01", 400),
            ("2026-12-31T09:00:00+14:00", 200),
            ("2026-12-31T09:00:00-12:00", 200),
        ],
    )
    def test_a_date_in_a_body_has_an_offset_a_clock_can_have(self, world, when, status):
        client = client_of(world.roles["spec"])
        code = world.dossiers["O"].code
        body = json.dumps({"reason": "Chậm", "new_appointment_at": when})
        response = post_json(client, f"/api/v1/dossiers/{code}/apologize/", body)
        assert response.status_code == status, response.content
        if status == 400:
            assert response.json() == {"new_appointment_at": [BAD_OFFSET]}

    def test_a_multipart_text_field_is_held_to_the_same_rules(self, world):
        client = client_of(world.roles["spec"])
        code = world.dossiers["O"].code
        body = {"reason": "Chậm", "new_appointment_at": "0001-01-01T00:00:00"}
        response = client.post(f"/api/v1/dossiers/{code}/apologize/", body)
        assert response.status_code == 400
        assert response.json() == {"new_appointment_at": [BAD_YEAR]}


class TestContentType:
    @pytest.mark.parametrize(
        "content_type",
        [
            "application/json, application/json",  # two headers folded into one
            ";;;=;",
            "application",
            "application/json; charset=zlib",  # would decompress the body
            "application/json; charset=utf-8; charset=latin-1",
            "application/json; charset=no-such-charset",
            "multipart/form-data",  # no boundary
        ],
    )
    def test_a_malformed_content_type_is_a_400(self, world, content_type):
        client = client_of(world.roles["desk"])
        response = post_json(client, "/api/v1/dossiers/", '{"summary": "x"}', content_type)
        assert response.status_code == 400
        assert BAD_CONTENT_TYPE in response.json()["detail"]

    def test_a_page_answers_a_non_text_charset_with_its_400_page(self, world):
        # A multipart body with charset=zlib was a 500 on every page with a form.
        body = '--b\r\nContent-Disposition: form-data; name="username"\r\n\r\ndesk\r\n--b--\r\n'
        content_type = "multipart/form-data; boundary=b; charset=zlib"
        response = post_json(client_of(), "/accounts/login/", body, content_type)
        assert response.status_code == 400
        assert BAD_CONTENT_TYPE in page_text(response)

    def test_usual_content_types_pass(self, world):
        client = client_of(world.roles["desk"])
        for content_type in ("application/json", 'application/json; charset="UTF-8"'):
            response = post_json(client, "/api/v1/dossiers/", "{}", content_type)
            assert (response.status_code, "detail" in response.json()) == (400, False)


class TestPaths:
    @pytest.mark.parametrize(
        "path",
        [
            "/desk/dossiers/%00/",
            "/print/%00/receipt.pdf",
            "/print/%00/receipt/",
            "/dossiers/%00/",
            "/procedures/%01/",
            "/desk/dossiers/" + "a" * 2001 + "/",
        ],
    )
    def test_a_control_character_or_an_overlong_path_is_a_404_page(self, world, path):
        response = client_of(world.roles["desk"]).get(path)
        assert response.status_code == 404
        page = page_text(response)
        assert NO_PAGE in page
        assert 'class="site-header"' in page  # the site's own layout, in Vietnamese
        assert '<html lang="vi">' in page

    def test_the_api_answers_json(self, world):
        response = client_of(world.roles["desk"]).get("/api/v1/dossiers/%00/")
        assert (response.status_code, response.json()) == (404, {"detail": NO_PAGE})

    @pytest.mark.parametrize("path", ["/procedures/%ff/", "/procedures/%zz/", "/dossiers/%c3/"])
    def test_broken_percent_encoding_in_a_path_is_a_404(self, world, path):
        assert client_of(world.roles["citizen"]).get(path).status_code == 404


class TestDates:
    def test_the_logbook_refuses_year_9999_with_a_page(self, world):
        response = client_of(world.roles["desk"]).get("/desk/logbook.csv?date_to=9999-12-31")
        assert response.status_code == 400
        page = page_text(response)
        assert BAD_YEAR in page
        assert "Tham số “date_to”" in page

    @pytest.mark.parametrize(
        ("query", "status"),
        [
            ("date_from=1899-12-31", 400),
            ("date_to=2101-01-01", 400),
            ("date_to=31/12/9999", 400),  # the form's other format
            ("date_from=01/01/0001", 400),
            ("date_from=1900-01-01", 200),
            # The end day is included: the query runs to the start of 2101-01-01.
            ("date_from=1900-01-01&date_to=2100-12-31", 200),
            ("date_to=31/12/2100", 200),
        ],
    )
    def test_logbook_years_run_from_1900_to_2100(self, world, query, status):
        client = client_of(world.roles["desk"])
        for export in ("/desk/logbook/", "/desk/logbook.csv", "/desk/logbook.xlsx"):
            assert client.get(f"{export}?{query}").status_code == status, export

    def test_the_api_names_the_parameter(self, world):
        client = client_of(world.roles["leader"])
        response = client.get("/api/v1/reports/on-time/?from=2100-01-01&to=2101-01-01")
        assert (response.status_code, response.json()) == (400, {"to": [BAD_YEAR]})
        in_range = client.get("/api/v1/reports/on-time/?from=2100-01-01&to=2100-12-31")
        assert in_range.status_code == 200

    @pytest.mark.parametrize("value", ["9999-12-31T23:59", "1899-12-31T23:59:59+07:00"])
    def test_date_times_too(self, world, value):
        response = client_of(world.roles["desk"]).get(
            "/api/v1/dossiers/", {"received_after": value}
        )
        assert (response.status_code, response.json()) == (400, {"received_after": [BAD_YEAR]})

    def test_a_date_inside_free_text_is_only_text(self, world):
        response = client_of(world.roles["desk"]).get("/api/v1/dossiers/?search=hồ sơ 9999-12-31")
        assert response.status_code == 200


class TestQueryValues:
    def test_a_nul_in_a_query_was_a_500_and_is_a_400(self, world):
        response = client_of(world.roles["desk"]).get("/desk/?code=%00")
        assert response.status_code == 400
        assert CONTROL in page_text(response)

    def test_the_api_answers_field_by_field(self, world):
        response = client_of().get("/api/v1/lookup/?code=H26%01&phone=0912345678")
        assert (response.status_code, response.json()) == (400, {"code": [CONTROL]})

    def test_an_overlong_value_is_a_400(self, world):
        client = client_of(world.roles["desk"])
        assert client.get("/procedures/", {"q": "a" * 2000}).status_code == 200
        response = client.get("/procedures/", {"q": "a" * 2001})
        assert response.status_code == 400
        assert "Chỉ được nhập tối đa 2000 ký tự (giá trị này có 2001 ký tự)." in page_text(response)
        api = client.get("/api/v1/procedures/", {"search": "a" * 2001})
        assert api.status_code == 400
        assert list(api.json()) == ["search"]

    def test_the_limit_is_a_setting(self, world, settings):
        settings.ONESTOP_INPUT_MAX_LENGTH = 20
        assert client_of().get("/procedures/", {"q": "a" * 20}).status_code == 200
        assert client_of().get("/procedures/", {"q": "a" * 21}).status_code == 400
        assert client_of().get("/procedures/" + "a" * 10 + "/").status_code == 404  # the path

    def test_a_query_that_is_not_utf8_is_a_400(self, world):
        response = client_of().get("/procedures/?q=%ff%fe")
        assert response.status_code == 400
        assert "Phần tham số của địa chỉ không phải văn bản UTF-8 hợp lệ." in page_text(response)

    def test_broken_percent_encoding_is_taken_as_it_is(self, world):
        assert client_of().get("/procedures/?q=%zz").status_code == 200


class TestForms:
    def form_post(self, body, user=None):
        return client_of(user).generic(
            "POST", "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
        )

    def test_a_nul_in_a_form_value_is_a_400(self, world):
        response = self.form_post("username=desk%00&password=x")
        assert response.status_code == 400
        assert "Tham số “username”" in page_text(response)

    def test_a_form_that_is_not_utf8_is_a_400(self, world):
        response = self.form_post("username=%ff&password=x")
        assert response.status_code == 400
        assert "Biểu mẫu đã gửi không phải văn bản UTF-8 hợp lệ." in page_text(response)

    def test_a_multipart_page_form_is_checked_too(self, world):
        client = client_of(world.roles["spec"])
        code = world.dossiers["O"].code
        data = {"apologize-reason": "Chậm", "apologize-new_appointment_at": "31/12/9999 23:59"}
        response = client.post(f"/desk/dossiers/{code}/apologize/", data)
        assert response.status_code == 400
        assert BAD_YEAR in page_text(response)
        assert not world.dossiers["O"].apologies.exists()

    def test_a_usual_form_passes(self, world):
        response = self.form_post(f"username=desk&password={PASSWORD}")
        assert response.status_code == 302


# Cheap 500s of the same family looked for while building the limits: each answers 4xx or
# a page, never 5xx.
ODD_REQUESTS = [
    "/desk/logbook/?page=99999999999999999999",
    "/desk/queue/?page=-1",
    "/desk/overdue/?page=abc",
    "/procedures/?page=99999999999999999999999",
    "/procedures/?page=1.5&field=99999999999999999999",
    "/api/v1/dossiers/?page=999999999999999999999",
    "/api/v1/dossiers/?page_size=-1",
    "/api/v1/dossiers/?receiving_unit=99999999999999999999&overdue=maybe",
    "/api/v1/procedures/?page_size=99999999999999999999",
    "/api/v1/fields/99999999999999999999/",
    "/reform-index/99999/",
    "/reform-index/99999999999999999999/",
    "/reform-index/0/",
    "/reform-index/inspections/?year=99999999",
    "/reform-index/inspections/99999999999999999999/",
    "/api/v1/reform-index/scorecards/9999/",
    "/api/v1/reform-index/inspections/?year=-1",
    "/attachments/99999999999999999999999/",
    "/attachments/abc/",
    "/reform-index/inspections/abc/",
    "/api/v1/reform-index/inspections/abc/",
    "/api/v1/reform-index/scorecards/2026/assessments/H26.45;x/",
    "/desk/dossiers/x/files/99999999999999999999999/",
    "/transparency/data.json?year=99999",
    "/dashboard/?start=1900-01-01&end=2100-12-31",
    "/api/v1/calendar/deadline/?start=2100-12-31T23:59&amount=99999&unit=calendar_days",
    "/admin/dossiers/dossier/?received_at__year=99999",
    "/admin/dossiers/dossier/99999999999999999999/change/",
]


@pytest.mark.parametrize("path", ODD_REQUESTS)
def test_odd_but_harmless_requests_are_never_a_500(world, path):
    response = client_of(world.roles["admin"]).get(path)
    assert response.status_code < 500, path
