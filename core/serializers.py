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
# DRF builds every instance's fields anew: a deep copy of the declared fields (running
# each field's constructor again) and, for a ModelSerializer, the fields built from the
# model (most of the cost of rendering one dossier). Neither changes while the process
# runs, so both bases take DRF's public ``get_fields()`` once per class and hand each
# instance unbound copies. Labels and messages stay lazy, so each request still gets its
# language.
class Serializer(serializers.Serializer):
    def get_fields(self):
        return _built_once(self, super().get_fields)


class ModelSerializer(serializers.ModelSerializer):
    def get_fields(self):
        return _built_once(self, super().get_fields)


def _built_once(serializer, build):
    """``build()`` the first time for the serializer's own class, then copies of that."""
    cls = type(serializer)
    built = cls.__dict__.get("_built_fields")
    if built is None:
        built = build()
        cls._built_fields = built
    return unbound_copies(built)


def unbound_copies(fields):
    """Copies of never-bound fields for one serializer instance. Binding only sets a
    copy's own name and parent, so a shallow copy serves. A field holding other fields (a
    nested serializer, a list's child) is copied deeply, so that its children bind to the
    copy.

    DRF promises neither; there is no public way to copy fields cheaply, so
    tests/core/test_serializers.py fails if ``Field.bind`` starts touching anything else
    or the holders stop keeping their fields in ``child``/``child_relation``."""
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
