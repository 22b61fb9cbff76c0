"""import_procedures / export_procedures and the import service on the database."""

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.utils import translation

from procedures.models import Field, Procedure, RequiredDocument
from procedures.records.csv_rows import CSV_COLUMNS
from procedures.services.importing import import_records
from tests.procedures.factories import FieldFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "procedures/fixtures/catalogue/national-sample.json"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def sample_records():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def run_failing(command, *args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(command, *map(str, args), stdout=out, stderr=err)
    return str(failure.value), out.getvalue() + err.getvalue()


def write_json(path, records):
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def record(code="1.001193", name="Thủ tục đăng ký khai sinh", **keys):
    return {
        "MATTHC": code,
        "TENTTHC": name,
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "", "TENLINHVUC": "Hộ tịch"}],
        "CAPTHUCHIEN": [{"CAPTHUCHIEN": "Cấp xã"}],
        **keys,
    }


def catalogue_state():
    """Everything the catalogue keeps of its procedures, by code."""
    state = {}
    for procedure in Procedure.objects.select_related("field").prefetch_related("documents"):
        values = model_to_dict(procedure, exclude=["id", "field", "handling_units"])
        values["field"] = (procedure.field.code, procedure.field.name)
        values["search_text"] = procedure.search_text
        values["documents"] = [
            model_to_dict(document, exclude=["id", "procedure"])
            for document in procedure.documents.order_by("order")
        ]
        state[procedure.code] = values
    return state


def test_the_national_sample_imports_and_a_second_import_changes_nothing(tmp_path):
    output = run("import_procedures", SAMPLE, "--progress-every", "50")
    assert "Read 121 records" in output
    assert "50/121 records read" in output
    assert "121 created, 0 updated, 0 unchanged, 0 rejected" in output
    assert Procedure.objects.count() == 121
    assert RequiredDocument.objects.count() > 1000
    stamps = dict(Procedure.objects.values_list("code", "updated_at"))

    output = run("import_procedures", SAMPLE)

    assert "0 created, 0 updated, 121 unchanged, 0 rejected" in output
    assert dict(Procedure.objects.values_list("code", "updated_at")) == stamps


def test_the_sample_keeps_per_channel_terms_and_fees(sample_records):
    import_records(sample_records)
    procedure = Procedure.objects.get(code="2.000815")  # chứng thực bản sao
    assert [terms["channel"] for terms in procedure.channel_terms] == ["counter"]
    fees = procedure.channel_terms[0]["fees"]
    assert [(f["amount"], f["currency"]) for f in fees] == [("2000", "VND"), ("10", "USD")]
    birth = Procedure.objects.get(code="1.001193")
    assert birth.search_text.startswith("1.001193 thu tuc dang ky khai sinh")
    assert birth.field.name == "Hộ tịch"
    assert birth.level == "commune"


def test_an_update_writes_only_what_changed(tmp_path):
    first = record(
        THANHPHANHOSO=[{"TRUONGHOP": "", "GIAYTO": [{"TENGIAYTO": "Tờ khai"}]}],
    )
    other = record(code="1.000894", name="Thủ tục đăng ký kết hôn")
    import_records([first, other])
    kept = Procedure.objects.get(code="1.000894").updated_at
    declaration = RequiredDocument.objects.get(name="Tờ khai")
    declaration.form_file.save("to-khai.docx", ContentFile(b"form"), save=True)

    first["TENTTHC"] = "Thủ tục đăng ký khai sinh (sửa)"
    first["THANHPHANHOSO"][0]["GIAYTO"].append({"TENGIAYTO": "Giấy chứng sinh"})
    report = import_records([first, other])

    assert (report.created, report.updated, report.unchanged) == ([], ["1.001193"], ["1.000894"])
    assert Procedure.objects.get(code="1.000894").updated_at == kept
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.name == "Thủ tục đăng ký khai sinh (sửa)"
    assert "(sua)" in procedure.search_text
    documents = list(procedure.documents.order_by("order"))
    assert [d.name for d in documents] == ["Tờ khai", "Giấy chứng sinh"]
    # A document still listed keeps its row, so its uploaded form and links survive.
    assert documents[0].pk == declaration.pk
    assert documents[0].form_file.name.startswith("forms/to-khai")


def test_documents_dropped_from_the_record_are_removed():
    with_two = record(THANHPHANHOSO=[{"GIAYTO": [{"TENGIAYTO": "Tờ khai"}, {"TENGIAYTO": "CCCD"}]}])
    import_records([with_two])
    with_two["THANHPHANHOSO"][0]["GIAYTO"] = [{"TENGIAYTO": "CCCD", "SOBANSAO": 1}]
    import_records([with_two])
    assert list(RequiredDocument.objects.values_list("name", "copies", "order")) == [("CCCD", 1, 0)]


