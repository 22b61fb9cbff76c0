"""Serializers of the dossier API: list rows, the detail, the timeline, the public lookup,
and the bodies of intake and of each action. They validate and shape; services decide."""

from datetime import timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import workdays
from core.models import Unit, User
from core.selectors import get_working_calendar
from core.serializers import ModelSerializer, Serializer
from core.validators import ID_OR_TAX_CODE, NAME, PHONE, NormalisedSerializerField
from procedures.models import Channel, Procedure, RequiredDocument

from . import services
from .applicants import applicant_id_validator
from .models import (
    OPEN_STATUSES,
    Apology,
    ApplicantKind,
    Attachment,
    Dossier,
    DossierEvent,
    Rating,
    Satisfaction,
    SupplementRequest,
    service_unit,
)
from .uploads import check_upload
from .workflow import ACTION_LABELS, NATIONAL_CODES, available_actions

# --- names ----------------------------------------------------------------------------------


def mask_name(name):
    """The name as the public lookup shows it, "Nguyễn Văn An" → "Nguyễn V. A.": enough for
    the applicant to recognise, too little to identify anyone."""
    words = name.split()
    if len(words) < 2:
        return f"{words[0][0]}." if words else ""
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])])


# --- working time left ----------------------------------------------------------------------

# Plural forms by hand: Vietnamese has none, and the translation files are filled per msgid.
DURATION_UNITS = (
    (_("%(count)d day"), _("%(count)d days")),
    (_("%(count)d hour"), _("%(count)d hours")),
    (_("%(count)d minute"), _("%(count)d minutes")),
)


def describe_working_time(duration, calendar):
    """The two largest non-zero units of a working duration's magnitude: "2 ngày 3 giờ"."""
    counts = workdays.split_working_duration(calendar, duration)
    parts = [
        (one if count == 1 else many) % {"count": count}
        for count, (one, many) in zip(counts, DURATION_UNITS, strict=True)
        if count
    ]
    return " ".join(parts[:2]) or DURATION_UNITS[-1][1] % {"count": 0}


def describe_remaining(duration, calendar):
    if duration < timedelta(0):
        return _("Late by %(duration)s") % {"duration": describe_working_time(duration, calendar)}
    return describe_working_time(duration, calendar)


class RemainingSerializer(Serializer):
    seconds = serializers.IntegerField(help_text=_("Working seconds left; negative when late."))
    text = serializers.CharField()


def national_code(status):
    return NATIONAL_CODES.get(status)


# --- what the API answers -------------------------------------------------------------------


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
        left = services.remaining_working_time(dossier, self.context["now"], self.calendar)
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
        if event.actor is None:
            return None
        return event.actor.get_full_name() or event.actor.username

    def get_from_status_code(self, event) -> int | None:
        return national_code(event.from_status)

    def get_to_status_code(self, event) -> int | None:
        return national_code(event.to_status)


# --- the public lookup ----------------------------------------------------------------------


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


# --- request bodies -------------------------------------------------------------------------


class UploadsSerializer(Serializer):
    """``files`` (multipart) and optionally ``documents``: the id of the required document
    each file answers, in the same order. Validated into ``uploads`` for the services;
    every file is checked before anything is written, so a refused file leaves no trace."""

    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    documents = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=RequiredDocument.objects.all()),
        required=False,
        default=list,
    )

    def validate_files(self, files):
        refused = []
        for upload in files:
            try:
                check_upload(upload)
            except DjangoValidationError as error:
                refused.extend(error.messages)
        if refused:
            raise serializers.ValidationError(refused)
        return files

    def validate(self, attrs):
        files = attrs.pop("files", [])
        documents = attrs.pop("documents", [])
        if documents and len(documents) != len(files):
            raise serializers.ValidationError(
                {"documents": [_("Give one document per file, in the same order, or none.")]}
            )
        procedure = self.procedure_of(attrs)
        if any(document.procedure_id != procedure.pk for document in documents):
            raise serializers.ValidationError(
                {"documents": [_("This document is not part of this procedure's dossier.")]}
            )
        documents = documents or [None] * len(files)
        attrs["uploads"] = [
            services.Upload(file, document) for file, document in zip(files, documents, strict=True)
        ]
        return attrs

    def procedure_of(self, attrs):
        return self.context["dossier"].procedure


