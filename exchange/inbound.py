"""Dossiers pushed by the national portal (NATIONAL.md §3): the national payload checked
field by field, mapped to the procedure and the receiving unit, its files decoded and
checked like every upload, and filed through the dossier app's own intake — queued for
the desk's check exactly like the portal's own online filings."""

import base64
import binascii
import hmac

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from core.models import Unit
from core.serializers import Serializer
from dossiers.applicants import Applicant
from dossiers.services.attachments import Upload
from dossiers.services.intake import Intake
from procedures.models import Procedure

# Base64 of the largest upload, with room for its padding.
MAX_BASE64 = 4 * (10 * 1024 * 1024) // 3 + 4


def partner_of(key):
    """The partner whose credential is ``key`` (``NATIONAL_INBOUND_KEYS``), or None."""
    for entry in settings.NATIONAL_INBOUND_KEYS:
        name, _sep, secret = entry.partition(":")
        if secret and key and hmac.compare_digest(secret.encode(), key.encode()):
            return name
    return None


class FileSerializer(Serializer):
    TenTepDinhKem = serializers.CharField(max_length=255)
    Base64 = serializers.CharField(max_length=MAX_BASE64, trim_whitespace=True)

    def validate_Base64(self, value):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("This is not base64.")) from None


class NationalDossierSerializer(Serializer):
    MaHoSo = serializers.CharField(max_length=60, help_text=gettext_lazy("The national code."))
    MaTTHC = serializers.CharField(max_length=40)
    DonViTiepNhan = serializers.CharField(max_length=40, help_text=gettext_lazy("Unit code."))
    ChuHoSo = serializers.CharField(max_length=200)
    SoGiayToChuHoSo = serializers.CharField(max_length=20, required=False, allow_blank=True)
    SoDienThoai = serializers.CharField(max_length=20)
    Email = serializers.EmailField(required=False, allow_blank=True)
    DiaChi = serializers.CharField(max_length=255, required=False, allow_blank=True)
    TrichYeuHoSo = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    TaiLieuNop = FileSerializer(many=True, required=False)

    def validate_MaTTHC(self, value):
        procedure = Procedure.objects.filter(code=value.strip(), published=True).first()
        if procedure is None:
            raise serializers.ValidationError(_("No published procedure has this code."))
        return procedure

    def validate_DonViTiepNhan(self, value):
        unit = Unit.objects.filter(code=value.strip(), is_active=True).first()
        if unit is None:
            raise serializers.ValidationError(_("No unit of this installation has this code."))
        return unit

    def intake(self):
        data = self.validated_data
        applicant = Applicant(
            name=data["ChuHoSo"],
            phone=data["SoDienThoai"],
            id_number=data.get("SoGiayToChuHoSo", ""),
            email=data.get("Email", ""),
            address=data.get("DiaChi", ""),
        )
        uploads = [
            Upload(SimpleUploadedFile(item["TenTepDinhKem"], item["Base64"]))
            for item in data.get("TaiLieuNop", [])
        ]
        return Intake(
            procedure=data["MaTTHC"],
            applicant=applicant,
            summary=data.get("TrichYeuHoSo", ""),
            uploads=uploads,
        )
