"""Electronic results: the handling unit's PDF signed as the agency (PAdES, pyHanko), kept as
the dossier's result and in the applicant's store, and verified by anyone — valid, modified,
unknown signer or not signed — against the installation's trust roots."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pypdf import PdfReader

from demo.certificates import new_ca, write_agency_key
from dossiers.models import Attachment, AttachmentKind, CitizenDocument, DocumentSource
from dossiers.services.errors import TransitionError
from dossiers.services.results import issue_electronic_result, verify_issued, verify_upload
from dossiers.signing.sign import sign_pdf
from dossiers.signing.verify import State, verify_pdf
from tests.samples import png_upload, sample_pdf

VERIFY_URL = "http://testserver/verify/{}/"


@pytest.fixture(autouse=True)
def _in_english():
    # The refusals are matched by their English text.
    with translation.override("en"):
        yield


def verify_url_of(public_id):
    return VERIFY_URL.format(public_id)


def pdf_file(data, name="trich-luc.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def issued(world, dossier, data, actor=None):
    return issue_electronic_result(
        dossier, pdf_file(data), actor or world.specialist, verify_url_of
    )


def signed_bytes(result):
    with result.attachment.file.open("rb") as stored:
        return stored.read()


def one_byte_changed(data):
    """``data`` with one byte inside the signed first revision flipped."""
    changed = bytearray(data)
    position = data.index(b"stream") + 40
    changed[position] ^= 0x01
    return bytes(changed)


# --- signing ------------------------------------------------------------------------------


def test_a_result_is_signed_as_the_agency_and_verifies_valid(world, make, keys, result_pdf):
    dossier = make("in_progress")  # handled at the town's justice office
    result = issued(world, dossier, result_pdf)

    assert result.agency == world.town  # the office's results are the committee's
    assert result.attachment.kind == AttachmentKind.RESULT
    assert result.attachment.content_type == "application/pdf"
    data = signed_bytes(result)
    assert data.startswith(result_pdf)  # an incremental signature: the document as given
    verdict = verify_pdf(data)
    assert verdict.state == State.VALID
    assert world.town.name in verdict.signer
    assert verdict.certificate_sha256 == result.certificate_sha256
    assert abs((verdict.signed_at - result.signed_at).total_seconds()) < 5


def test_the_stamp_names_the_agency_and_links_to_the_verification(world, make, keys, result_pdf):
    result = issued(world, make("in_progress"), result_pdf)
    reader = PdfReader(io.BytesIO(signed_bytes(result)))
    assert len(reader.pages) == 2
    last = reader.pages[-1]
    widgets = [annotation.get_object() for annotation in last.get("/Annots", [])]
    stamp = next(widget for widget in widgets if widget.get("/FT") == "/Sig")
    assert [round(float(edge)) for edge in stamp["/Rect"]] == [300, 28, 570, 108]
    appearance = stamp["/AP"]["/N"].get_object()
    assert appearance.get_data()  # drawn: the text and the QR code are in its stream
    links = [widget for widget in widgets if widget.get("/Subtype") == "/Link"]
    assert links[0]["/A"]["/URI"] == verify_url_of(result.public_id)


def test_one_byte_changed_after_signing_is_modified(world, make, keys, result_pdf):
    data = signed_bytes(issued(world, make("in_progress"), result_pdf))
    assert verify_pdf(one_byte_changed(data)).state == State.MODIFIED


def test_a_page_added_after_signing_is_modified(world, make, keys, result_pdf):
    from pypdf import PdfWriter

    data = signed_bytes(issued(world, make("in_progress"), result_pdf))
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_blank_page()
    appended = io.BytesIO()
    writer.write(appended)
    assert verify_pdf(appended.getvalue()).state == State.MODIFIED


def test_a_pdf_signed_by_an_unknown_ca_is_an_unknown_signer(
    world, keys, result_pdf, settings, tmp_path
):
    trusted = settings.SIGNING_KEYS_DIR
    settings.SIGNING_KEYS_DIR = tmp_path / "forged"
    settings.SIGNING_KEYS_DIR.mkdir()
    stranger_key, stranger = new_ca("Some other CA")
    write_agency_key(world.town, stranger_key, stranger)  # the town's very name, another CA
    forged = sign_pdf(result_pdf, world.town, verify_url_of("x")).data
    settings.SIGNING_KEYS_DIR = trusted

    verdict = verify_pdf(forged)
    assert verdict.state == State.UNKNOWN_SIGNER
    assert world.town.name in verdict.signer


def test_no_trust_roots_make_every_signer_unknown(world, make, keys, result_pdf, settings):
    data = signed_bytes(issued(world, make("in_progress"), result_pdf))
    settings.SIGNING_TRUST_ROOTS = [str(keys / "missing.pem")]
    assert verify_pdf(data).state == State.UNKNOWN_SIGNER


def test_an_unsigned_pdf_says_so(result_pdf):
    assert verify_pdf(result_pdf).state == State.UNSIGNED


# --- who, when and what ---------------------------------------------------------------------


@pytest.mark.parametrize("person", ["desk_officer", "citizen", "ward_specialist"])
def test_only_the_handling_unit_issues_its_results(world, make, keys, result_pdf, person):
    dossier = make("in_progress")
    with pytest.raises(TransitionError, match="handling unit"):
        issued(world, dossier, result_pdf, actor=getattr(world, person))
    assert not Attachment.objects.filter(dossier=dossier, kind=AttachmentKind.RESULT).exists()


@pytest.mark.parametrize("status", ["received", "awaiting_payment", "returned"])
def test_a_result_is_issued_only_while_handled_or_waiting_at_the_desk(
    world, make, keys, result_pdf, status
):
    with pytest.raises(TransitionError, match="being handled"):
        issued(world, make(status), result_pdf, actor=world.admin)


def test_a_resolved_dossier_may_still_receive_its_electronic_result(world, make, keys, result_pdf):
    assert issued(world, make("resolved"), result_pdf).pk


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: png_upload(), "not a PDF"),
        (lambda: pdf_file(b"%PDF-1.7\n" + b"\x00garbage" * 40), "damaged or protected"),
        (lambda: pdf_file(b""), "empty"),
    ],
)
def test_a_file_that_is_no_signable_pdf_is_refused_on_the_file(world, make, keys, upload, message):
    dossier = make("in_progress")
    with pytest.raises(TransitionError, match=message) as refused:
        issue_electronic_result(dossier, upload(), world.specialist, verify_url_of)
    assert refused.value.field == "file"
    assert not dossier.electronic_results.exists()


def test_an_agency_without_a_key_cannot_sign_and_nothing_is_kept(
    world, make, result_pdf, settings, tmp_path
):
    settings.SIGNING_KEYS_DIR = tmp_path / "empty"
    dossier = make("in_progress")
    with pytest.raises(TransitionError, match="no signing certificate"):
        issued(world, dossier, result_pdf)
    assert not Attachment.objects.filter(dossier=dossier, kind=AttachmentKind.RESULT).exists()


def test_a_key_with_the_wrong_password_is_named(world, make, keys, result_pdf, settings):
    settings.SIGNING_KEY_PASSWORD = "not-the-one"
    with pytest.raises(TransitionError, match="check its password"):
        issued(world, make("in_progress"), result_pdf)


# --- delivered to the citizen --------------------------------------------------------------


def test_the_result_lands_in_the_applicants_store(world, make, keys, result_pdf):
    dossier = make("in_progress")
    result = issued(world, dossier, result_pdf)
    stored = CitizenDocument.objects.visible_to(world.citizen).get()
    assert stored.source == DocumentSource.ELECTRONIC_RESULT
    assert stored.number == dossier.code
    assert stored.issuer == world.town.name
    assert stored.sha256 == result.attachment.sha256
    assert stored.file.name == result.attachment.file.name  # the same file, no copy
    assert not CitizenDocument.objects.visible_to(world.other_citizen).exists()


def test_a_walk_in_applicant_without_an_account_has_no_store_to_fill(
    world, keys, result_pdf, clock
):
    from dossiers.services import transitions
    from dossiers.services.intake import intake_at_counter
    from tests.dossiers.conftest import intake

    dossier = intake_at_counter(world.desk_officer, intake(world))
    dossier = transitions.transfer(dossier, world.admin, to_unit=world.justice)
    issued(world, dossier, result_pdf)
    assert not CitizenDocument.objects.exists()


# --- verification -----------------------------------------------------------------------------


def test_an_uploaded_copy_of_an_issued_result_is_recognised(world, make, keys, result_pdf):
    result = issued(world, make("in_progress"), result_pdf)
    verification = verify_upload(pdf_file(signed_bytes(result)))
    assert verification.verdict.state == State.VALID
    assert verification.result == result


def test_a_modified_copy_is_modified_and_not_the_issued_result(world, make, keys, result_pdf):
    result = issued(world, make("in_progress"), result_pdf)
    verification = verify_upload(pdf_file(one_byte_changed(signed_bytes(result))))
    assert verification.verdict.state == State.MODIFIED
    assert verification.result is None


def test_the_issued_result_is_verified_as_the_portal_keeps_it(world, make, keys, result_pdf):
    result = issued(world, make("in_progress"), result_pdf)
    verification = verify_issued(result.public_id)
    assert (verification.verdict.state, verification.result) == (State.VALID, result)


def test_a_damaged_pdf_is_refused_on_the_file():
    damaged = pdf_file(sample_pdf()[:60])
    with pytest.raises(TransitionError) as refused:
        verify_upload(damaged)
    assert refused.value.field == "file"
