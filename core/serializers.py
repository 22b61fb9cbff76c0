import copy
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from .models import User
from .workdays import LimitUnit

FIRST_YEAR, LAST_YEAR = 2000, 2100


# The two bases explain themselves in comments, not docstrings: drf-spectacular would
# publish a base's docstring as the description of every serializer that has none.
#
# DRF deep-copies the declared fields for every instance, running each field's constructor
# again; a shallow copy serves (see ``unbound_copies``).
class Serializer(serializers.Serializer):
    def get_fields(self):
        return unbound_copies(self._declared_fields)


# DRF's ModelSerializer builds its fields from the model anew for every instance (most of
# the cost of rendering one dossier); the model does not change while the process runs, so
# build them once per class and copy them. Labels and messages stay lazy, so each request
# still gets its language.
class ModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return unbound_copies(built)


def unbound_copies(fields):
    """Copies of never-bound fields for one serializer instance. Binding only sets a
    copy's own name and parent, so a shallow copy serves. A field holding other fields (a
    nested serializer, a list's child) is copied deeply, so that its children bind to the
    copy."""
    return {name: _unbound_copy(field) for name, field in fields.items()}


def _unbound_copy(field):
    if isinstance(field, serializers.BaseSerializer) or any(
        hasattr(field, holder) for holder in ("child", "child_relation")
    ):
        return copy.deepcopy(field)
    return copy.copy(field)


class DeadlineQuerySerializer(serializers.Serializer):
    """Query parameters of the deadline preview. A naive ``start`` is read as local time."""

    start = serializers.DateTimeField()
    amount = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(3650),
        required=False,
    )
    unit = serializers.ChoiceField(choices=[u.value for u in LimitUnit])
    cutoff = serializers.TimeField(required=False, format="%H:%M", input_formats=["%H:%M"])

    def validate_start(self, start):
        # Before 1906 the local zone had a seconds offset that ISO 8601 answers cannot carry.
        if not FIRST_YEAR <= start.year <= LAST_YEAR:
            raise serializers.ValidationError(
                _("Give a start between the years %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            )
        return start

    def validate(self, attrs):
        if attrs["unit"] != LimitUnit.SAME_DAY and "amount" not in attrs:
            raise serializers.ValidationError(
                {"amount": _("This field is required unless the unit is same_day.")}
            )
        if attrs["unit"] == LimitUnit.SAME_DAY and "cutoff" not in attrs:
            attrs["cutoff"] = serializers.TimeField().to_internal_value(
                settings.ONESTOP_SAME_DAY_CUTOFF
            )
        return attrs


class DeadlineSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    clock_starts_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's token request with the user name capped like the account's own: a longer one
    names no account, and the lockout's record of the attempt could not store it (a 500)."""

    username = serializers.CharField(
        label=_("Username"),
        write_only=True,
        max_length=User._meta.get_field("username").max_length,
    )