def test_a_record_without_documents_leaves_them_alone():
    import_records([record(THANHPHANHOSO=[{"GIAYTO": [{"TENGIAYTO": "Tờ khai"}]}])])
    report = import_records([{"MATTHC": "1.001193", "TENTTHC": "Thủ tục đăng ký khai sinh"}])
    assert report.unchanged == ["1.001193"]
    assert RequiredDocument.objects.count() == 1


def test_fields_are_upserted_by_name_with_a_free_code():
    FieldFactory(code="ho-tich", name="Hộ tịch cũ")
    existing = FieldFactory(code="tp", name="Tư pháp")
    import_records(
        [
            record(),
            record(code="2", LINHVUCTHUCHIEN=[{"MALINHVUC": "X", "TENLINHVUC": "TƯ PHÁP"}]),
        ]
    )
    assert Procedure.objects.get(code="1.001193").field.code == "ho-tich-2"
    assert Procedure.objects.get(code="2").field == existing
    assert Field.objects.count() == 3


def test_an_update_may_move_a_procedure_to_a_new_field():
    import_records([record()])
    moved = record(LINHVUCTHUCHIEN=[{"MALINHVUC": "TP", "TENLINHVUC": "Tư pháp"}])
    assert import_records([moved]).updated == ["1.001193"]
    procedure = Procedure.objects.select_related("field").get()
    assert (procedure.field.code, procedure.field.name) == ("tp", "Tư pháp")
    assert procedure.search_text.endswith("tu phap")


def test_bad_json_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('[{"MATTHC": "1.1",}]', encoding="utf-8")
    message, _output = run_failing("import_procedures", path)
    assert "not valid JSON" in message
    assert "line 1, column 19" in message


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"MATTHC": "1"}', "JSON array"),
        ("[]".encode("utf-16"), "not UTF-8"),
    ],
)
def test_unreadable_files_are_clear_errors(tmp_path, content, reason):
    path = tmp_path / "file.json"
    path.write_bytes(content)
    message, _output = run_failing("import_procedures", path)
    assert reason in message


def test_a_missing_file_is_a_clear_error(tmp_path):
    message, _output = run_failing("import_procedures", tmp_path / "none.json")
    assert "Cannot read" in message


def test_broken_records_are_listed_and_nothing_is_written(tmp_path):
    records = [
        record(),
        {"TENTTHC": "Không có mã"},
        record(code="1.000894", name="Đăng ký kết hôn"),
        {"MATTHC": "1.000656", "TENTTHC": "Đăng ký khai tử", "MUCDO": "bốn"},
        record(code="1.001193", name="Trùng mã"),
        {"MATTHC": "1.000689"},
    ]
    message, output = run_failing("import_procedures", write_json(tmp_path / "f.json", records))

    assert "4 records were rejected, so nothing was saved" in message
    assert "--partial" in message
    assert "record 2: The record has no procedure code (MATTHC)." in output
    assert "record 4 (1.000656): MUCDO must be a whole number, not 'bốn'." in output
    assert "record 5 (1.001193): The code is repeated: record 1 has it too." in output
    assert "record 6 (1.000689): The record has no procedure name (TENTTHC)." in output
    assert "0 created, 0 updated, 0 unchanged, 4 rejected" in output
    assert not Procedure.objects.exists()
    assert not Field.objects.exists()


def test_partial_keeps_the_good_records(tmp_path):
    records = [record(), {"MATTHC": "x", "TENTTHC": "Không có lĩnh vực"}]
    message, output = run_failing(
        "import_procedures", write_json(tmp_path / "f.json", records), "--partial"
    )
    assert "1 records were rejected; the others were saved" in message
    assert "record 2 (x): A new procedure needs its field (LINHVUCTHUCHIEN)." in output
    assert list(Procedure.objects.values_list("code", flat=True)) == ["1.001193"]


def test_a_record_refused_by_the_database_rules_is_rejected_before_writing():
    long = "x" * 201
    report = import_records([record(), record(code="2", KHONGBIET=1, IDQUYETDINHCONGBO=long)])
    assert not report.written
    assert report.rejected[0].position == 2
    assert "200" in report.rejected[0].message
    assert not Procedure.objects.exists()


