from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Unit

from .models import Field, Level, OnlineLevel
from .selectors import catalogue_units


class SearchForm(forms.Form):
    """The catalogue's search box, alone on the kiosk."""

    q = forms.CharField(
        label=_("Search procedures"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Search text is limited to %(limit_value)d characters.")},
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. dang ky khai sinh"),
                "autocomplete": "off",
                "enterkeyhint": "search",
            }
        ),
    )

    def filters(self):
        """The valid, non-empty search terms and filters, by name."""
        if not self.is_bound:
            return {}
        # Cleaning keeps the values that passed even when another one failed.
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class CatalogueFilterForm(SearchForm):
    """Search and filters of the public catalogue. Filters with a bad value are reported
    inline and ignored, so the page still lists what the valid ones select."""

    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All fields"),
        error_messages={"invalid_choice": _("There is no field “%(value)s”; showing every field.")},
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[("", _("All levels")), *Level.choices],
        required=False,
        error_messages={"invalid_choice": _("There is no level “%(value)s”; showing every level.")},
    )
    unit = forms.ModelChoiceField(
        label=_("Handling unit"),
        queryset=Unit.objects.none(),  # the catalogue's units, read per form (see __init__)
        to_field_name="code",
        required=False,
        empty_label=_("All handling units"),
        error_messages={
            "invalid_choice": _("There is no handling unit “%(value)s”; showing every unit.")
        },
    )
    online_level = forms.ChoiceField(
        label=_("Online service"),
        choices=[("", _("Any online service level")), *OnlineLevel.choices],
        required=False,
        error_messages={
            "invalid_choice": _("There is no online level “%(value)s”; showing every level.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = catalogue_units()
