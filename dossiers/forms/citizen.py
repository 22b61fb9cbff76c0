"""Forms of the citizen's pages: online filing, the answers a citizen gives on the dossier
page (supplement, withdrawal, rating) and the public lookup. The account forms are in
core/accounts/forms.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.accounts.fields import IdNumberField, NameField, PhoneField
from core.models import Unit
from procedures.search import fold

from ..applicants import Applicant
from ..models import CitizenDocument, Satisfaction
from ..selectors import find_for_lookup
from ..services.attachments import Upload
from ..services.intake import Intake
from ..services.store import Reuse
from .fields import UPLOAD_ACCEPT, KeepsUploads, UploadField, UploadsField

LOOKUP_NO_MATCH = _(
    "No dossier matches this code and phone number. Check both against your receipt and try again."
)


# --- online filing --------------------------------------------------------------------

# Scraped catalogues mix guidance into the document list: a "Lưu ý" case, or lines such as
# "Trường hợp … thì …" or "Đối với giấy tờ …:" with nothing to hand in.
NOTE_CASES = ("luu y", "ghi chu", "chu y")
NOTE_OPENINGS = (*NOTE_CASES, "truong hop", "doi voi", "nguoi tiep nhan", "co quan", "*")
# A document asked for only in some situations ("Trường hợp …", "… trong trường hợp ủy
# quyền", "(nếu có)") cannot be compulsory for everyone. "Giấy chứng sinh; trường hợp không
# có …" names an alternative, not a condition, so a mere "trường hợp" is not enough.
CONDITIONAL_OPENINGS = ("truong hop", "neu ")
CONDITIONAL_MARKS = ("trong truong hop", "(neu ", "neu co)")


def is_note(document):
    if fold(document.case).startswith(NOTE_CASES):
        return True
    name = fold(document.name)
    hands_in_nothing = document.originals + document.copies == 0
    return hands_in_nothing and (name.startswith(NOTE_OPENINGS) or name.endswith(":"))


def upload_required(document):
    name = fold(document.name)
    conditional = name.startswith(CONDITIONAL_OPENINGS) or any(
        mark in name for mark in CONDITIONAL_MARKS
    )
    return document.is_required and document.originals + document.copies > 0 and not conditional


class DocumentSlot:
    """One required document on the filing form: the catalogue entry, its upload field
    (None for guidance lines) and its choice from the citizen's store (None when empty)."""

    def __init__(self, document, field=None, reuse=None):
        self.document = document
        self.field = field
        self.reuse = reuse


