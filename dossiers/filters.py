"""Query filters of the dossier API. Every value is checked: a value the filter does not
understand is a 400 with a message for that parameter, never a silently ignored filter."""

import re
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.models import Unit
from core.validators import normalise_phone
from procedures.models import Channel, Field, Procedure

from .models import CLOCK_RUNNING_STATUSES, Dossier, Status

# An offset sent unencoded in a query string ("…T09:00+07:00") arrives with a space for "+".
_MANGLED_OFFSET = re.compile(r"(T[\d:.]+) (\d{2}:?\d{2})$")
SENSIBLE_YEARS = (1900, 2999)


class DateOrDateTimeField(forms.Field):
    """An ISO 8601 date (a whole local day) or date-time (naive = local time)."""

    default_error_messages = {
        "invalid": _("Enter an ISO 8601 date (2026-11-23) or date-time (2026-11-23T09:00+07:00).")
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = _MANGLED_OFFSET.sub(r"\1+\2", str(value).strip())
        try:
            parsed = parse_date(text) or parse_datetime(text)
        except ValueError:
            parsed = None
        # Years far outside any dossier's life would overflow time-zone arithmetic.
        if parsed is None or not SENSIBLE_YEARS[0] <= parsed.year <= SENSIBLE_YEARS[1]:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(parsed, datetime) and timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed)
        return parsed


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}
)
class MomentFilter(django_filters.Filter):
    """``after``: from the moment (a date: from its start); ``before``: up to the moment
    (a date: to its end, inclusive)."""

    field_class = DateOrDateTimeField

    def __init__(self, *args, bound, **kwargs):
        super().__init__(*args, **kwargs)
        self.bound = bound

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.bound == "after":
            start = _start_of(value) if _is_date(value) else value
            return qs.filter(**{f"{self.field_name}__gte": start})
        if _is_date(value):
            return qs.filter(**{f"{self.field_name}__lt": _start_of(value + timedelta(days=1))})
        return qs.filter(**{f"{self.field_name}__lte": value})


def _is_date(value):
    return isinstance(value, date) and not isinstance(value, datetime)


class StrictBooleanField(forms.TypedChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(*args, coerce=lambda value: value == "true", empty_value=None, **kwargs)

    def to_python(self, value):
        return super().to_python(value).lower()


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    """``true`` or ``false``; anything else is an error rather than "no filter"."""

    field_class = StrictBooleanField


class DossierFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, help_text=_("Repeat to match any of several statuses.")
    )
    receiving_unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), to_field_name="code", help_text=_("Unit code.")
    )
    handling_unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(), to_field_name="code", help_text=_("Unit code.")
    )
    procedure = django_filters.ModelChoiceFilter(
        queryset=Procedure.objects.all(), to_field_name="code", help_text=_("Procedure code.")
    )
    field = django_filters.ModelChoiceFilter(
        field_name="procedure__field",
        queryset=Field.objects.all(),
        to_field_name="code",
        help_text=_("Field code."),
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    received_after = MomentFilter(field_name="received_at", bound="after")
    received_before = MomentFilter(field_name="received_at", bound="before")
    due_after = MomentFilter(field_name="due_at", bound="after")
    due_before = MomentFilter(field_name="due_at", bound="before")
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text=_("true: the clock is running and the due time has passed."),
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=100,
        help_text=_("Dossier code, applicant name or phone number."),
    )

    class Meta:
        model = Dossier
        fields = []

    def filter_overdue(self, queryset, name, value):
        late = Q(status__in=CLOCK_RUNNING_STATUSES, due_at__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_search(self, queryset, name, value):
        text = value.strip()
        match = Q(code__icontains=text) | Q(applicant_name__icontains=text)
        phone = normalise_phone(text)
        if phone.isdigit():
            match |= Q(applicant_phone__contains=phone)
        return queryset.filter(match)
