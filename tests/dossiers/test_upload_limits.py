"""Office files are zip archives: each is opened and measured, so that a small upload cannot
unpack to hundreds of megabytes (a zip bomb), whichever door it comes through; and a size
message tells a file one byte over the limit from the limit itself."""

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Attachment
from dossiers.uploads import check_upload
from tests.procedures.factories import RequiredDocumentFactory
from tests.world import counter_checklist

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MB = 1024 * 1024
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Tờ khai đăng ký khai sinh</w:t></w:r></w:p></w:body></w:document>"
).encode()
# The limit in Vietnamese, as the message must name it (filesizeformat writes a no-break
# space before the unit).
UNPACKED_LIMIT = "50,0\xa0MB (52.428.800 byte)"


def docx(document_chunks=(DOCUMENT,), extra_parts=0):
    """A DOCX (as Word lays it out, so that it is sniffed as one) whose main part is written
    chunk by chunk: 200 MB of zeros never sit in memory at once."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        with archive.open("word/document.xml", "w") as part:
            for chunk in document_chunks:
                part.write(chunk)
        for number in range(extra_parts):
            archive.writestr(f"word/media/image{number}.png", b"x")
    return buffer.getvalue()


def zeros(megabytes):
    chunk = bytes(MB)
    return (chunk for _ in range(megabytes))


@pytest.fixture(scope="module")
def bomb():
    """200 KB that unpack to 200 MB."""
    return docx(zeros(200))


def declared_smaller(archive, name, size):
    """The archive with ``name``'s uncompressed size rewritten to ``size`` in its local
    header and in the central directory: a bomb that lies about what it holds."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        entry, central = opened.getinfo(name), opened.start_dir
    struct.pack_into("<I", data, entry.header_offset + 22, size)
    while data[central + 46 : central + 46 + len(name)] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, size)
    return bytes(data)


def upload(content, name="to-khai.docx"):
    return SimpleUploadedFile(name, content, content_type=DOCX)


def refusal(content, name="to-khai.docx"):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(content, name))
    [message] = refused.value.messages
    return message


class TestArchives:
    def test_a_normal_docx_is_accepted(self):
        content_type, digest = check_upload(upload(docx()))
        assert content_type == DOCX and len(digest) == 64

    def test_the_bomb_is_small_and_refused_by_what_it_unpacks_to(self, bomb):
        assert len(bomb) < 400 * 1024
        message = refusal(bomb)
        parts = len(CONTENT_TYPES) + len(RELS)
        assert message == (
            "Tệp “to-khai.docx” khi giải nén có dung lượng "
            f"200,0\xa0MB (209.715.{200 + parts} byte), vượt quá giới hạn {UNPACKED_LIMIT}."
        )

    def test_the_unpacked_limit_is_a_setting(self, settings):
        settings.ONESTOP_UPLOAD_MAX_UNPACKED_BYTES = 100
        assert "vượt quá giới hạn 100\xa0byte (100 byte)." in refusal(docx())

    def test_an_absurd_ratio_is_refused_below_the_size_limit(self):
        message = refusal(docx(zeros(4)))  # 4 MB in about 4 KB
        assert "khi giải nén lớn gấp" in message
        assert "tối đa 100 lần" in message

    def test_a_bomb_that_lies_about_its_size_fails_when_unpacked(self):
        liar = declared_smaller(docx(zeros(4)), "word/document.xml", 1000)
        assert zipfile.ZipFile(io.BytesIO(liar)).getinfo("word/document.xml").file_size == 1000
        assert refusal(liar) == "Tệp “to-khai.docx” bị hỏng, không mở được."

    def test_too_many_parts_are_refused(self, settings):
        settings.ONESTOP_UPLOAD_MAX_ENTRIES = 5
        check_upload(upload(docx(extra_parts=2)))  # five parts
        assert refusal(docx(extra_parts=3)) == (
            "Tệp “to-khai.docx” gồm 6 thành phần; một tài liệu chỉ được có tối đa 5."
        )

    def test_a_truncated_archive_is_refused_as_damaged(self):
        truncated = docx()[:-30]  # the central directory's end is gone; the start still sniffs
        assert refusal(truncated) == "Tệp “to-khai.docx” bị hỏng, không mở được."


