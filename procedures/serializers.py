from datetime import time
from functools import lru_cache

from django.conf import settings
from django.utils.translation import get_language
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Unit
from core.workdays import LimitUnit

from .models import Field, Level, OnlineLevel, Procedure, RequiredDocument, WorkflowStep
from .records.amounts import plain_number
from .selectors import to_decimal
from .words import time_limit_words


class TimeLimitSerializer(serializers.Serializer):
    """A time limit: ``{"amount": "7", "unit": "working_days", "cutoff": null,
    "text": "7 ngày làm việc"}``; a same-day limit gives the cut-off it applies."""

    amount = serializers.CharField()
    unit = serializers.ChoiceField(choices=[unit.value for unit in LimitUnit])
    cutoff = serializers.CharField(allow_null=True, help_text="HH:MM, same_day only")
    text = serializers.CharField()


def time_limit_data(amount, unit, cutoff):
    if unit == LimitUnit.SAME_DAY and cutoff is None:
        cutoff = time.fromisoformat(settings.ONESTOP_SAME_DAY_CUTOFF)
    return dict(_time_limit_data(to_decimal(amount), unit, cutoff, get_language()))


@lru_cache(maxsize=512)
def _time_limit_data(amount, unit, cutoff, language):
    # A catalogue has a few dozen distinct limits; wording them once per language keeps
    # the list cheap (the language is part of the key because the text is translated).
    return {
        "amount": plain_number(amount),
        "unit": unit,
        "cutoff": cutoff.strftime("%H:%M") if unit == LimitUnit.SAME_DAY else None,
        "text": time_limit_words(amount, unit, cutoff),
    }


class ProcedureFieldSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class FieldSerializer(serializers.ModelSerializer):
    procedure_count = serializers.IntegerField(
        read_only=True, help_text="published procedures in the field"
    )

    class Meta:
        model = Field
        fields = ["code", "name", "order", "procedure_count"]


class HandlingUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name"]


class TimeLimitMixin:
    @extend_schema_field(TimeLimitSerializer)
    def get_time_limit(self, procedure):
        return time_limit_data(
            procedure.time_limit_amount, procedure.time_limit_unit, procedure.same_day_cutoff
        )


class ProcedureListSerializer(TimeLimitMixin, serializers.Serializer):
    """A catalogue row. Declared field by field rather than from the model: the list is
    the hot path, and this skips the model introspection on every request."""

    code = serializers.CharField()
    name = serializers.CharField()
    field = ProcedureFieldSerializer()
    level = serializers.ChoiceField(choices=Level.choices)
    time_limit = serializers.SerializerMethodField()
    online_level = serializers.ChoiceField(choices=OnlineLevel.choices)


class ProcedureFeeSerializer(serializers.Serializer):
    code = serializers.CharField(allow_blank=True)
    amount = serializers.CharField(allow_null=True)
    currency = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True)


class ChannelTermsSerializer(serializers.Serializer):
    channel = serializers.CharField()
    time_limit = TimeLimitSerializer()
    note = serializers.CharField(allow_blank=True)
    fees = ProcedureFeeSerializer(many=True)


class RequiredDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RequiredDocument
        fields = [
            "case",
            "name",
            "originals",
            "copies",
            "is_required",
            "form_name",
            "form_url",
            "form_file",
        ]


class WorkflowStepSerializer(serializers.ModelSerializer):
    unit = HandlingUnitSerializer(allow_null=True)

    class Meta:
        model = WorkflowStep
        fields = ["order", "name", "unit", "role", "share"]


class ProcedureDetailSerializer(TimeLimitMixin, serializers.ModelSerializer):
    field = ProcedureFieldSerializer()
    time_limit = serializers.SerializerMethodField()
    handling_units = HandlingUnitSerializer(many=True)
    channel_terms = serializers.SerializerMethodField()
    fees = serializers.SerializerMethodField()
    documents = RequiredDocumentSerializer(many=True)
    workflow = WorkflowStepSerializer(many=True)

    class Meta:
        model = Procedure
        fields = [
            *ProcedureListSerializer().fields,  # the catalogue row's fields come first
            "time_limit_note",
            "channel_terms",
            "fees",
            "applicant_type",
            "applicants",
            "kind",
            "handling_agency",
            "handling_units",
            "documents",
            "steps",
            "result",
            "conditions",
            "legal_basis",
            "related",
            "workflow",
            "inter_agency",
            "published",
            "publication_decision",
            "effective_date",
            "updated_at",
        ]

    @extend_schema_field(ChannelTermsSerializer(many=True))
    def get_channel_terms(self, procedure):
        """Each channel's limit (the default one where the channel states none) and fees."""
        terms = []
        for entry in procedure.channel_terms or []:
            if isinstance(entry, dict) and entry.get("channel"):
                amount, unit, cutoff = procedure.terms_for(entry["channel"])
                terms.append(
                    {
                        "channel": entry["channel"],
                        "time_limit": time_limit_data(amount, unit, cutoff),
                        "note": entry.get("note") or "",
                        "fees": entry.get("fees") or [],
                    }
                )
        return ChannelTermsSerializer(terms, many=True).data

    @extend_schema_field(ProcedureFeeSerializer)
    def get_fees(self, procedure):
        """The desk channel's fee in VND and the fee notes."""
        return {
            "code": "",
            "amount": plain_number(procedure.fee_amount),
            "currency": "VND",
            "description": procedure.fee_description,
        }
