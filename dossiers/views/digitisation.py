"""Scanning a dossier's papers after intake, or recording them as exempt: one small form per
line of the desk's dossier page, and the same two actions in the API. Thin: the dossier is
found through ``visible_to`` (out of scope is 404), the rules are the digitisation service's."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import Serializer

from ..api import as_api_error
from ..models import Dossier, Exemption
from ..serializers.dossier import DossierComponentSerializer
from ..services.digitisation import exempt_component, scan_component
from ..services.errors import TransitionError
from .desk import desk_staff_required, scoped_dossier

# --- the desk's dossier page ----------------------------------------------------------------


def _component_in_scope(request, code, pk):
    dossier = scoped_dossier(request, code)
    return get_object_or_404(dossier.components, pk=pk)


def _act(request, code, pk, act):
    component = _component_in_scope(request, code, pk)
    try:
        act(component)
    except TransitionError as error:
        messages.error(request, f"{component.name[:120]}: {error.message}")
    else:
        messages.success(request, _("“%(name)s” is digitised.") % {"name": component.name[:120]})
    return redirect("dossiers:desk-dossier", code=code)


@require_POST
@desk_staff_required
def scan(request, code, pk):
    file = request.FILES.get("file")
    if file is None:
        component = _component_in_scope(request, code, pk)
        messages.error(request, f"{component.name[:120]}: {_('Choose the scanned file.')}")
        return redirect("dossiers:desk-dossier", code=code)
    return _act(request, code, pk, lambda component: scan_component(component, file, request.user))


@require_POST
@desk_staff_required
def exempt(request, code, pk):
    reason = request.POST.get("reason", "")
    return _act(
        request, code, pk, lambda component: exempt_component(component, reason, request.user)
    )


urlpatterns = [
    path("desk/dossiers/<str:code>/components/<int:pk>/scan/", scan, name="desk-scan"),
    path("desk/dossiers/<str:code>/components/<int:pk>/exempt/", exempt, name="desk-exempt"),
]


# --- the API ------------------------------------------------------------------------------


class ScanSerializer(Serializer):
    file = serializers.FileField(help_text=gettext_lazy("The scan: a PDF, JPEG or PNG file."))


class ExemptSerializer(Serializer):
    reason = serializers.ChoiceField(
        choices=Exemption.choices,
        error_messages={"invalid_choice": gettext_lazy("Choose a reason of Circular 03/2025.")},
    )


class ComponentActionView(APIView):
    """One paper of a dossier the caller may see; out of scope is 404."""

    body_serializer = None

    def act(self, component, data, user):
        raise NotImplementedError

    def post(self, request, code, pk):
        dossier = get_object_or_404(Dossier.objects.visible_to(request.user), code=code)
        component = get_object_or_404(dossier.components, pk=pk)
        body = self.body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            component = self.act(component, body.validated_data, request.user)
        except TransitionError as error:
            raise as_api_error(error, upload_field="file") from None
        return Response(DossierComponentSerializer(component).data)


class ScanView(ComponentActionView):
    """Attach the scan of a paper handed over."""

    parser_classes = [MultiPartParser, FormParser]
    body_serializer = ScanSerializer

    @extend_schema(
        request={"multipart/form-data": ScanSerializer}, responses=DossierComponentSerializer
    )
    def post(self, request, code, pk):
        return super().post(request, code, pk)

    def act(self, component, data, user):
        return scan_component(component, data["file"], user)


class ExemptView(ComponentActionView):
    """Record that a paper needs no scan (Circular 03/2025)."""

    body_serializer = ExemptSerializer

    @extend_schema(request=ExemptSerializer, responses=DossierComponentSerializer)
    def post(self, request, code, pk):
        return super().post(request, code, pk)

    def act(self, component, data, user):
        return exempt_component(component, data["reason"], user)


api_urlpatterns = [
    path("dossiers/<str:code>/components/<int:pk>/scan/", ScanView.as_view(), name="api-scan"),
    path(
        "dossiers/<str:code>/components/<int:pk>/exempt/",
        ExemptView.as_view(),
        name="api-exempt",
    ),
]