class TestSizeMessage:
    def test_one_byte_over_the_limit_reads_differently_from_the_limit(self, settings):
        settings.ONESTOP_UPLOAD_MAX_BYTES = 10 * MB
        over = PDF + b"%" * (10 * MB + 1 - len(PDF))
        message = refusal(over, name="to-khai.pdf")
        assert message == (
            "Tệp “to-khai.pdf” có dung lượng 10,0\xa0MB (10.485.761 byte), "
            "vượt quá giới hạn 10,0\xa0MB (10.485.760 byte)."
        )


# --- every door ------------------------------------------------------------------------
# Each door posts one file and answers the messages it refused it with ([] when accepted).


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_errors(form):
    return [message for messages in form.errors.values() for message in messages]


def online_filing(world, make, client, api_client, file):
    world.procedure.handling_units.add(world.desk)
    document = RequiredDocumentFactory(procedure=world.procedure, name="Tờ khai", originals=1)
    client.force_login(world.citizen)
    data = {
        "receiving_unit": world.town.pk,
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
        "applicant_id_number": "001090000001",
        f"document_{document.pk}": file,
    }
    response = client.post(f"/dossiers/file/{world.procedure.code}/", data)
    return [] if response.status_code == 302 else form_errors(response.context["form"])


def counter_intake(world, make, client, api_client, file):
    client.force_login(world.desk_officer)
    data = {
        "procedure": "1.001193 — Đăng ký khai sinh",
        "channel": "counter",
        "applicant_kind": "person",
        "applicant_name": "Trần Thị Bích",
        "applicant_phone": "0912345678",
        "files": [file],
        **counter_checklist(),
    }
    response = client.post("/desk/intake/", data)
    return [] if response.status_code == 302 else form_errors(response.context["form"])


def api_intake(world, make, client, api_client, file):
    api_client.force_authenticate(world.desk_officer)
    body = {
        "procedure": "1.001193",
        "applicant.name": "Lê Thị Cúc",
        "applicant.phone": "0912345678",
        "files": [file],
    }
    response = api_client.post("/api/v1/dossiers/", body, format="multipart")
    return [] if response.status_code == 201 else response.json()["files"]


def api_supplement(world, make, client, api_client, file):
    dossier = make("supplement_requested")
    api_client.force_authenticate(world.citizen)
    body = {"note": "Bổ sung", "files": [file]}
    response = api_client.post(
        f"/api/v1/dossiers/{dossier.code}/supplement/", body, format="multipart"
    )
    return [] if response.status_code == 200 else response.json()["files"]


def supplement_page(world, make, client, api_client, file):
    dossier = make("supplement_requested")
    client.force_login(world.citizen)
    response = client.post(f"/dossiers/{dossier.code}/supplement/", {"files": [file]})
    if response.status_code == 302:
        return []
    return form_errors(response.context["forms"]["supplement"])


def result_upload(world, make, client, api_client, file):
    dossier = make("in_progress")
    client.force_login(world.specialist)
    response = client.post(f"/desk/dossiers/{dossier.code}/resolve/", {"resolve-files": [file]})
    if response.status_code == 302:
        return []
    [form] = [form for form in response.context["action_forms"] if form.action == "resolve"]
    return form_errors(form)


DOORS = [online_filing, counter_intake, api_intake, api_supplement, supplement_page, result_upload]


@pytest.mark.parametrize("door", DOORS)
def test_every_door_refuses_the_bomb_naming_the_limit(door, world, make, client, api_client, bomb):
    before = Attachment.objects.count()
    messages = door(world, make, client, api_client, upload(bomb, "don-de-nghi.docx"))
    assert len(messages) == 1, messages
    assert "“don-de-nghi.docx” khi giải nén" in messages[0]
    assert UNPACKED_LIMIT in messages[0]
    assert Attachment.objects.count() == before


@pytest.mark.parametrize("door", DOORS)
def test_every_door_still_takes_a_normal_docx(door, world, make, client, api_client):
    before = Attachment.objects.count()
    assert door(world, make, client, api_client, upload(docx(), "don-de-nghi.docx")) == []
    attachment = Attachment.objects.latest("pk")
    assert Attachment.objects.count() == before + 1
    assert (attachment.original_name, attachment.content_type) == ("don-de-nghi.docx", DOCX)
