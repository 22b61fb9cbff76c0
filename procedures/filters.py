import django_filters
from django.utils.translation import gettext_lazy as _

from core.models import Unit

from .models import Field, Level, OnlineLevel, Procedure

MAX_SEARCH_LENGTH = 200


class ProcedureFilter(django_filters.FilterSet):
    """The catalogue's filters. An unknown value is a 400 naming the parameter, never an
    empty list that hides the typo."""

    search = django_filters.CharFilter(
        method="filter_search",
        max_length=MAX_SEARCH_LENGTH,
        label=_("Search (diacritics ignored)"),
    )
    field = django_filters.ModelChoiceFilter(
        queryset=Field.objects.all(), to_field_name="code", label=_("Field code")
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    online_level = django_filters.ChoiceFilter(choices=OnlineLevel.choices, label=_("Online level"))
    unit = django_filters.ModelChoiceFilter(
        queryset=Unit.objects.all(),
        to_field_name="code",
        field_name="handling_units",
        label=_("Handling unit code"),
    )

    class Meta:
        model = Procedure
        fields = ["search", "field", "level", "online_level", "unit"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value)
