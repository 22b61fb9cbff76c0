from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from . import workdays
from .selectors import get_working_calendar
from .serializers import (
    FIRST_YEAR,
    LAST_YEAR,
    DeadlineQuerySerializer,
    DeadlineSerializer,
    TokenRequestSerializer,
)
from .throttles import AnonRateThrottle, AuthThrottle

# The deadline query's text as its fields read it, which drf-spectacular cannot tell from
# DRF's fields: a decimal from 0 to 3650 with at most two places, and HH:MM (strptime takes
# one digit too). The patterns end with (?![\s\S]), the end of the text in every regex
# dialect: Python's $ also matches before a final newline, so a generator built on it would
# offer "12:30\n", which the fields refuse.
DEADLINE_PARAMETERS = [
    DeadlineQuerySerializer,
    OpenApiParameter(
        "start",
        OpenApiTypes.DATETIME,
        required=True,
        description=f"From the year {FIRST_YEAR} to {LAST_YEAR}; a naive time is local time.",
    ),
    OpenApiParameter(
        "amount",
        {
            "type": "string",
            "pattern": r"^(?:(?:[0-9]{1,3}|[0-2][0-9]{3}|3[0-5][0-9]{2}|36[0-4][0-9])"
            r"(?:\.[0-9]{1,2})?|3650(?:\.0{1,2})?)(?![\s\S])",
        },
        description="0 to 3650, at most two decimals; required unless the unit is same_day.",
    ),
    OpenApiParameter(
        "cutoff",
        {"type": "string", "pattern": r"^(?:[01]?[0-9]|2[0-3]):[0-5]?[0-9](?![\s\S])"},
        description="HH:MM, same_day only (default: the setting's cut-off).",
    ),
]


class DeadlinePreviewView(APIView):
    """When is a dossier received at ``start`` due, under the working calendar in force?"""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(parameters=DEADLINE_PARAMETERS, responses=DeadlineSerializer)
    def get(self, request):
        query = DeadlineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        calendar = get_working_calendar()
        start = timezone.localtime(params["start"], calendar.tz)
        due_at = workdays.compute_due(
            calendar, start, params.get("amount", 0), params["unit"], params.get("cutoff")
        )
        answer = {
            "start": start,
            "clock_starts_at": workdays.next_working_instant(calendar, start),
            "due_at": due_at,
        }
        return Response(DeadlineSerializer(answer).data)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token."""

    throttle_classes = [AuthThrottle]
    # The site's parsers (a bounded JSON parser first), not ObtainAuthToken's own.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES
    serializer_class = TokenRequestSerializer

    @extend_schema(
        responses={
            200: AuthTokenSerializer,
            429: OpenApiResponse(
                description=_(
                    "Too many attempts from this address (with Retry-After), or this "
                    "account is locked after too many failed logins (without)."
                )
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                OpenApiTypes.INT,
                OpenApiParameter.HEADER,
                response=[429],
                description=_("Seconds to wait; absent when the account is locked."),
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes refuses a locked-out login silently; say so instead of
            # "wrong password", which would invite more attempts.
            if getattr(request, "axes_locked_out", False):
                raise LockedOut() from None
            raise


class LockedOut(APIException):
    status_code = 429
    default_detail = _("Too many failed logins. This account is locked for a while.")
    default_code = "locked_out"
