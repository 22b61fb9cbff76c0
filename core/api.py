from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from . import workdays
from .selectors import get_working_calendar
from .serializers import DeadlineQuerySerializer, DeadlineSerializer


class DeadlinePreviewView(APIView):
    """When is a dossier received at ``start`` due, under the working calendar in force?"""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("amount", OpenApiTypes.NUMBER),
            OpenApiParameter("unit", enum=[u.value for u in workdays.LimitUnit], required=True),
            OpenApiParameter("cutoff", OpenApiTypes.STR, description="HH:MM, same_day only"),
        ],
        responses=DeadlineSerializer,
    )
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

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

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
