"""The import tells notes (Lưu ý) and conditional lines from papers, and marks records that
state no time limit as "not stated" instead of inventing a same-day limit."""

import json
from pathlib import Path

import pytest

from procedures.models import DocumentKind, Procedure
from procedures.records.kinds import document_kind
from procedures.services.importing import import_records

SAMPLE = Path(__file__).resolve().parents[2] / "procedures/fixtures/catalogue/national-sample.json"


def record(**extra):
    return {
        "MATTHC": "9.000777",
        "TENTTHC": "Đăng ký khai sinh",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "tp", "TENLINHVUC": "Hộ tịch"}],
        "CAPTHUCHIEN": [{"CAPTHUCHIEN": "Cấp xã"}],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "Giấy tờ phải nộp",
                "GIAYTO": [
                    {"TENGIAYTO": "Tờ khai đăng ký khai sinh", "SOBANCHINH": 1},
                    {
                        "TENGIAYTO": "Văn bản ủy quyền trong trường hợp ủy quyền",
                        "SOBANCHINH": 1,
                    },
                    {"TENGIAYTO": "Trường hợp gửi hồ sơ qua bưu chính thì gửi kèm bản sao."},
                ],
            },
            {
                "TRUONGHOP": "Lưu ý",
                "GIAYTO": [{"TENGIAYTO": "Người tiếp nhận có trách nhiệm kiểm tra."}],
            },
        ],
        **extra,
    }


@pytest.mark.django_db
def test_notes_and_conditions_are_told_apart_from_papers():
    report = import_records([record()])
    assert report.written, report.rejected
    kinds = list(
        Procedure.objects.get(code="9.000777")
        .documents.order_by("order")
        .values_list("kind", "is_required")
    )
    assert kinds == [
        (DocumentKind.DOCUMENT, True),
        (DocumentKind.CONDITION, False),
        (DocumentKind.NOTE, False),
        (DocumentKind.NOTE, False),
    ]


@pytest.mark.django_db
def test_a_record_stating_no_limit_is_marked_not_stated():
    report = import_records([record(CACHTHUCTHUCHIEN=[{"KENH": 1, "THOIGIAN": []}])])
    procedure = Procedure.objects.get(code="9.000777")
    assert procedure.time_limit_stated is False
    assert not procedure.states_limit_for("counter")
    assert any("chưa quy định" in str(note) for note in report.warnings)
    stated = record(
        CACHTHUCTHUCHIEN=[
            {"KENH": 1, "THOIGIAN": [{"THOIGIANGIAIQUYET": 3, "DONVITINH": "Ngày làm việc"}]}
        ]
    )
    import_records([stated])
    assert Procedure.objects.get(code="9.000777").time_limit_stated is True


def test_the_demo_birth_registration_lists_its_notes_apart():
    records = json.loads(SAMPLE.read_text(encoding="utf-8"))
    birth = next(r for r in records if "khai sinh" in r["TENTTHC"].lower())
    kinds = [
        document_kind(
            group.get("TRUONGHOP"), item["TENGIAYTO"], item.get("SOBANCHINH"), item.get("SOBANSAO")
        )
        for group in birth["THANHPHANHOSO"]
        for item in group["GIAYTO"]
    ]
    assert kinds.count(DocumentKind.NOTE) >= 20
    assert 0 < kinds.count(DocumentKind.DOCUMENT) < 10


@pytest.mark.django_db
def test_the_admin_filters_procedures_without_a_stated_limit(admin_client):
    import_records([record()])
    response = admin_client.get("/admin/procedures/procedure/?time_limit_stated__exact=0")
    assert response.status_code == 200
    assert "9.000777" in response.content.decode()
    response = admin_client.get("/admin/procedures/procedure/?time_limit_stated__exact=1")
    assert "9.000777" not in response.content.decode()