def test_the_csv_imports_and_round_trips(tmp_path):
    path = tmp_path / "catalogue.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=[*CSV_COLUMNS, "EXTRA"])
        writer.writeheader()
        writer.writerow(
            {
                "MATTHC": "1.001193",
                "TENTTHC": " Đăng ký  khai sinh. ",
                "TENLINHVUC": "Hộ tịch",
                "CAPTHUCHIEN": "Cấp xã",
                "THOIGIANGIAIQUYET": "3",
                "DONVITINH": "Ngày làm việc",
                "PHILEPHI_SOTIEN": "8.000",
                "MUCDO": "4",
                "CANCUPHAPLY": "60/2014/QH13 Luật Hộ tịch; Luật Cư trú",
                "EXTRA": "ignored",
            }
        )
        writer.writerow(
            {
                "MATTHC": "2.000815",
                "TENTTHC": "Chứng thực",
                "TENLINHVUC": "Chứng thực",
                "CAPTHUCHIEN": "Cấp tỉnh",
                "DONVITINH": "Trong ngày",
            }
        )
        writer.writerow({"MATTHC": "1.004", "TENTTHC": "Khai tử", "TENLINHVUC": "Hộ tịch"})
    _message, output = run_failing("import_procedures", path)
    assert "record 3 (1.004): A new procedure needs its level (CAPTHUCHIEN)." in output

    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(rows[:-1]) + "\n", encoding="utf-8")
    output = run("import_procedures", path)
    assert "2 created" in output
    procedure = Procedure.objects.get(code="1.001193")
    assert (procedure.name, procedure.time_limit_amount, procedure.fee_amount) == (
        "Đăng ký khai sinh",
        3,
        8000,
    )
    before = catalogue_state()

    exported = tmp_path / "export.csv"
    run("export_procedures", exported)
    Procedure.objects.all().delete()
    Field.objects.all().delete()
    run("import_procedures", exported)

    assert catalogue_state() == before


def test_a_csv_without_the_key_columns_is_refused(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("MATTHC,TEN\n1,x\n", encoding="utf-8")
    message, _output = run_failing("import_procedures", path)
    assert "lacks the columns TENTTHC" in message


def test_a_csv_update_keeps_what_the_csv_cannot_say(tmp_path, sample_records):
    import_records(sample_records)
    birth = Procedure.objects.get(code="1.001193")
    documents, steps = birth.documents.count(), birth.steps
    path = tmp_path / "update.csv"
    path.write_text(
        "MATTHC,TENTTHC,MUCDO\n1.001193,Thủ tục đăng ký khai sinh,3\n", encoding="utf-8"
    )

    assert "1 updated" in run("import_procedures", path)

    birth.refresh_from_db()
    assert birth.online_level == "partial"
    assert (birth.documents.count(), birth.steps) == (documents, steps)


def test_export_then_import_is_lossless(tmp_path, sample_records):
    import_records(sample_records)
    Procedure.objects.filter(code="1.001193").update(effective_date="2025-07-01")
    before = catalogue_state()
    exported = tmp_path / "export.json"

    assert "Wrote 121 procedures" in run("export_procedures", exported)
    assert "0 created, 0 updated, 121 unchanged" in run("import_procedures", exported)

    Procedure.objects.all().delete()
    Field.objects.all().delete()
    assert "121 created" in run("import_procedures", exported)
    assert catalogue_state() == before


def test_a_procedure_entered_by_hand_exports_its_default_terms(tmp_path):
    field = FieldFactory(name="Hộ tịch", code="ho-tich")
    Procedure.objects.create(
        code="9.1",
        name="Nhập tay",
        field=field,
        level="commune",
        time_limit_amount=3,
        time_limit_unit="same_day",
        same_day_cutoff="16:00",
        fee_amount=5000,
    )
    exported = tmp_path / "hand.json"
    run("export_procedures", exported)
    (entry,) = json.loads(exported.read_text(encoding="utf-8"))[0]["CACHTHUCTHUCHIEN"]
    (limit,) = entry["THOIGIAN"]
    assert (entry["KENH"], limit["DONVITINH"]) == (1, "Trong ngày")
    assert "16:00" in limit["MOTA"]
    assert limit["PHILEPHI"][0]["SOTIEN"] == 5000

    Procedure.objects.all().delete()
    run("import_procedures", exported)
    procedure = Procedure.objects.get(code="9.1")
    assert (procedure.time_limit_unit, str(procedure.same_day_cutoff)) == ("same_day", "16:00:00")
    assert procedure.fee_amount == 5000


def test_export_to_standard_output(capsys):
    FieldFactory(name="Hộ tịch", code="ho-tich")
    import_records([record()])
    call_command("export_procedures", "-", "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "\ufeff" + ",".join(CSV_COLUMNS)  # one BOM, as every CSV export
    assert lines[1].startswith("1.001193,Thủ tục đăng ký khai sinh,Hộ tịch,Cấp xã")
