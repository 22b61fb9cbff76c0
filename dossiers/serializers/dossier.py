"""What the dossier API answers: list rows, the detail and the timeline."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.models import Unit, User
from core.selectors import get_working_calendar
from core.serializers import ModelSerializer, Serializer
from core.validators import ID_OR_TAX_CODE, NAME, PHONE, NormalisedSerializerField
from procedures.models import Procedure

from ..applicants import applicant_id_validator
from ..models import (
    OPEN_STATUSES,
    Apology,
    ApplicantKind,
    Attachment,
    Dossier,
    DossierComponent,
    DossierEvent,
    DossierStep,
    Rating,
    SupplementRequest,
    is_fully_digitised,
)
from ..public_trail import public_trail, sees_whole_trail
from ..selectors import dossier_timeline
from ..services.clock import remaining_working_time
from ..words import describe_remaining, person
from ..workflow import ACTION_LABELS, NATIONAL_CODES, available_actions


class RemainingSerializer(Serializer):
    seconds = serializers.IntegerField(help_text=_("Working seconds left; negative when late."))
    text = serializers.CharField()


def national_code(status):
    return NATIONAL_CODES.get(status)


class DossierUnitSerializer(ModelSerializer):
    class Meta:
        model = Unit
        fields = ["code", "name"]


class DossierProcedureSerializer(ModelSerializer):
    class Meta:
        model = Procedure
        fields = ["code", "name"]


class DossierListSerializer(ModelSerializer):
    """One row of a list; the applicant's identity stays in the detail. Needs ``now`` in
    the context, so that every row of a page is judged at the same moment."""

    status_label = serializers.CharField(source="get_status_display")
    status_code = serializers.SerializerMethodField()
    procedure = DossierProcedureSerializer()
    receiving_unit = DossierUnitSerializer()
    handling_unit = DossierUnitSerializer()
    remaining = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = [
            "code",
            "status",
            "status_label",
            "status_code",
            "procedure",
            "receiving_unit",
            "handling_unit",
            "applicant_name",
            "channel",
            "received_at",
            "due_at",
            "appointment_at",
            "verdict",
            "remaining",
            "overdue",
        ]

    def get_status_code(self, dossier) -> int:
        return national_code(dossier.status)

    @extend_schema_field(RemainingSerializer(allow_null=True))
    def get_remaining(self, dossier):
        if dossier.due_at is None or dossier.status not in OPEN_STATUSES:
            return None
        left = remaining_working_time(dossier, self.context["now"], self.calendar)
        return {
            "seconds": int(left.total_seconds()),
            "text": describe_remaining(left, self.calendar),
        }

    @property
    def calendar(self):
        # One cache read per page rather than per row.
        if "calendar" not in self.context:
            self.context["calendar"] = get_working_calendar()
        return self.context["calendar"]

    def get_overdue(self, dossier) -> bool:
        return bool(
            dossier.clock_running and dossier.due_at and dossier.due_at < self.context["now"]
        )


class ApplicantSerializer(Serializer):
    """The applicant as given at intake, stored as core.validators spells it: the phone
    comes back as "0912345678", the name NFC without invisible characters."""

    kind = serializers.ChoiceField(choices=ApplicantKind.choices, default=ApplicantKind.PERSON)
    name = NormalisedSerializerField(NAME)
    phone = NormalisedSerializerField(PHONE)
    id_number = NormalisedSerializerField(
        ID_OR_TAX_CODE,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Citizens: the 12-digit CCCD. Organisations: the 10- or 13-digit tax code."),
    )
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        number = attrs.get("id_number")
        if number:
            try:
                applicant_id_validator(attrs["kind"])(number)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"id_number": error.messages}) from None
        return attrs


class DossierComponentSerializer(ModelSerializer):
    """A paper of the dossier and where its digitisation stands."""

    class Meta:
        model = DossierComponent
        fields = [
            "id",
            "name",
            "required",
            "handed_over",
            "form",
            "count",
            "scan",
            "digitised",
            "exemption",
            "digitised_at",
            "reused",
        ]


class AttachmentSerializer(ModelSerializer):
    name = serializers.CharField(source="original_name")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "kind", "name", "content_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        # Served by the permission-checking attachment view, never from MEDIA_URL.
        path = f"/attachments/{attachment.pk}/"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class SupplementRequestSerializer(ModelSerializer):
    class Meta:
        model = SupplementRequest
        fields = ["requested_at", "reason", "during_handling", "fulfilled_at", "fulfilled_note"]


class ApologySerializer(ModelSerializer):
    class Meta:
        model = Apology
        fields = ["issued_at", "reason", "previous_appointment_at", "new_appointment_at"]


class RatingSerializer(ModelSerializer):
    class Meta:
        model = Rating
        fields = ["level", "comment", "rated_at"]


class HandlerSerializer(ModelSerializer):
    name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["username", "name"]


class DossierStepSerializer(ModelSerializer):
    """One internal step: who holds it, since when, its due time and, once done, how."""

    unit = DossierUnitSerializer(allow_null=True)
    handler = HandlerSerializer(allow_null=True)

    class Meta:
        model = DossierStep
        fields = ["name", "unit", "handler", "started_at", "due_at", "finished_at", "verdict"]


class DossierTimeLimitSerializer(Serializer):
    amount = serializers.DecimalField(source="limit_amount", max_digits=7, decimal_places=2)
    unit = serializers.CharField(source="limit_unit")
    cutoff = serializers.TimeField(source="limit_cutoff", allow_null=True)


class DossierDetailSerializer(DossierListSerializer):
    """The whole dossier, as far as the requesting user may see it."""

    applicant = serializers.SerializerMethodField()
    handler = HandlerSerializer(allow_null=True)
    time_limit = DossierTimeLimitSerializer(source="*")
    attachments = AttachmentSerializer(many=True)
    supplements = SupplementRequestSerializer(many=True)
    apologies = ApologySerializer(many=True)
    steps = DossierStepSerializer(many=True)
    components = DossierComponentSerializer(many=True)
    fully_digitised = serializers.SerializerMethodField(
        help_text=_("Every paper received is scanned or exempt.")
    )
    rating = serializers.SerializerMethodField()
    available_actions = serializers.SerializerMethodField()

    class Meta(DossierListSerializer.Meta):
        fields = [
            *DossierListSerializer.Meta.fields,
            "applicant",
            "summary",
            "handler",
            "time_limit",
            "submitted_at",
            "paused_at",
            "resolved_at",
            "returned_at",
            "closed_at",
            "step_index",
            "step_due_at",
            "supplement_count",
            "apology_count",
            "attachments",
            "supplements",
            "apologies",
            "steps",
            "components",
            "fully_digitised",
            "rating",
            "available_actions",
        ]

    @extend_schema_field(ApplicantSerializer)
    def get_applicant(self, dossier):
        return {
            "kind": dossier.applicant_kind,
            "name": dossier.applicant_name,
            "phone": dossier.applicant_phone,
            "id_number": dossier.applicant_id_number,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        }

    def get_fully_digitised(self, dossier) -> bool:
        return is_fully_digitised(dossier)

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, dossier):
        rating = getattr(dossier, "rating", None)
        return RatingSerializer(rating).data if rating else None

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_actions(self, dossier):
        return [str(action) for action in available_actions(dossier, self.context["request"].user)]


class EventSerializer(ModelSerializer):
    """One line of the timeline (the tracking slip)."""

    action_label = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    from_status_code = serializers.SerializerMethodField()
    to_status_code = serializers.SerializerMethodField()
    from_unit = DossierUnitSerializer(allow_null=True)
    to_unit = DossierUnitSerializer(allow_null=True)
    step = serializers.CharField(source="step_name")

    class Meta:
        model = DossierEvent
        fields = [
            "action",
            "action_label",
            "actor",
            "at",
            "from_status",
            "from_status_code",
            "to_status",
            "to_status_code",
            "from_unit",
            "to_unit",
            "note",
            "due_at",
            "step",
            "step_due_at",
        ]

    def get_action_label(self, event) -> str:
        return str(ACTION_LABELS.get(event.action, event.action))

    def get_actor(self, event) -> str | None:
        return person(event.actor) or None

    def get_from_status_code(self, event) -> int | None:
        return national_code(event.from_status)

    def get_to_status_code(self, event) -> int | None:
        return national_code(event.to_status)


class ApplicantEventSerializer(EventSerializer):
    """An event of the public trail as the applicant reads it: the same shape, with no
    officer and only the notes written to the applicant."""

    note = serializers.CharField(source="public_note")

    def get_actor(self, event) -> str | None:
        return None


def timeline_data(user, dossier):
    """The dossier's timeline as ``user`` may read it: all of it for staff, the public
    trail for the applicant."""
    if sees_whole_trail(user):
        return EventSerializer(dossier_timeline(dossier), many=True).data
    return ApplicantEventSerializer(public_trail(dossier), many=True).data
