"""The national payload of a dossier and of a processing step (NATIONAL.md §2): every value
a string, times ``yyyyMMddHHmmss`` in Hà Nội time, statuses as the national codes. Built
when the change happens, so each message says what was true then."""

from django.utils import timezone

from dossiers.models import ApplicantKind
from dossiers.words import action_label, person
from dossiers.workflow import NATIONAL_CODES
from procedures.models import Channel

CHANNEL_CODES = {Channel.COUNTER: "1", Channel.ONLINE: "2", Channel.POST: "3"}
APPLICANT_CODES = {ApplicantKind.PERSON: "1", ApplicantKind.ORGANISATION: "2"}


def national_time(moment):
    return timezone.localtime(moment).strftime("%Y%m%d%H%M%S") if moment else ""


def dossier_payload(dossier):
    """``HoSo`` of ``DongBoHoSoMC``."""
    procedure = dossier.procedure
    components = list(dossier.components.all())
    return {
        "MaHoSo": dossier.code,
        "MaHoSoQG": dossier.external_code,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.field.code,
        "TenLinhVuc": procedure.field.name,
        "DonViXuLy": dossier.handling_unit.code,
        "KenhThucHien": CHANNEL_CODES.get(dossier.channel, "1"),
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": APPLICANT_CODES.get(dossier.applicant_kind, "4"),
        "SoGiayToChuHoSo": dossier.applicant_id_number,
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": dossier.summary[:500],
        "NgayNopHoSo": national_time(dossier.submitted_at),
        "NgayTiepNhan": national_time(dossier.received_at),
        "NgayHenTra": national_time(dossier.appointment_at or dossier.due_at),
        "NgayKetThucXuLy": national_time(dossier.resolved_at),
        "NgayTra": national_time(dossier.returned_at),
        "TrangThaiHoSo": str(NATIONAL_CODES[dossier.status]),
        "HoSoCoThanhPhanSoHoa": "1" if any(c.digitised for c in components) else "0",
        "TaiLieuNop": [_paper(component) for component in components if component.handed_over],
        "DanhSachHoSoBoSung": [_supplement(s) for s in dossier.supplements.all()],
        "DanhSachLePhi": [],
        "DanhSachGiayToKetQua": [],
        "DuocThanhToanTrucTuyen": "0",
    }


def _paper(component):
    return {
        "TepDinhKemId": str(component.scan_id or ""),
        "TenTepDinhKem": component.name[:300],
        "MaThanhPhanHoSo": str(component.document_id or ""),
        "DuocSoHoa": "1" if component.digitised else "0",
        "DuocTaiSuDung": "1" if component.reused else "0",
        "DuocLayTuKhoDMQG": "0",
    }


def _supplement(request):
    return {
        "NgayYeuCauBoSung": national_time(request.requested_at),
        "NgayTiepNhanBoSung": national_time(request.fulfilled_at),
        "NoiDungYeuCauBoSung": request.reason[:500],
    }


def step_payload(dossier, event):
    """One ``CapNhatTienDoHoSoMC`` entry for the transition ``event``. Only what the
    national portal should show: the action, never the officers' internal notes."""
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": person(event.actor) or "Hệ thống",
        "ChucDanh": "",
        "ThoiDiemXuLy": national_time(event.at),
        "PhongBanXuLy": event.to_unit.name if event.to_unit_id else "",
        "NoiDungXuLy": str(action_label(event.action)),
        "TrangThai": str(NATIONAL_CODES[event.to_status]),
        "NgayBatDau": national_time(event.at),
        "NgayKetThucTheoQuyDinh": national_time(event.step_due_at or event.due_at),
    }
