"""The desk's forms of the workflow actions on one dossier: one small form per action,
each handing its cleaned data to one service."""

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from core.models import Unit, User
from core.roles import Role

from ..services import step_actions, transitions
from ..services.attachments import Upload
from ..services.errors import TransitionError
from ..words import person
from ..workflow import Action
from .fields import ServiceFormMixin, UploadsField

# Day/month/year as every Vietnamese form writes it, in either language.
DATETIME_FORMAT = "H:i d/m/Y"


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
        except TransitionError as error:
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
        return transitions.receive(self.dossier, actor, note=self.cleaned_data["note"])


class RefuseForm(ReasonActionForm):
    action = Action.REFUSE
    title = _("Refuse")
    button = _("Refuse the dossier")
    reason_label = _("Reason for refusing")
    done = _("Dossier %(code)s refused.")

    def perform(self, actor):
        return transitions.refuse(self.dossier, actor, self.cleaned_data["reason"])


class RequestSupplementForm(ReasonActionForm):
    action = Action.REQUEST_SUPPLEMENT
    title = _("Request supplements")
    button = _("Send the supplement request")
    reason_label = _("Documents to supplement and why")
    tone = "secondary"
    done = _("Supplement request for dossier %(code)s recorded.")

    def perform(self, actor):
        return transitions.request_supplement(self.dossier, actor, self.cleaned_data["reason"])


class SupplementForm(NoteActionForm):
    """The applicant brings the missing documents to the counter."""

    action = Action.SUPPLEMENT
    title = _("Supplements received")
    button = _("Record the supplements")
    done = _("Supplements of dossier %(code)s recorded.")
    files = UploadsField(label=_("Supplemented documents"))

    def perform(self, actor):
        uploads = [Upload(file) for file in self.cleaned_data["files"]]
        return transitions.supplement(self.dossier, actor, self.cleaned_data["note"], uploads)


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
        return transitions.transfer(
            self.dossier, actor, to_unit=data["to_unit"], handler=data["handler"], note=data["note"]
        )


class RequestPaymentForm(NoteActionForm):
    action = Action.REQUEST_PAYMENT
    title = _("Request payment")
    button = _("Request the fees")
    tone = "secondary"
    done = _("Payment requested for dossier %(code)s; the clock is paused.")

    def perform(self, actor):
        return transitions.request_payment(self.dossier, actor, note=self.cleaned_data["note"])


class ConfirmPaymentForm(NoteActionForm):
    action = Action.CONFIRM_PAYMENT
    title = _("Confirm payment")
    button = _("Fees paid")
    done = _("Payment of dossier %(code)s confirmed; the clock runs again.")

    def perform(self, actor):
        return transitions.confirm_payment(self.dossier, actor, note=self.cleaned_data["note"])


class ResolveForm(NoteActionForm):
    action = Action.RESOLVE
    title = _("Result ready")
    button = _("Record the result")
    done = _("Result of dossier %(code)s recorded.")
    files = UploadsField(label=_("Result documents"))

    def perform(self, actor):
        uploads = [Upload(file) for file in self.cleaned_data["files"]]
        return transitions.resolve(
            self.dossier, actor, note=self.cleaned_data["note"], uploads=uploads
        )


class ReturnForm(NoteActionForm):
    action = Action.RETURN
    title = _("Return the result")
    button = _("Result handed over")
    done = _("Result of dossier %(code)s returned to the applicant.")

    def perform(self, actor):
        return transitions.return_result(self.dossier, actor, note=self.cleaned_data["note"])


class RequestWithdrawalForm(ReasonActionForm):
    """The applicant asks at the counter to withdraw the dossier."""

    action = Action.REQUEST_WITHDRAWAL
    title = _("Withdrawal requested")
    button = _("Record the withdrawal request")
    reason_label = _("Applicant's reason")
    done = _("Withdrawal request for dossier %(code)s recorded.")

    def perform(self, actor):
        return transitions.request_withdrawal(self.dossier, actor, self.cleaned_data["reason"])


class StopForm(ReasonActionForm):
    action = Action.STOP
    title = _("Stop handling")
    button = _("Stop handling")
    reason_label = _("Reason for stopping")
    done = _("Handling of dossier %(code)s stopped.")

    def perform(self, actor):
        return transitions.stop(self.dossier, actor, self.cleaned_data["reason"])


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
        return transitions.apologize(
            self.dossier, actor, data["reason"], data["new_appointment_at"]
        )


class AssignForm(NoteActionForm):
    action = Action.ASSIGN
    title = _("Assign the step")
    button = _("Assign")
    tone = "secondary"
    done = _("The current step of dossier %(code)s has its handler.")
    # Required is the service's rule, so its message is the one shown.
    handler = HandlerChoiceField(
        label=_("Handling officer"), queryset=User.objects.none(), required=False
    )

    def __init__(self, dossier, *args, **kwargs):
        super().__init__(dossier, *args, **kwargs)
        self.fields["handler"].queryset = _handling_staff(dossier.receiving_unit)
        self.order_fields(["handler", "note"])

    def perform(self, actor):
        data = self.cleaned_data
        return step_actions.assign(self.dossier, actor, data["handler"], note=data["note"])


class CompleteStepForm(NoteActionForm):
    action = Action.COMPLETE_STEP
    title = _("Finish my step")
    button = _("Finish the step")
    done = _("Step finished; dossier %(code)s is now with %(unit)s.")

    def perform(self, actor):
        return step_actions.complete_step(self.dossier, actor, note=self.cleaned_data["note"])


class ApproveForm(NoteActionForm):
    action = Action.APPROVE
    title = _("Approve")
    button = _("Approve the result")
    done = _("Dossier %(code)s approved.")

    def perform(self, actor):
        return step_actions.approve(self.dossier, actor, note=self.cleaned_data["note"])


class ReturnForReworkForm(ReasonActionForm):
    action = Action.RETURN_FOR_REWORK
    title = _("Return for rework")
    button = _("Return to the previous step")
    reason_label = _("What to rework and why")
    tone = "secondary"
    done = _("Dossier %(code)s returned to the previous step.")

    def perform(self, actor):
        return step_actions.return_for_rework(self.dossier, actor, self.cleaned_data["reason"])


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
        AssignForm,
        CompleteStepForm,
        ApproveForm,
        ReturnForReworkForm,
    )
}
# The online queue offers the desk's check in place; everything else is on the dossier page.
QUEUE_ACTIONS = (Action.RECEIVE, Action.REQUEST_SUPPLEMENT, Action.REFUSE)
