"""Forms of the reform index pages. They only parse what people type (numbers with a
decimal comma, one link per line, dates); the services decide what is allowed and their
refusals land on the same fields (``show_refusal``)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.models import Unit
from dossiers.uploads import check_upload

from .models import InspectionKind


class PointsField(forms.DecimalField):
    """Points as people write them: "2,5" in Vietnamese, "2.5" in English. The range is
    the service's to check, so its message names the criterion's own maximum."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(localize=True, **kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off", size="6")

    def prepare_value(self, value):
        # 1,5 and 2 rather than the stored 1,50 and 2,00.
        if isinstance(value, Decimal) and value.is_finite():
            return value.quantize(1) if value == value.to_integral() else value.normalize()
        return value


class LinksField(forms.CharField):
    """Web addresses, one per line; the service checks each one."""

    widget = forms.Textarea(attrs={"rows": 2, "spellcheck": "false"})

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=20_000, **kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class LeafForm(forms.Form):
    """The inputs of one leaf criterion; prefixed with the criterion's id so that a page
    holds one per leaf. ``node`` is the selectors' TreeNode with its score."""

    def __init__(self, *args, node, **kwargs):
        self.node = node
        kwargs.setdefault("prefix", f"c{node.id}")
        kwargs.setdefault("initial", self.initial_from(node.score))
        super().__init__(*args, **kwargs)

    def initial_from(self, score):
        return {name: getattr(score, name) for name in self.base_fields if hasattr(score, name)}

    def entry(self):
        """The service's entry for this criterion: ``{field: value}``."""
        return {name: self.cleaned_data[name] for name in self.service_fields}


class SelfScoreForm(LeafForm):
    service_fields = ("self_points", "self_note", "evidence_links")

    self_points = PointsField(label=_("Self-assessed points"))
    self_note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_links = LinksField(
        label=_("Evidence links"),
        help_text=_("One web address per line, e.g. the published document."),
    )
    evidence_file = forms.FileField(
        label=_("Attach an evidence file"),
        required=False,
        help_text=_("PDF, JPEG, PNG or DOCX."),
    )

    def clean_evidence_file(self):
        # Checked here too, so that a bad file is refused before anything is saved.
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            try:
                check_upload(upload)
            except ValidationError as error:
                raise ValidationError(error.messages) from None
        return upload


class AppraisalScoreForm(LeafForm):
    service_fields = ("appraised_points", "appraisal_comment")

    appraised_points = PointsField(label=_("Appraised points"))
    appraisal_comment = forms.CharField(
        label=_("Appraisal comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SurveyForm(forms.Form):
    survey_score = PointsField(label=_("Survey score"))


def show_refusal(refusal, leaf_forms, other_forms=()):
    """Put a service's refusal on the fields it names: ``{"scores": {code: {field:
    [messages]}}}`` on the leaf forms (by criterion code), other keys on ``other_forms``.
    Returns the messages that belong to no field, for the top of the page."""
    by_code = {form.node.code: form for form in leaf_forms}
    loose = []
    for key, value in refusal.errors.items():
        if key == "scores" and isinstance(value, dict):
            for code, fields in value.items():
                loose += _place(by_code.get(code), fields, prefix=f"{code}: ")
        else:
            form = next((form for form in other_forms if key in form.fields), None)
            loose += _place(form, {key: value})
    return loose


def _place(form, fields, prefix=""):
    if not isinstance(fields, dict):
        return [prefix + message for message in _messages(fields)]
    loose = []
    for name, value in fields.items():
        if form is not None and name in form.fields:
            for message in _messages(value):
                form.add_error(name, message)
        else:
            loose += [prefix + message for message in _messages(value)]
    return loose


def _messages(value):
    if isinstance(value, dict):
        return [message for inner in value.values() for message in _messages(inner)]
    if isinstance(value, list | tuple):
        return [message for inner in value for message in _messages(inner)]
    return [str(value)]


# --- inspections ---------------------------------------------------------------------------


class InspectionFilterForm(forms.Form):
    """The public list's filters; a bad value is reported inline and ignored."""

    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units"),
    )
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, units, years):
        super().__init__(data)
        self.fields["unit"].queryset = units
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]

    def apply(self, inspections):
        if not self.is_bound:
            return inspections
        # Cleaning keeps the values that passed even when another one failed.
        self.is_valid()
        found = self.cleaned_data
        if found.get("unit"):
            inspections = inspections.filter(unit=found["unit"])
        if found.get("year"):
            inspections = inspections.filter(date__year=found["year"])
        return inspections


class InspectionForm(forms.Form):
    """An inspection as the index officer records it; ``save_inspection`` checks it."""

    unit = forms.ModelChoiceField(label=_("Inspected unit"), queryset=Unit.objects.none())
    date = forms.DateField(
        label=_("Date of the inspection"), widget=forms.DateInput(attrs={"type": "date"})
    )
    team = forms.CharField(label=_("Inspection team"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=InspectionKind.choices, widget=forms.RadioSelect
    )
    violations = forms.IntegerField(
        label=_("Violations found"), initial=0, widget=forms.NumberInput(attrs={"min": 0})
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    follow_up = forms.CharField(
        label=_("Follow-up required"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    published = forms.BooleanField(label=_("Publish this inspection on the portal"), required=False)

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and instance.pk:
            kwargs.setdefault(
                "initial", {name: getattr(instance, name) for name in self.base_fields}
            )
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.order_by("code")
        # A date input only reads ISO dates, whatever the language.
        self.fields["date"].widget.format = "%Y-%m-%d"

    def values(self):
        """``save_inspection``'s values."""
        return dict(self.cleaned_data)
