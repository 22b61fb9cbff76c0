"""Catalogue services: versions, publication, search text; and the search itself."""

from datetime import time
from decimal import Decimal

import pytest
from django.db import transaction

from procedures.models import Procedure, ProcedureVersion
from procedures.services.importing import import_records
from procedures.services.publishing import refresh_search_text, set_published
from procedures.services.versions import current_version
from tests.factories import UnitFactory
from tests.procedures.factories import (
    FieldFactory,
    ProcedureFactory,
    RequiredDocumentFactory,
    WorkflowStepFactory,
)

pytestmark = pytest.mark.django_db


def test_the_first_version_holds_the_present_terms():
    procedure = ProcedureFactory(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field=FieldFactory(code="tp", name="Tư pháp"),
        same_day=True,
        fee_amount=Decimal(8000),
        effective_date="2025-07-01",
    )
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai", originals=1)
    WorkflowStepFactory(procedure=procedure, name="Tiếp nhận", share=Decimal(5), order=1)

    version = current_version(procedure)

    assert version.number == 1
    snapshot = version.snapshot
    assert snapshot["code"] == "1.001193"
    assert snapshot["field"] == {"code": "tp", "name": "Tư pháp"}
    assert snapshot["time_limit"] == {
        "amount": "0",
        "unit": "same_day",
        "cutoff": "15:00:00",
        "note": "",
        "stated": True,
    }
    assert snapshot["fees"]["amount"] == "8000"
    assert snapshot["documents"][0]["name"] == "Tờ khai"
    assert snapshot["workflow"][0] == {
        "order": 1,
        "name": "Tiếp nhận",
        "unit": None,
        "role": "specialist",
        "share": "5",
    }
    assert snapshot["effective_date"] == "2025-07-01"


def test_unchanged_terms_reuse_the_latest_version():
    procedure = ProcedureFactory()
    first = current_version(procedure)
    # Edits outside the terms (publication, search text) make no new version.
    Procedure.objects.filter(pk=procedure.pk).update(published=False)
    assert current_version(procedure) == first
    assert ProcedureVersion.objects.count() == 1


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: setattr(p, "time_limit_amount", Decimal(7)),
        lambda p: setattr(p, "same_day_cutoff", time(16, 0)),
        lambda p: setattr(p, "channel_terms", [{"channel": "online", "amount": "2"}]),
        lambda p: setattr(p, "fee_description", "Miễn phí"),
        lambda p: setattr(p, "online_level", "full"),
        lambda p: setattr(p, "name", "Tên mới"),
    ],
)
def test_a_change_of_terms_makes_the_next_version(edit):
    procedure = ProcedureFactory()
    current_version(procedure)
    edit(procedure)
    procedure.save()

    second = current_version(procedure)

    assert second.number == 2
    assert current_version(procedure) == second


def test_earlier_dossiers_keep_the_terms_they_were_received_under():
    procedure = ProcedureFactory(time_limit_amount=Decimal(5))
    document = RequiredDocumentFactory(procedure=procedure, name="Tờ khai")
    received_under = current_version(procedure)

    procedure.time_limit_amount = Decimal(10)
    procedure.save()
    document.name = "Tờ khai (mẫu mới)"
    document.save()
    WorkflowStepFactory(procedure=procedure, unit=UnitFactory(code="H26.45.TP"))
    later = current_version(procedure)

    received_under.refresh_from_db()
    assert received_under.snapshot["time_limit"]["amount"] == "5"
    assert received_under.snapshot["documents"][0]["name"] == "Tờ khai"
    assert later.snapshot["time_limit"]["amount"] == "10"
    assert later.snapshot["workflow"][0]["unit"] == "H26.45.TP"
    assert later.number == received_under.number + 1


def test_a_stale_instance_still_gets_the_stored_terms():
    procedure = ProcedureFactory(time_limit_amount=Decimal(5))
    Procedure.objects.filter(pk=procedure.pk).update(time_limit_amount=Decimal(9))
    assert current_version(procedure).snapshot["time_limit"]["amount"] == "9"


def test_set_published_changes_only_what_differs():
    shown = ProcedureFactory()
    hidden = ProcedureFactory(unpublished=True)
    stamp = shown.updated_at

    assert set_published(Procedure.objects.all(), True) == 1

    shown.refresh_from_db()
    hidden.refresh_from_db()
    assert hidden.published
    assert shown.updated_at == stamp
    assert set_published(Procedure.objects.filter(pk=shown.pk), False) == 1
    assert Procedure.objects.published().get() == hidden


def test_refresh_search_text_follows_a_renamed_field():
    field = FieldFactory(name="Hộ tịch")
    procedure = ProcedureFactory(field=field, name="Đăng ký khai tử")
    field.name = "Tư pháp - Hộ tịch"
    field.save()

    assert refresh_search_text(field.procedures.all()) == 1
    assert Procedure.objects.search("tu phap khai tu").get() == procedure


