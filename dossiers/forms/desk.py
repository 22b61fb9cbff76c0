"""Forms of the desk screens: counter intake and the filters of the desk lists and the
logbook. The workflow actions' forms are in desk_actions.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from core.validators import ID_OR_TAX_CODE, NAME, PHONE, NormalisedFormField
from procedures.models import LIMIT_UNIT_CHOICES, Channel, Procedure

from ..applicants import Applicant, applicant_id_validator
from ..models import ApplicantKind, Exemption, PaperForm, Status
from ..selectors import scope_units
from ..services.attachments import Upload
from ..services.components import (
    ComponentEntry,
    ComponentsError,
    DeskLimit,
    papers_of,
    usual_count,
    usual_form,
)
from ..services.errors import TransitionError
from ..services.intake import Intake, intake_at_counter
from ..uploads import check_upload
from .counter_store import CounterStoreMixin
from .fields import KeepsUploads, ServiceFormMixin, UploadsField

# Datalist options read "1.001193 — Đăng ký khai sinh"; what precedes the dash is the code.
PROCEDURE_LABEL_SEPARATOR = " — "


def procedure_label(code, name):
    return f"{code}{PROCEDURE_LABEL_SEPARATOR}{name}"


class ProcedureField(forms.CharField):
    """A published procedure typed or picked by code, "code — name" or its exact name."""

    default_error_messages = {
        "required": _("Choose the procedure."),
        "unknown": _("No published procedure has the code or name “%(text)s”."),
        "ambiguous": _("Several procedures match “%(text)s”; pick one from the list."),
    }

    def clean(self, value):
        text = super().clean(value)
        code = text.split(PROCEDURE_LABEL_SEPARATOR, 1)[0].strip()
        published = Procedure.objects.published()
        matches = list(published.filter(code=code)[:1])
        matches = matches or list(published.filter(name__iexact=text)[:2])
        matches = matches or list(published.search(text)[:2])
        if not matches:
            raise ValidationError(self.error_messages["unknown"], params={"text": text})
        if len(matches) > 1:
            raise ValidationError(self.error_messages["ambiguous"], params={"text": text})
        return matches[0]


class IntakeForm(CounterStoreMixin, KeepsUploads, ServiceFormMixin, forms.Form):
    """The counter intake form, in the order the officer reads the paper application."""

    procedure = ProcedureField(
        label=_("Procedure"),
        max_length=700,
        widget=forms.TextInput(
            attrs={
                "list": "procedure-options",
                "autofocus": True,
                "autocomplete": "off",
                "placeholder": _("Type the procedure's code or name"),
            }
        ),
    )
    channel = forms.ChoiceField(
        label=_("Received via"),
        choices=[(Channel.COUNTER, Channel.COUNTER.label), (Channel.POST, Channel.POST.label)],
        initial=Channel.COUNTER,
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant type"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON
    )
    applicant_name = NormalisedFormField(
        NAME,
        label=_("Applicant's full name"),
        error_messages={"required": _("Enter the applicant's full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    applicant_phone = NormalisedFormField(
        PHONE,
        label=_("Phone"),
        error_messages={"required": _("Enter the applicant's phone number.")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    applicant_id_number = NormalisedFormField(
        ID_OR_TAX_CODE,
        label=_("Citizen ID / tax number"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address, e.g. an@example.vn.")},
    )
    applicant_address = forms.CharField(label=_("Address"), max_length=255, required=False)
    summary = forms.CharField(
        label=_("Request"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = UploadsField(
        label=_("Other scanned documents"),
        help_text=_("Optional. PDF, JPEG, PNG or DOCX; several files at once."),
    )
    # Only for a procedure whose record states no time limit (see the template).
    limit_amount = forms.DecimalField(
        label=_("Time limit set by the desk"), required=False, min_value=0, max_digits=7
    )
    limit_unit = forms.ChoiceField(
        label=_("Time limit unit"), choices=[("", "—"), *LIMIT_UNIT_CHOICES], required=False
    )
    limit_reason = forms.CharField(
        label=_("Reason for the time limit"), required=False, max_length=2000
    )
    checklist_for = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = self._posted_procedure()
        self.papers = papers_of(self.procedure) if self.procedure else []
        self._add_checklist()
        self._add_store_fields()
        self.restore_kept_uploads(owner)

    # --- the checklist: one row per paper of the chosen procedure ----------------------

    def _posted_procedure(self):
        text = (self.data.get("procedure") or "").strip() if self.is_bound else ""
        if not text:
            return None
        try:
            return self.fields["procedure"].clean(text)
        except ValidationError:
            return None

    def _add_checklist(self):
        shown = self.procedure is not None and self.data.get("checklist_for") == str(
            self.procedure.pk
        )
        if self.procedure is not None and not shown:
            # First time this procedure's checklist is shown: the usual answers filled in.
            self.data = self.data.copy()
            self.data["checklist_for"] = str(self.procedure.pk)
            for paper in self.papers:
                if paper.is_required:
                    self.data[row_name(paper, "handed")] = "on"
                self.data[row_name(paper, "form")] = usual_form(paper)
                self.data[row_name(paper, "count")] = str(usual_count(paper))
        self.checklist_pending = self.procedure is not None and not shown
        for paper in self.papers:
            self.fields[row_name(paper, "handed")] = forms.BooleanField(
                label=paper.name, required=False
            )
            self.fields[row_name(paper, "form")] = forms.ChoiceField(
                label=_("Form"), choices=PaperForm.choices
            )
            self.fields[row_name(paper, "count")] = forms.IntegerField(
                label=_("Count"), min_value=1, max_value=100
            )
            self.fields[row_name(paper, "scan")] = forms.FileField(label=_("Scan"), required=False)
            self.fields[row_name(paper, "reused")] = forms.BooleanField(
                label=_("Reuse existing data"), required=False
            )
            self.fields[row_name(paper, "exempt")] = forms.ChoiceField(
                label=_("Why no scan is needed"),
                choices=[("", "—"), *Exemption.choices],
                required=False,
            )

    def checklist(self):
        """(paper, handed, form, count, scan, reused, exempt, stored) bound fields, one row
        per paper; ``stored`` is None until the applicant's store is shown."""
        return [
            (paper, *(self[row_name(paper, part)] for part in ROW_PARTS), self.stored_field(paper))
            for paper in self.papers
        ]

    @property
    def needs_limit(self):
        return self.procedure is not None and not self.procedure.states_limit_for(
            self.data.get("channel") or Channel.COUNTER
        )

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "checklist_pending", False):
            raise ValidationError(
                _("Check the documents handed over for this procedure, then receive it.")
            )
        self._clean_store()
        for paper in self.papers:
            scan = cleaned.get(row_name(paper, "scan"))
            if scan:
                try:
                    check_upload(scan)
                except ValidationError as error:
                    self.add_error(row_name(paper, "scan"), error)
        number, kind = cleaned.get("applicant_id_number"), cleaned.get("applicant_kind")
        if number and kind:
            try:
                applicant_id_validator(kind)(number)
            except ValidationError as error:
                self.add_error("applicant_id_number", error)
        return cleaned

    def submit(self, officer):
        """The received dossier, or None with the service's objection on the form."""
        data = self.cleaned_data
        intake = Intake(
            procedure=data["procedure"],
            applicant=Applicant.from_form(data),
            summary=data["summary"],
            uploads=[Upload(file) for file in data["files"]],
            components=[
                ComponentEntry(
                    document=paper,
                    handed_over=data[row_name(paper, "handed")],
                    form=data[row_name(paper, "form")],
                    count=data[row_name(paper, "count")],
                    scan=data.get(row_name(paper, "scan")) or None,
                    reused=data[row_name(paper, "reused")],
                    exemption=data[row_name(paper, "exempt")],
                )
                for paper in self.papers
            ],
            desk_limit=self._desk_limit(data),
            reuses=self.store_reuses(),
            consent=data["store_consent"],
        )
        try:
            return intake_at_counter(
                officer, intake, channel=data["channel"], applicant_user=self.store_account
            )
        except ComponentsError as error:
            for key, found in error.errors.items():
                name = f"doc_{key}_handed"
                for message in found:
                    self.add_error(name if name in self.fields else None, message)
            return None
        except TransitionError as error:
            self.add_transition_error(error)
            return None

    def _desk_limit(self, data):
        if data.get("limit_amount") is None and not data.get("limit_unit"):
            return None
        return DeskLimit(data.get("limit_amount"), data.get("limit_unit"), data["limit_reason"])