class FilingForm(KeepsUploads, forms.Form):
    receiving_unit = forms.ModelChoiceField(
        label=_("Where to file"),
        queryset=Unit.objects.none(),
        empty_label=_("Choose the office that receives the dossier"),
        error_messages={
            "required": _("Choose the office that receives the dossier."),
            "invalid_choice": _("This office does not receive this procedure; choose another."),
        },
    )
    applicant_name = NameField(
        label=_("Full name"),
        error_messages={"required": _("Enter the applicant's full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    applicant_phone = PhoneField(
        label=_("Phone"),
        help_text=_("With the dossier code, it lets you follow the dossier on the lookup page."),
        error_messages={"required": _("Enter the applicant's phone number.")},
    )
    applicant_email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Enter a valid e-mail address, e.g. an@example.vn.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    applicant_id_number = IdNumberField()
    applicant_address = forms.CharField(
        label=_("Address"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    summary = forms.CharField(
        label=_("Your request"),
        max_length=2000,
        required=False,
        help_text=_("In a few words, e.g. “Birth registration for my son Nguyễn Văn Bình”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, procedure, units, owner, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.fields["receiving_unit"].queryset = units
        if len(units) == 1:
            self.fields["receiving_unit"].initial = units[0].pk
        self.stored = CitizenDocument.objects.visible_to(owner).order_by("kind", "-pk")
        self.slots = [self._slot(document) for document in procedure.documents.all()]
        if not any(slot.field for slot in self.slots):
            self.fields["document_any"] = UploadField(
                label=_("The dossier's documents"),
                error_messages={"required": _("Attach the dossier's documents.")},
            )
        self.restore_kept_uploads(owner)

    def _slot(self, document):
        if is_note(document):
            return DocumentSlot(document)
        name, reuse = f"document_{document.pk}", f"reuse_{document.pk}"
        self.fields[name] = UploadField(
            label=document.name,
            # A paper taken from the citizen's store needs no upload.
            required=upload_required(document) and not (self.stored and self.data.get(reuse)),
            error_messages={"required": _("Attach this document.")},
        )
        if not self.stored:
            return DocumentSlot(document, name)
        self.fields[reuse] = forms.ModelChoiceField(
            label=_("Or reuse from my document store"),
            queryset=self.stored,
            required=False,
            empty_label="—",
        )
        return DocumentSlot(document, name, reuse)

    def document_groups(self):
        """[(case, [(document, bound upload field, held file or None, bound store choice
        or None)], [guidance documents])] in catalogue order."""
        groups = {}
        for slot in self.slots:
            uploads, notes = groups.setdefault(slot.document.case.strip(), ([], []))
            if slot.field:
                reuse = self[slot.reuse] if slot.reuse else None
                uploads.append((slot.document, self[slot.field], self.kept.get(slot.field), reuse))
            else:
                notes.append(slot.document)
        return [(case, uploads, notes) for case, (uploads, notes) in groups.items()]

    def clean(self):
        cleaned = super().clean()
        if not self.files and not self.kept and not self.reuses():
            raise ValidationError(
                _("Attach at least one document of the dossier."), code="no_documents"
            )
        return cleaned

    def uploads(self):
        documents = {slot.field: slot.document for slot in self.slots if slot.field}
        return [
            Upload(file, documents.get(name))
            for name, file in self.cleaned_data.items()
            if name.startswith("document_") and file
        ]

    def reuses(self):
        chosen = ((slot, self.cleaned_data.get(slot.reuse)) for slot in self.slots if slot.reuse)
        return [Reuse(slot.document, stored) for slot, stored in chosen if stored]

    def intake(self):
        data = self.cleaned_data
        return Intake(
            procedure=self.procedure,
            applicant=Applicant.from_form(data),
            summary=data["summary"].strip(),
            uploads=self.uploads(),
            reuses=self.reuses(),
        )


def applicant_initial(user):
    """What the filing form knows of the applicant from the account."""
    return {
        "applicant_name": user.get_full_name(),
        "applicant_phone": user.phone,
        "applicant_email": user.email,
        "applicant_id_number": user.id_number,
        "applicant_address": user.address,
    }


# --- the citizen's answers on the dossier page ----------------------------------------


class SupplementForm(forms.Form):
    files = UploadsField(
        label=_("Supplemented documents"),
        help_text=_("PDF, JPEG, PNG or DOCX; you may choose several files at once."),
        widget=UploadsField.widget(attrs={"accept": UPLOAD_ACCEPT}),
    )
    note = forms.CharField(
        label=_("Note for the desk"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("note", "").strip():
            raise ValidationError(
                _("Attach the documents asked for, or explain in the note."), code="empty"
            )
        return cleaned

    def uploads(self):
        return [Upload(file) for file in self.cleaned_data["files"]]


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the dossier?"),
        max_length=2000,
        error_messages={"required": _("Give the reason for withdrawing the dossier.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the dossier will no longer be handled."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label=_("How satisfied are you with the service?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of the satisfaction levels.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- the public lookup ----------------------------------------------------------------


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("Dossier code"),
        max_length=60,
        help_text=_("As printed on your receipt, e.g. H26.45-261125-0007."),
        error_messages={"required": _("Enter the dossier code.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = PhoneField(
        label=_("Applicant's phone number"),
        help_text=_("The phone number given when the dossier was filed."),
        error_messages={"required": _("Enter the phone number given with the dossier.")},
    )

    dossier = None

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.dossier = find_for_lookup(cleaned["code"], cleaned["phone"])
            if self.dossier is None:
                raise ValidationError(LOOKUP_NO_MATCH, code="no_match")
        return cleaned
