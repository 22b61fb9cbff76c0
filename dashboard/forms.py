"""The dashboard's filter: a period (from/to) and a unit of the user's scope."""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.reporting.late import GROUPING_CHOICES, Grouping

from .selectors import PRESETS, filter_units, preset_period

MAX_PERIOD_DAYS = 3660
EARLIEST = date(2000, 1, 1)
PRESET_LABELS = {
    "this_month": _("This month"),
    "this_quarter": _("This quarter"),
    "this_year": _("This year"),
}
# Python cannot name a field "from": the fields are start/end, the parameters from/to, as
# in the on-time report API.
PARAMETER_NAMES = {"start": "from", "end": "to"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DashboardFilterForm(forms.Form):
    """Always bound to the query string. Without dates the period is this year so far;
    ``from`` alone runs to today, ``to`` alone starts on 1 January of its year."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=None,
        required=False,
        to_field_name="code",
        empty_label=_("All units in my scope"),
    )

    def __init__(self, user, data, today=None):
        # A mutable copy: the period chosen by default is written back for the inputs.
        super().__init__(data.copy())
        self.today = today or timezone.localdate()
        self.fields["unit"].queryset = filter_units(user)

    def add_prefix(self, field_name):
        return PARAMETER_NAMES.get(field_name, field_name)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        last = cleaned.get("end") or self.today
        first = cleaned.get("start") or date(last.year, 1, 1)
        if first > last:
            self.add_error("start", _("The start is after the end."))
        elif first < EARLIEST:
            self.add_error("start", _("The period cannot start before 2000."))
        elif (last - first).days > MAX_PERIOD_DAYS:
            self.add_error("start", _("The period is at most ten years."))
        else:
            cleaned["start"], cleaned["end"] = first, last
            for name, day in (("start", first), ("end", last)):
                if not self.data.get(PARAMETER_NAMES[name]):
                    self.data[PARAMETER_NAMES[name]] = day.isoformat()
        return cleaned

    @property
    def period(self):
        return self.cleaned_data["start"], self.cleaned_data["end"]

    def public_errors(self):
        """{parameter: [messages]}, named as the query string names them."""
        return {
            PARAMETER_NAMES.get(name, name): [str(message) for message in messages]
            for name, messages in self.errors.items()
        }

    def preset_links(self):
        """[(label, first, last, current)] for the period shortcuts."""
        chosen = self.period if self.is_valid() else None
        links = []
        for name in PRESETS:
            first, last = preset_period(name, self.today)
            links.append((PRESET_LABELS[name], first, last, chosen == (first, last)))
        return links


class LateFilterForm(DashboardFilterForm):
    """The why-late page's filter: the dashboard's, and what to group the late ones by."""

    group = forms.ChoiceField(
        label=_("Group by"), choices=GROUPING_CHOICES, required=False, initial=Grouping.UNIT
    )

    def clean_group(self):
        return self.cleaned_data.get("group") or Grouping.UNIT