@pytest.mark.parametrize(
    "query",
    [
        "dang ky khai sinh",
        "Đăng ký khai sinh",
        "ĐĂNG KÝ KHAI SINH",
        "  dang   ky\tkhai  sinh ",
        "KHAI SINH",
        "khai sinh dang",
        "đang ky khai sinh",
        "1.001193",
        "ho tich",
    ],
)
def test_search_ignores_diacritics_case_and_spaces(query):
    birth = ProcedureFactory(
        code="1.001193", name="Thủ tục đăng ký khai sinh", field=FieldFactory(name="Hộ tịch")
    )
    ProcedureFactory(name="Thủ tục đăng ký kết hôn")
    ProcedureFactory(name="Cấp giấy phép xây dựng")

    assert list(Procedure.objects.search(query)) == [birth]


@pytest.mark.parametrize("query", ["d", "dd", "100%", "_", "khai_sinh", "đ%"])
def test_search_wildcards_are_literal(query):
    ProcedureFactory(name="Thủ tục đăng ký khai sinh")
    ProcedureFactory(name="Cấp 100% hỗ trợ")
    found = {p.name for p in Procedure.objects.search(query)}
    assert all(query.replace("đ", "d").lower() in name.lower().replace("đ", "d") for name in found)


# -- the current version, remembered between intakes -----------------------------------------


def remembered(procedure, capture):
    """current_version as a request sees it: committed, so it may be remembered."""
    with capture(execute=True):
        return current_version(procedure)


def test_a_committed_version_is_answered_again_without_a_query(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    procedure = ProcedureFactory()
    first = remembered(procedure, django_capture_on_commit_callbacks)

    with django_assert_num_queries(0):
        again = current_version(procedure)

    assert again == first
    assert again.snapshot == first.snapshot


def _lengthen_the_time_limit(procedure):
    procedure.time_limit_amount = Decimal(7)
    procedure.save()


def _rename_the_field(procedure):
    procedure.field.name = "Lĩnh vực mới"
    procedure.field.save()


def _rename_a_document(procedure):
    document = procedure.documents.get()
    document.name = "Tờ khai (mẫu mới)"
    document.save()


def _drop_a_document(procedure):
    procedure.documents.get().delete()


def _add_a_step(procedure):
    WorkflowStepFactory(procedure=procedure, name="Phê duyệt")


def _recode_the_step_unit(procedure):
    unit = procedure.workflow.get().unit
    unit.code = "H26.45.TP2"
    unit.save()


def _reimport_with_other_documents(procedure):
    report = import_records(
        [
            {
                "MATTHC": procedure.code,
                "TENTTHC": procedure.name,
                "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": procedure.field.name}],
                "CAPTHUCHIEN": [{"CAPTHUCHIEN": "Cấp xã"}],
                "THANHPHANHOSO": [{"GIAYTO": [{"TENGIAYTO": "Giấy tờ khác"}]}],
            }
        ]
    )
    assert report.updated, report.summary()


@pytest.mark.parametrize(
    "edit",
    [
        _lengthen_the_time_limit,
        _rename_the_field,
        _rename_a_document,
        _drop_a_document,
        _add_a_step,
        _recode_the_step_unit,
        _reimport_with_other_documents,
    ],
)
def test_every_change_of_terms_retires_the_remembered_version(
    edit, django_capture_on_commit_callbacks
):
    procedure = ProcedureFactory(time_limit_amount=Decimal(5))
    RequiredDocumentFactory(procedure=procedure, name="Tờ khai")
    WorkflowStepFactory(procedure=procedure, name="Thẩm định", unit=UnitFactory(code="H26.45.TP"))
    first = remembered(procedure, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        edit(procedure)
    later = remembered(procedure, django_capture_on_commit_callbacks)

    assert later.number == first.number + 1
    assert later.snapshot != first.snapshot


def test_a_version_made_in_a_rolled_back_transaction_is_not_remembered(
    django_capture_on_commit_callbacks,
):
    procedure = ProcedureFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        current_version(procedure)
        raise RuntimeError("the intake failed after its version was made")

    version = remembered(procedure, django_capture_on_commit_callbacks)

    assert ProcedureVersion.objects.filter(pk=version.pk).exists()
    assert version.number == 1


def test_a_national_record_with_a_thousand_character_name_imports_whole(db):
    name = ("Thủ tục cấp giấy chứng nhận " + "và điều chỉnh nội dung hồ sơ " * 40)[:1000].strip()
    assert len(name) >= 990
    report = import_records(
        [
            {
                "MATTHC": "2.002999",
                "TENTTHC": name,
                "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": "Đất đai"}],
                "CAPTHUCHIEN": [{"CAPTHUCHIEN": "Cấp xã"}],
                "KIEUTTHC": "Thủ tục hành chính do cấp xã thực hiện " * 12,
            }
        ]
    )
    assert report.created == ["2.002999"] and not report.rejected, report.summary()
    assert Procedure.objects.get(code="2.002999").name == name