ROW_PARTS = ("handed", "form", "count", "scan", "reused", "exempt")


def row_name(paper, part):
    return f"doc_{paper.pk}_{part}"


# --- list filters ---------------------------------------------------------------------


class DeskListForm(forms.Form):
    """Filters of the due-soon and overdue lists; a bad value is reported and ignored."""

    SORTS = {"due": ("due_at", "pk"), "-due": ("-due_at", "-pk")}

    unit = forms.ModelChoiceField(
        label=_("Unit handling it"),
        queryset=Unit.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All units"),
        error_messages={"invalid_choice": _("There is no unit “%(value)s” in your scope.")},
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=[("due", _("Due time, earliest first")), ("-due", _("Due time, latest first"))],
        required=False,
    )

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def apply(self, queryset):
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("unit"):
            queryset = queryset.filter(handling_unit=data["unit"])
        return queryset.order_by(*self.SORTS[data.get("sort") or "due"])


class LogbookFilterForm(forms.Form):
    """The logbook's period (by reception date, both days included), status and unit."""

    date_from = forms.DateField(
        label=_("Received from"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Received to"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Status.choices],
    )
    unit = forms.ModelChoiceField(
        label=_("Receiving unit"),
        required=False,
        queryset=Unit.objects.none(),
        to_field_name="code",
        empty_label=_("All my units"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope_units(user)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        return cleaned
