"""The citizen's data download (/dossiers/mine/data/): one ZIP with data.json — their
account, their dossiers as they may see them, the read log — and their papers; never
another citizen's."""

import io
import json
import zipfile

import pytest

from dossiers.models import Dossier
from dossiers.services import transitions
from dossiers.services.attachments import attach
from dossiers.services.intake import intake_at_counter
from dossiers.services.store import StoredPaper, add_document
from tests.dossiers.conftest import intake
from tests.samples import pdf_upload, sample_pdf
from tests.world import OTHER_CITIZEN_PHONE

URL = "/dossiers/mine/data/"


@pytest.fixture
def papers(make, world):
    """Two dossiers of An's (one with a paper, moved on with an internal routing note, then
    read by the desk), and one of another citizen's with its own paper."""
    first = make("in_progress")
    attach(first, pdf_upload("to-khai.pdf"), "application", world.desk_officer)
    transitions.transfer(first, world.admin, to_unit=world.ward, note="Chuyển lãnh đạo xử lý")
    second = make("received")
    other = intake_at_counter(
        world.desk_officer,
        intake(world, name="Trần Văn Bình", phone=OTHER_CITIZEN_PHONE, id_number="001090000002"),
        applicant_user=world.other_citizen,
    )
    attach(other, pdf_upload("cua-nguoi-khac.pdf"), "application", world.desk_officer)
    return {"first": first, "second": second, "other": other}


def download(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return archive, json.loads(archive.read("data.json"))


def test_holds_the_account_their_dossiers_and_their_papers(client, world, papers):
    client.force_login(world.desk_officer)
    client.get(f"/desk/dossiers/{papers['first'].code}/")
    archive, data = download(client, world.citizen)
    assert data["account"]["username"] == "citizen"
    assert data["account"]["phone"] == world.citizen.phone
    codes = [dossier["code"] for dossier in data["dossiers"]]
    assert codes == [papers["first"].code, papers["second"].code]
    first = data["dossiers"][0]
    assert first["applicant"]["id_number"] == "001090000001"
    assert [event["action"] for event in first["events"]] == ["intake", "transfer", "transfer"]
    # Internal notes stay inside, as on the dossier page.
    assert "Chuyển lãnh đạo xử lý" not in json.dumps(data, ensure_ascii=False)
    (paper,) = first["papers"]
    assert paper["in_archive"] is True
    assert archive.read(paper["file"]) == sample_pdf()
    (read,) = first["reads"]
    assert (read["kind"], read["unit"]) == ("Trang hồ sơ", "Bộ phận Một cửa")


def test_holds_nothing_of_another_citizen(client, world, papers):
    archive, data = download(client, world.citizen)
    text = json.dumps(data, ensure_ascii=False)
    assert papers["other"].code not in text
    assert "Trần Văn Bình" not in text
    assert not [name for name in archive.namelist() if "cua-nguoi-khac" in name]
    archive, data = download(client, world.other_citizen)
    assert [dossier["code"] for dossier in data["dossiers"]] == [papers["other"].code]


def test_holds_their_document_store_and_its_files(client, world, papers):
    mine = add_document(world.citizen, pdf_upload("khai-sinh.pdf"), StoredPaper("Giấy khai sinh"))
    add_document(world.other_citizen, pdf_upload("cua-binh.pdf"), StoredPaper("Hộ chiếu"))
    archive, data = download(client, world.citizen)
    (stored,) = data["document_store"]
    assert (stored["kind"], stored["sha256"]) == ("Giấy khai sinh", mine.sha256)
    assert stored["file"].startswith("store/")
    assert archive.read(stored["file"]) == sample_pdf()


def test_staff_get_only_the_dossiers_they_filed_themselves(client, world, papers):
    _archive, data = download(client, world.desk_officer)
    assert data["dossiers"] == []
    assert data["account"]["username"] == "desk"


def test_papers_beyond_the_cap_are_listed_not_packed(client, world, papers, settings):
    settings.PERSONAL_DATA_EXPORT_MAX_BYTES = 10
    archive, data = download(client, world.citizen)
    (paper,) = data["dossiers"][0]["papers"]
    assert paper["in_archive"] is False and "file" not in paper
    assert archive.namelist() == ["data.json"]


def test_anonymous_visitors_go_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_linked_from_the_citizens_pages(client, world, papers):
    client.force_login(world.citizen)
    assert f'href="{URL}"' in client.get("/dossiers/mine/").content.decode()
    page = client.get(f"/dossiers/{papers['first'].code}/").content.decode()
    assert f'href="{URL}"' in page


def test_an_erased_dossier_is_no_longer_theirs(client, world, papers):
    Dossier.objects.filter(pk=papers["second"].pk).update(applicant_user=None)
    _archive, data = download(client, world.citizen)
    assert [dossier["code"] for dossier in data["dossiers"]] == [papers["first"].code]
