"""The bodies of the dossier API's requests: intake (counter or online) and each action.
They validate and shape; services decide."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import Unit, User
from core.serializers import Serializer
from procedures.models import LIMIT_UNIT_CHOICES, Channel, Procedure, RequiredDocument

from ..applicants import Applicant
from ..models import CitizenDocument, Exemption, PaperForm, Satisfaction, service_unit
from ..services import intake
from ..services.attachments import Upload
from ..services.components import ComponentEntry, ComponentsError, DeskLimit
from ..services.store import Reuse
from ..uploads import check_upload
from .dossier import ApplicantSerializer


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
            Upload(file, document) for file, document in zip(files, documents, strict=True)
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
        return intake.Intake(
            procedure=attrs["procedure"],
            applicant=Applicant(**attrs["applicant"]),
            summary=attrs["summary"],
            uploads=attrs["uploads"],
        )


class ComponentSerializer(Serializer):
    """One line of the desk's checklist: a paper of the procedure handed over."""

    document = serializers.PrimaryKeyRelatedField(
        queryset=RequiredDocument.objects.all(), help_text=_("Id of the required document.")
    )
    form = serializers.ChoiceField(choices=PaperForm.choices, required=False, default="")
    count = serializers.IntegerField(min_value=1, max_value=100, required=False, default=None)
    handed_over = serializers.BooleanField(required=False, default=True)
    reused = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Taken from data already held (counts as handed over, needs no scan)."),
    )
    exemption = serializers.ChoiceField(
        choices=Exemption.choices,
        required=False,
        default="",
        help_text=_("Why the paper needs no scan (Circular 03/2025)."),
    )


class CounterIntakeSerializer(DossierCreateSerializer):
    """A desk officer receives a dossier at the counter (or by post) for their own desk.
    With ``components`` the intake is a checklist: every required paper must be listed;
    without it, the papers with a file filed for them count as handed over."""

    components = ComponentSerializer(many=True, required=False)
    limit_amount = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        required=False,
        help_text=_("Only when the catalogue states no time limit: the desk's limit."),
    )
    limit_unit = serializers.ChoiceField(choices=LIMIT_UNIT_CHOICES, required=False)
    limit_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)

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
        body = self.intake(validated_data)
        components = validated_data.get("components")
        if components is not None:
            body.components = [ComponentEntry(**entry) for entry in components]
        if "limit_amount" in validated_data or "limit_unit" in validated_data:
            body.desk_limit = DeskLimit(
                validated_data.get("limit_amount"),
                validated_data.get("limit_unit", ""),
                validated_data.get("limit_reason", ""),
            )
        try:
            return intake.intake_at_counter(
                self.context["request"].user, body, channel=validated_data["channel"]
            )
        except ComponentsError as error:
            raise serializers.ValidationError(
                {"components": {str(key): found for key, found in error.errors.items()}}
            ) from None


class OwnDocumentField(serializers.PrimaryKeyRelatedField):
    """A document of the caller's own store: anyone else's does not exist for them."""

    def get_queryset(self):
        return CitizenDocument.objects.visible_to(self.context["request"].user)


class OnlineFilingSerializer(DossierCreateSerializer):
    """A citizen files online with one of the desks that receive the procedure. Papers
    kept in their document store are reused with ``reused_documents`` (ids of required
    documents) and ``stored_documents`` (ids in the store), in the same order."""

    reused_documents = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=RequiredDocument.objects.all()),
        required=False,
        default=list,
    )
    stored_documents = serializers.ListField(child=OwnDocumentField(), required=False, default=list)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("channel", Channel.ONLINE) != Channel.ONLINE:
            raise serializers.ValidationError(
                {"channel": [_("Citizens file online; bring paper dossiers to the desk.")]}
            )
        attrs["receiving_unit"] = self.desk_for(attrs["procedure"], attrs.get("receiving_unit"))
        if len(attrs["reused_documents"]) != len(attrs["stored_documents"]):
            raise serializers.ValidationError(
                {"stored_documents": [_("Give one stored document per reused paper.")]}
            )
        return attrs

    def desk_for(self, procedure, chosen):
        desks = set(intake.receiving_units(procedure))
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
        body = self.intake(validated_data)
        body.reuses = [
            Reuse(document, stored)
            for document, stored in zip(
                validated_data["reused_documents"], validated_data["stored_documents"], strict=True
            )
        ]
        return intake.file_online(
            self.context["request"].user, body, validated_data["receiving_unit"]
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


class AssignSerializer(NoteSerializer):
    # Whether this officer may handle the step is the service's rule.
    handler = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.select_related("unit"),
        help_text=_("Username of the officer who handles the current step."),
    )


class ApologyRequestSerializer(ReasonSerializer):
    new_appointment_at = serializers.DateTimeField()


class RateSerializer(Serializer):
    level = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
