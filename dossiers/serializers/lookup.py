"""The public lookup: a dossier found by its code and the applicant's phone, shown with
its public trail (no officer, only the notes written to the applicant) and a masked
name."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import ModelSerializer, Serializer
from core.validators import PHONE, NormalisedSerializerField

from ..models import Dossier, DossierEvent
from ..public_trail import public_trail
from ..words import mask_name
from ..workflow import ACTION_LABELS
from .dossier import DossierProcedureSerializer, DossierUnitSerializer, national_code


class LookupQuerySerializer(Serializer):
    code = serializers.CharField(max_length=60)
    phone = NormalisedSerializerField(PHONE)


class PublicEventSerializer(ModelSerializer):
    """What anyone holding the receipt may see of an event of the public trail: no
    officer; the note only when it was written to the applicant."""

    action_label = serializers.SerializerMethodField()
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")
    status_code = serializers.SerializerMethodField()
    note = serializers.CharField(source="public_note")

    class Meta:
        model = DossierEvent
        fields = ["action", "action_label", "at", "status", "status_label", "status_code", "note"]

    def get_action_label(self, event) -> str:
        return str(ACTION_LABELS.get(event.action, event.action))

    def get_status_code(self, event) -> int:
        return national_code(event.to_status)


class PublicDossierSerializer(ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    status_code = serializers.SerializerMethodField()
    procedure = DossierProcedureSerializer()
    receiving_unit = DossierUnitSerializer()
    applicant_name = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_label",
            "status_code",
            "procedure",
            "receiving_unit",
            "applicant_name",
            "submitted_at",
            "received_at",
            "appointment_at",
            "resolved_at",
            "returned_at",
            "events",
        ]

    def get_status_code(self, dossier) -> int:
        return national_code(dossier.status)

    def get_applicant_name(self, dossier) -> str:
        return mask_name(dossier.applicant_name)

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_events(self, dossier):
        return PublicEventSerializer(public_trail(dossier), many=True).data