class DossierCreateSerializer(UploadsSerializer):
    """The body of ``POST /dossiers/``. Staff intake and online filing differ in who files
    and at which desk (see the two subclasses)."""

    procedure = serializers.CharField(max_length=40, help_text=_("Procedure code."))
    applicant = ApplicantSerializer()
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        help_text=_("Staff: counter (default) or post. Citizens: online."),
    )
    receiving_unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=_("Unit code of the desk; citizens choose among the procedure's desks."),
    )

    def validate_procedure(self, code):
        try:
            procedure = Procedure.objects.get(code=code.strip())
        except Procedure.DoesNotExist:
            raise serializers.ValidationError(_("There is no procedure with this code.")) from None
        if not procedure.published:
            raise serializers.ValidationError(_("This procedure is not open for filing."))
        return procedure

    def procedure_of(self, attrs):
        return attrs["procedure"]

    def intake(self, attrs):
        return services.Intake(
            procedure=attrs["procedure"],
            applicant=services.Applicant(**attrs["applicant"]),
            summary=attrs["summary"],
            uploads=attrs["uploads"],
        )


class CounterIntakeSerializer(DossierCreateSerializer):
    """A desk officer receives a dossier at the counter (or by post) for their own desk."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        channel = attrs.setdefault("channel", Channel.COUNTER)
        if channel == Channel.ONLINE:
            raise serializers.ValidationError(
                {"channel": [_("The desk receives at the counter or by post.")]}
            )
        unit = attrs.get("receiving_unit")
        if unit is not None and unit != service_unit(self.context["request"].user.unit):
            raise serializers.ValidationError(
                {"receiving_unit": [_("You can only receive dossiers for your own desk.")]}
            )
        return attrs

    def create(self, validated_data):
        return services.intake_at_counter(
            self.context["request"].user,
            self.intake(validated_data),
            channel=validated_data["channel"],
        )


class OnlineFilingSerializer(DossierCreateSerializer):
    """A citizen files online with one of the desks that receive the procedure."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("channel", Channel.ONLINE) != Channel.ONLINE:
            raise serializers.ValidationError(
                {"channel": [_("Citizens file online; bring paper dossiers to the desk.")]}
            )
        attrs["receiving_unit"] = self.desk_for(attrs["procedure"], attrs.get("receiving_unit"))
        return attrs

    def desk_for(self, procedure, chosen):
        desks = {service_unit(unit) for unit in procedure.handling_units.select_related("parent")}
        if chosen is None and len(desks) == 1:
            return desks.pop()
        if chosen is None:
            raise serializers.ValidationError(
                {"receiving_unit": [_("Choose the desk to file with.")]}
            )
        if chosen not in desks:
            raise serializers.ValidationError(
                {"receiving_unit": [_("This desk does not receive this procedure.")]}
            )
        return chosen

    def create(self, validated_data):
        return services.file_online(
            self.context["request"].user,
            self.intake(validated_data),
            validated_data["receiving_unit"],
        )


class NoteSerializer(Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ReasonSerializer(Serializer):
    reason = serializers.CharField(max_length=5000)


class NoteWithFilesSerializer(NoteSerializer, UploadsSerializer):
    pass


class TransferSerializer(NoteSerializer):
    to_unit = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=_("Unit code; by default the next workflow step's unit."),
    )
    # Whether this user may handle the dossier where it goes is the service's rule.
    handler = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.select_related("unit"),
        required=False,
        help_text=_(
            "Username of the officer who will handle it: an active specialist or unit leader "
            "of the unit the dossier goes to, or of a unit above it."
        ),
    )


class ApologyRequestSerializer(ReasonSerializer):
    new_appointment_at = serializers.DateTimeField()


class RateSerializer(Serializer):
    level = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
