"""Forms of the desk screens: counter intake, one small form per workflow action, and the
filters of the desk lists. Each action form hands its cleaned data to one service."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from core.models import Unit, User
from core.roles import Role
from core.validators import ID_OR_TAX_CODE, NAME, PHONE, NormalisedFormField
from procedures.models import Channel, Procedure

from . import services
from .applicants import applicant_id_validator
from .models import ApplicantKind
from .selectors import fresh_held_uploads
from .templatetags.dossier_tags import person
from .uploads import check_upload
from .workflow import Action

# A form shown again after a failure names each file it kept in a hidden "kept-<field>".
KEPT_PREFIX = "kept-"
# A kept file's "remove" box posts its key under this name.
DROP_KEPT = "drop-kept"
# Datalist options read "1.001193 — Đăng ký khai sinh"; what precedes the dash is the code.
PROCEDURE_LABEL_SEPARATOR = " — "
# Day/month/year as every Vietnamese form writes it, in either language.
DATETIME_FORMAT = "H:i d/m/Y"


def procedure_label(code, name):
    return f"{code}{PROCEDURE_LABEL_SEPARATOR}{name}"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class UploadsField(forms.FileField):
    """Any number of files, each checked by content and size (dossiers.uploads)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items and initial:
            return list(initial)  # kept from an earlier attempt (KeepsUploads)
        files = [super(UploadsField, self).clean(item) for item in items]
        files = [file for file in files if file]
        errors = []
        for file in files:
            try:
                check_upload(file)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files


class KeepsUploads:
    """A form whose uploads outlive its failure. When it fails for any reason, each newly
    chosen file that passed its checks is held for ``self.owner``
    (``services.hold_uploads``), and the form shown again carries a hidden
    ``kept-<field>`` with each held file's random key; posted back with no new file for
    that field, the held files are its value again. Choosing files anew replaces them; a
    kept file's "remove" box leaves it out.
    The form calls ``restore_kept_uploads(owner)`` once its fields are built; the view
    calls ``keep_uploads()`` after a failure and
    ``release_kept_uploads()`` after a success."""

    def upload_names(self):
        return [name for name, field in self.fields.items() if isinstance(field, forms.FileField)]

    def restore_kept_uploads(self, owner):
        self.owner = owner
        posted = {name: _values(self.data, KEPT_PREFIX + name) for name in self.upload_names()}
        found = fresh_held_uploads(self.owner, [key for keys in posted.values() for key in keys])
        dropped = set(_values(self.data, DROP_KEPT))  # left for the hourly sweep to delete
        self.kept = {}
        for name, keys in posted.items():
            held = [found[key] for key in keys if key in found and key not in dropped]
            if held:
                self.kept[name] = held
                reopened = [item.reopen() for item in held]
                multiple = isinstance(self.fields[name], UploadsField)
                self.initial[name] = reopened if multiple else reopened[0]

    def keep_uploads(self):
        for name in self.upload_names():
            if name in self.errors:
                self.kept.pop(name, None)  # its field asks for a file again
                continue
            chosen = [file for file in _values(self.files, name) if file]
            if chosen:
                self.kept[name] = services.hold_uploads(self.owner, chosen)

    def release_kept_uploads(self):
        services.release_held_uploads([item for held in self.kept.values() for item in held])


def _values(posted, name):
    """Every value posted under ``name`` (a plain dict holds one)."""
    values = posted.getlist(name) if hasattr(posted, "getlist") else [posted.get(name)]
    return [value for value in values if value]


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


class ServiceFormMixin:
    """Shows a service's TransitionError on the field it names, or above the form."""

    field_aliases = {"file": "files"}

    def add_transition_error(self, error):
        field = self.field_aliases.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)


