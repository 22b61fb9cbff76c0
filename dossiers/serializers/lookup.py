"""The public lookup: a dossier found by its code and the applicant's phone, shown with
no officer, no note and a masked name."""

from rest_framework import serializers

from core.serializers import ModelSerializer, Serializer
from core.validators import PHONE, NormalisedSerializerField

from ..models import Dossier, DossierEvent
from ..words import mask_name
from ..workflow import ACTION_LABELS
from .dossier import DossierProcedureSerializer, DossierUnitSerializer, national_code


class LookupQuerySerializer(Serializer):
    code = serializers.CharField(max_length=60)
    phone = NormalisedSerializerField(PHONE)


class PublicEventSerializer(ModelSerializer):
    """What anyone holding the receipt may see of an event: no officer, no note."""

    action_label = serializers.SerializerMethodField()
    status = serializers.CharField(source="to_status")
    status_label = serializers.CharField(source="get_to_status_display")
    status_code = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = ["action", "action_label", "at", "status", "status_label", "status_code"]

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
    events = PublicEventSerializer(many=True)

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
