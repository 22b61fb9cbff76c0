"""Filters of the reform index API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Assessment, AssessmentState, Inspection, InspectionKind


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class InspectionFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label=_("unit code"))
    # Bounded: a year outside the calendar's range would crash the date lookup.
    year = YearFilter(field_name="date__year", label=_("year"), min_value=1900, max_value=2100)
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices)
    has_violations = django_filters.BooleanFilter(
        method="filter_has_violations", label=_("found violations")
    )
    published = django_filters.BooleanFilter()

    class Meta:
        model = Inspection
        fields = ["unit", "year", "kind", "has_violations", "published"]

    def filter_has_violations(self, queryset, name, value):
        return queryset.filter(violations__gt=0) if value else queryset.filter(violations=0)


class AssessmentFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices)

    class Meta:
        model = Assessment
        fields = ["state"]