class IntakeForm(KeepsUploads, ServiceFormMixin, forms.Form):
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
        label=_("Scanned documents"),
        help_text=_("Optional. PDF, JPEG, PNG or DOCX; several files at once."),
    )

    def __init__(self, *args, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.restore_kept_uploads(owner)

    def clean(self):
        cleaned = super().clean()
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
        intake = services.Intake(
            procedure=data["procedure"],
            applicant=services.Applicant(
                name=data["applicant_name"],
                phone=data["applicant_phone"],
                id_number=data["applicant_id_number"],
                email=data["applicant_email"],
                address=data["applicant_address"],
                kind=data["applicant_kind"],
            ),
            summary=data["summary"],
            uploads=[services.Upload(file) for file in data["files"]],
        )
        try:
            return services.intake_at_counter(officer, intake, channel=data["channel"])
        except services.TransitionError as error:
            self.add_transition_error(error)
            return None


# --- one form per action --------------------------------------------------------------


def _text_area(required_hint=False, rows=2):
    attrs = {"rows": rows}
    if required_hint:
        # The service owns the rule and its message; the attribute only spares a round trip.
        attrs["required"] = True
    return forms.Textarea(attrs=attrs)


class ActionForm(ServiceFormMixin, forms.Form):
    """A workflow action on one dossier. Subclasses name the action, their labels and
    ``perform`` — the one service call."""

    action = None
    title = ""
    button = ""
    done = _("Done.")
    # Final or heavy actions are styled apart so a stray Enter does not pick them.
    tone = "primary"

    def __init__(self, dossier, *args, **kwargs):
        kwargs.setdefault("prefix", str(self.action))
        super().__init__(*args, **kwargs)
        self.dossier = dossier

    def submit(self, actor):
        """The dossier as the service left it, or None with its objection on the form."""
        try:
            return self.perform(actor)
        except services.TransitionError as error:
            self.add_transition_error(error)
            return None

    def success_message(self, dossier):
        appointment = dossier.appointment_at
        return self.done % {
            "code": dossier.code,
            "unit": dossier.handling_unit.display_name,
            "appointment": date_format(localtime(appointment), DATETIME_FORMAT)
            if appointment
            else "—",
        }

    def perform(self, actor):
        raise NotImplementedError


class NoteActionForm(ActionForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=_text_area(rows=1)
    )


class ReasonActionForm(ActionForm):
    reason_label = _("Reason")
    tone = "danger"
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=4000, widget=_text_area(required_hint=True)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = self.reason_label


class ReceiveForm(NoteActionForm):
    action = Action.RECEIVE
    title = _("Receive")
    button = _("Receive the dossier")
    done = _("Dossier %(code)s received. Appointment: %(appointment)s.")

    def perform(self, actor):
        return services.receive(self.dossier, actor, note=self.cleaned_data["note"])


class RefuseForm(ReasonActionForm):
    action = Action.REFUSE
    title = _("Refuse")
    button = _("Refuse the dossier")
    reason_label = _("Reason for refusing")
    done = _("Dossier %(code)s refused.")

    def perform(self, actor):
        return services.refuse(self.dossier, actor, self.cleaned_data["reason"])


class RequestSupplementForm(ReasonActionForm):
    action = Action.REQUEST_SUPPLEMENT
    title = _("Request supplements")
    button = _("Send the supplement request")
    reason_label = _("Documents to supplement and why")
    tone = "secondary"
    done = _("Supplement request for dossier %(code)s recorded.")

    def perform(self, actor):
        return services.request_supplement(self.dossier, actor, self.cleaned_data["reason"])


class SupplementForm(NoteActionForm):
    """The applicant brings the missing documents to the counter."""

    action = Action.SUPPLEMENT
    title = _("Supplements received")
    button = _("Record the supplements")
    done = _("Supplements of dossier %(code)s recorded.")
    files = UploadsField(label=_("Supplemented documents"))

    def perform(self, actor):
        uploads = [services.Upload(file) for file in self.cleaned_data["files"]]
        return services.supplement(self.dossier, actor, self.cleaned_data["note"], uploads)


def _handling_staff(root):
    return (
        User.objects.filter(
            is_active=True,
            unit__path__startswith=root.path,
            groups__name__in=[Role.SPECIALIST, Role.UNIT_LEADER],
        )
        .select_related("unit")
        .distinct()
        .order_by("unit__path", "last_name", "first_name")
    )


class HandlerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{person(obj)} — {obj.unit.display_name}"


class TransferForm(NoteActionForm):
    action = Action.TRANSFER
    title = _("Transfer for handling")
    button = _("Transfer")
    done = _("Dossier %(code)s transferred to %(unit)s.")
    to_unit = forms.ModelChoiceField(
        label=_("To unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("The next step of the procedure's workflow"),
    )
    handler = HandlerChoiceField(
        label=_("Handling officer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Not assigned yet"),
    )

    def __init__(self, dossier, *args, **kwargs):
        super().__init__(dossier, *args, **kwargs)
        # Routing stays inside the tree of the unit that received the dossier.
        root = dossier.receiving_unit
        self.fields["to_unit"].queryset = Unit.objects.subtree(root).filter(is_active=True)
        self.fields["handler"].queryset = _handling_staff(root)
        self.order_fields(["to_unit", "handler", "note"])

    def perform(self, actor):
        data = self.cleaned_data
        return services.transfer(
            self.dossier, actor, to_unit=data["to_unit"], handler=data["handler"], note=data["note"]
        )


class RequestPaymentForm(NoteActionForm):
    action = Action.REQUEST_PAYMENT
    title = _("Request payment")
    button = _("Request the fees")
    tone = "secondary"
    done = _("Payment requested for dossier %(code)s; the clock is paused.")

    def perform(self, actor):
        return services.request_payment(self.dossier, actor, note=self.cleaned_data["note"])


class ConfirmPaymentForm(NoteActionForm):
    action = Action.CONFIRM_PAYMENT
    title = _("Confirm payment")
    button = _("Fees paid")
    done = _("Payment of dossier %(code)s confirmed; the clock runs again.")

    def perform(self, actor):
        return services.confirm_payment(self.dossier, actor, note=self.cleaned_data["note"])


class ResolveForm(NoteActionForm):
    action = Action.RESOLVE
    title = _("Result ready")
    button = _("Record the result")
    done = _("Result of dossier %(code)s recorded.")
    files = UploadsField(label=_("Result documents"))

    def perform(self, actor):
        uploads = [services.Upload(file) for file in self.cleaned_data["files"]]
        return services.resolve(
            self.dossier, actor, note=self.cleaned_data["note"], uploads=uploads
        )


class ReturnForm(NoteActionForm):
    action = Action.RETURN
    title = _("Return the result")
    button = _("Result handed over")
    done = _("Result of dossier %(code)s returned to the applicant.")

    def perform(self, actor):
        return services.return_result(self.dossier, actor, note=self.cleaned_data["note"])


class RequestWithdrawalForm(ReasonActionForm):
    """The applicant asks at the counter to withdraw the dossier."""

    action = Action.REQUEST_WITHDRAWAL
    title = _("Withdrawal requested")
    button = _("Record the withdrawal request")
    reason_label = _("Applicant's reason")
    done = _("Withdrawal request for dossier %(code)s recorded.")

    def perform(self, actor):
        return services.request_withdrawal(self.dossier, actor, self.cleaned_data["reason"])


class StopForm(ReasonActionForm):
    action = Action.STOP
    title = _("Stop handling")
    button = _("Stop handling")
    reason_label = _("Reason for stopping")
    done = _("Handling of dossier %(code)s stopped.")

    def perform(self, actor):
        return services.stop(self.dossier, actor, self.cleaned_data["reason"])


class ApologizeForm(ReasonActionForm):
    action = Action.APOLOGIZE
    title = _("Apology and new appointment")
    button = _("Issue the apology")
    reason_label = _("Reason for the delay")
    tone = "secondary"
    done = _("Apology for dossier %(code)s issued; new appointment %(appointment)s.")
    new_appointment_at = forms.DateTimeField(
        label=_("New appointment"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "required": _("Enter the new appointment date and time."),
            "invalid": _("Enter the date and time as dd/mm/yyyy hh:mm."),
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def perform(self, actor):
        data = self.cleaned_data
        return services.apologize(self.dossier, actor, data["reason"], data["new_appointment_at"])


ACTION_FORMS = {
    form.action: form
    for form in (
        ReceiveForm,
        RequestSupplementForm,
        RefuseForm,
        TransferForm,
        SupplementForm,
        RequestPaymentForm,
        ConfirmPaymentForm,
        ResolveForm,
        ReturnForm,
        ApologizeForm,
        RequestWithdrawalForm,
        StopForm,
    )
}
# The online queue offers the desk's check in place; everything else is on the dossier page.
QUEUE_ACTIONS = (Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE)


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
