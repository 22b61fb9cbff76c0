"""Electronic results: the handling unit issues a signed result from the desk's dossier page
or the API; anyone checks a signed PDF on the public verification page or its API, by
uploading it or by the QR code of its stamp (throttled, per client address)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import ModelSerializer, Serializer
from core.throttles import VerifyThrottle, page_throttled

from ..api import as_api_error
from ..models import Dossier, ElectronicResult
from ..services.errors import TransitionError
from ..services.results import issue_electronic_result, verify_issued, verify_upload
from ..signing.verify import State
from .desk import desk_staff_required, scoped_dossier


def verify_url_builder(request):
    """The absolute address of a result's verification page, as its QR code opens it."""
    return lambda public_id: request.build_absolute_uri(
        reverse("dossiers:verify-result", args=[public_id])
    )


# --- the desk ------------------------------------------------------------------------------


@require_POST
@desk_staff_required
def issue(request, code):
    dossier = scoped_dossier(request, code)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose the result document (a PDF)."))
        return redirect("dossiers:desk-dossier", code=code)
    try:
        issue_electronic_result(dossier, file, request.user, verify_url_builder(request))
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The result is signed and delivered to the applicant."))
    return redirect("dossiers:desk-dossier", code=code)


# --- the public verification page ----------------------------------------------------------


def verify(request):
    context = {"states": State}
    if request.method == "POST":
        if page_throttled(request, "verify"):
            return render(request, "dossiers/results/verify.html", {"throttled": True}, status=429)
        file = request.FILES.get("file")
        if file is None:
            context["error"] = _("Choose the PDF file to check.")
        else:
            try:
                context["verification"] = verify_upload(file)
            except TransitionError as error:
                context["error"] = error.message
    status = 400 if "error" in context else 200
    return render(request, "dossiers/results/verify.html", context, status=status)


def verify_result(request, public_id):
    if page_throttled(request, "verify"):
        return render(request, "dossiers/results/verify.html", {"throttled": True}, status=429)
    verification = verify_issued(public_id)
    if verification is None:
        raise Http404(_("No electronic result has this verification code."))
    return render(
        request,
        "dossiers/results/verify.html",
        {"verification": verification, "states": State, "issued": True},
    )


urlpatterns = [
    path("desk/dossiers/<str:code>/results/issue/", issue, name="desk-issue-result"),
    path("verify/", verify, name="verify"),
    path("verify/<uuid:public_id>/", verify_result, name="verify-result"),
]


# --- the API ---------------------------------------------------------------------------------


class ElectronicResultSerializer(ModelSerializer):
    dossier_code = serializers.CharField(source="dossier.code", read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    file = serializers.SerializerMethodField()

    class Meta:
        model = ElectronicResult
        fields = ["public_id", "dossier_code", "agency", "signer", "signed_at", "file"]

    def get_file(self, result) -> str:
        return reverse("dossiers:attachment", args=[result.attachment_id])


class ResultUploadSerializer(Serializer):
    file = serializers.FileField(help_text=gettext_lazy("The result document, a PDF."))


class VerificationSerializer(Serializer):
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    signer = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    result = ElectronicResultSerializer(allow_null=True)

    @staticmethod
    def of(verification):
        verdict = verification.verdict
        return VerificationSerializer(
            {
                "state": verdict.state,
                "state_label": verdict.label,
                "signer": verdict.signer,
                "signed_at": verdict.signed_at,
                "result": verification.result,
            }
        ).data


class DossierResultsView(APIView):
    """A dossier's electronic results; POST signs and issues a new one (handling staff)."""

    parser_classes = [MultiPartParser, FormParser]

    def _dossier(self, request, code):
        return get_object_or_404(Dossier.objects.visible_to(request.user), code=code)

    @extend_schema(responses=ElectronicResultSerializer(many=True))
    def get(self, request, code):
        results = self._dossier(request, code).electronic_results.select_related(
            "dossier", "agency"
        )
        return Response(ElectronicResultSerializer(results, many=True).data)

    @extend_schema(
        request={"multipart/form-data": ResultUploadSerializer},
        responses={201: ElectronicResultSerializer},
    )
    def post(self, request, code):
        dossier = self._dossier(request, code)
        body = ResultUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = issue_electronic_result(
                dossier, body.validated_data["file"], request.user, verify_url_builder(request)
            )
        except TransitionError as error:
            raise as_api_error(error, upload_field="file") from None
        return Response(ElectronicResultSerializer(result).data, status=201)


class PublicVerification(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyThrottle]


class VerifyUploadView(PublicVerification):
    """Check a signed PDF: valid, modified, unknown signer or not signed; who signed it and
    when; and the result it is when this portal issued it."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ResultUploadSerializer},
        responses=VerificationSerializer,
    )
    def post(self, request):
        body = ResultUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            verification = verify_upload(body.validated_data["file"])
        except TransitionError as error:
            raise as_api_error(error, upload_field="file") from None
        return Response(VerificationSerializer.of(verification))


class VerifyIssuedView(PublicVerification):
    """Check the result a stamp's QR code names, as the portal keeps it."""

    @extend_schema(responses=VerificationSerializer)
    def get(self, request, public_id):
        verification = verify_issued(public_id)
        if verification is None:
            raise NotFound(_("No electronic result has this verification code."))
        return Response(VerificationSerializer.of(verification))


api_urlpatterns = [
    path("dossiers/<str:code>/results/", DossierResultsView.as_view(), name="api-results"),
    path("verify/", VerifyUploadView.as_view(), name="api-verify"),
    path("verify/<uuid:public_id>/", VerifyIssuedView.as_view(), name="api-verify-result"),
]
