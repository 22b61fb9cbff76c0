"""The reform index API (DESIGN §4), under /api/v1/reform-index/.

Published scorecards, rankings, each unit's breakdown and published inspections are public
(no login, throttled). Everything else needs a role, and the services decide: a refusal
answers 403 (wrong role) or 400 (not allowed now, or bad input), with the reason per field.
"""

from contextlib import contextmanager

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from core.parsers import BoundedJSONParser
from core.throttles import AnonRateThrottle, UserRateThrottle

from .filters import AssessmentFilter, InspectionFilter
from .models import Assessment, Inspection, Scorecard, ScorecardState
from .selectors import results
from .selectors.breakdown import assessment_breakdown, record_kinds_for
from .selectors.tree import scorecard_tree, walk
from .serializers import (
    AcceptSerializer,
    AssessmentListSerializer,
    AssessmentUpdateSerializer,
    BreakdownSerializer,
    CopySerializer,
    CriteriaSerializer,
    ExportQuerySerializer,
    ImportedSerializer,
    ImportSerializer,
    InspectionSerializer,
    PublishSerializer,
    RankingSerializer,
    ScorecardDetailSerializer,
    ScorecardSerializer,
)
from .services import (
    access,
    appraisal,
    computing,
    criteria_io,
    inspections,
    lifecycle,
    self_assessment,
)

MIME = {"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8"}


class IndexPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NotNow(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "not_allowed_now"


@contextmanager
def refusals_as_api_errors():
    """A service's refusal as the API answers it: 403 ``{"detail"}`` for a role; 400
    ``{"detail"}`` for an action not allowed now, or ``{field: [messages]}``."""
    try:
        yield
    except access.NotAllowed as refusal:
        raise PermissionDenied(refusal.message) from None
    except access.Refused as refusal:
        if set(refusal.errors) == {"detail"}:
            raise NotNow(refusal.message) from None
        raise ValidationError(refusal.errors) from None


class IndexViewSet(GenericViewSet):
    # Anyone may read (what they see is scoped by the models' ``visible_to``); writing needs
    # a login, then the services check the role.
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    pagination_class = IndexPagination


def body_options(body, request):
    """The service's keyword arguments from the request body, parsed by ``body`` (none
    without one)."""
    if body is None:
        return {}
    parsed = body(data=request.data)
    parsed.is_valid(raise_exception=True)
    return parsed.validated_data


def scorecard_action(name, service, summary, body=None):
    """``POST /scorecards/{year}/{name}/``: run a service on the scorecard, answer it."""

    def endpoint(self, request, year=None):
        scorecard = self.get_object()
        options = body_options(body, request)
        with refusals_as_api_errors():
            service(scorecard, request.user, **options)
        scorecard.refresh_from_db()
        return Response(self.detail_data(scorecard))

    endpoint.__name__ = name.replace("-", "_")
    endpoint.__doc__ = summary
    # The schema goes on the action, not under it: ``action`` replaces the function's kwargs.
    decorated = action(detail=True, methods=["post"], url_path=name)(endpoint)
    return extend_schema(request=body, responses=ScorecardDetailSerializer)(decorated)


class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, IndexViewSet):
    """Scorecards by year: published ones for everyone, all for index officers and
    leaders (and those in progress for unit leaders)."""

    lookup_field = "year"
    lookup_value_regex = r"[0-9]{1,4}"
    serializer_class = ScorecardSerializer

    def get_queryset(self):
        return Scorecard.objects.visible_to(self.request.user).order_by("-year")

    def detail_data(self, scorecard):
        tree = scorecard_tree(scorecard)
        return ScorecardDetailSerializer(scorecard, context={"tree": tree}).data

    @extend_schema(responses=ScorecardDetailSerializer)
    def retrieve(self, request, year=None):
        """The scorecard with its criteria tree and the maximum of each area."""
        return Response(self.detail_data(self.get_object()))

    @extend_schema(
        responses=RankingSerializer,
        summary=_("The ranking, with each unit's change from the previous published year"),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def ranking(self, request, year=None):
        scorecard = self.get_object()
        previous = results.previous_published(scorecard)
        rows = results.ranking(scorecard, previous)
        answer = {
            "year": scorecard.year,
            "state": scorecard.state,
            "provisional": not scorecard.is_frozen,
            "is_percentage": not scorecard.survey_points,
            "previous_year": previous.year if previous else None,
            "results": rows,
        }
        return Response(RankingSerializer(answer).data)

    @extend_schema(responses=CriteriaSerializer)
    @action(detail=True, methods=["get"], pagination_class=None)
    def criteria(self, request, year=None):
        """Every criterion in tree order, each naming its parent's code."""
        scorecard = self.get_object()
        nodes = walk(scorecard_tree(scorecard))
        return Response(CriteriaSerializer({"year": scorecard.year, "results": nodes}).data)

    @extend_schema(
        parameters=[OpenApiParameter("format", enum=["json", "csv"])],
        responses={
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, "text/csv"): OpenApiTypes.BINARY,
        },
    )
    @action(detail=True, methods=["get"], url_path="criteria/export", pagination_class=None)
    def export_criteria(self, request, year=None):
        """The criteria as a JSON or CSV file, ready for ``criteria/import``."""
        scorecard = self.get_object()
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fmt = query.validated_data["format"]
        response = HttpResponse(criteria_io.export_criteria(scorecard, fmt), content_type=MIME[fmt])
        response["Content-Disposition"] = f'attachment; filename="tieu-chi-{scorecard.year}.{fmt}"'
        return response

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses=ImportedSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="criteria/import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_criteria(self, request, year=None):
        """Replace a draft scorecard's criteria with a JSON or CSV file (index officers)."""
        scorecard = self.get_object()
        self._require_manager(request.user)
        body = ImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        content = body.validated_data["file"].read(criteria_io.MAX_IMPORT_BYTES + 1)
        with refusals_as_api_errors():
            imported = criteria_io.import_criteria(
                scorecard, request.user, content, body.validated_data["format"]
            )
        return Response({"imported": imported})

    @extend_schema(request=CopySerializer, responses={201: ScorecardDetailSerializer})
    @action(detail=True, methods=["post"], parser_classes=[BoundedJSONParser, FormParser])
    def copy(self, request, year=None):
        """A new draft scorecard for another year with this one's criteria and bands."""
        scorecard = self.get_object()
        self._require_manager(request.user)
        body = CopySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with refusals_as_api_errors():
            created = lifecycle.copy_scorecard(scorecard, actor=request.user, **body.validated_data)
        return Response(self.detail_data(created), status=status.HTTP_201_CREATED)

    @staticmethod
    def _require_manager(user):
        if not access.can_manage(user):
            raise PermissionDenied(_("Only reform index officers can change criteria."))

    open_self_assessment = scorecard_action(
        "open-self-assessment",
        lifecycle.open_self_assessment,
        "Open the self-assessment: every scored unit gets its assessment.",
    )
    open_appraisal = scorecard_action(
        "open-appraisal",
        lifecycle.open_appraisal,
        "Close the self-assessment and open the appraisal.",
    )
    publish = scorecard_action(
        "publish",
        lifecycle.publish,
        "Publish (leaders): freeze every unit's total, rank and grade; before the period "
        "ends only with ``early_reason``.",
        body=PublishSerializer,
    )
    compute = scorecard_action(
        "compute",
        computing.compute_scorecard,
        "Recompute every unit's automatic criteria now (index officers).",
    )


def assessment_action(name, service, summary, body=None):
    """``POST …/assessments/{unit code}/{name}/``: run a service, answer the breakdown."""

    def endpoint(self, request, year=None, unit_code=None):
        assessment = self.get_object()
        options = body_options(body, request)
        with refusals_as_api_errors():
            service(assessment, request.user, **options)
        return Response(self.detail_data(assessment))

    endpoint.__name__ = name.replace("-", "_")
    endpoint.__doc__ = summary
    decorated = action(detail=True, methods=["post"], url_path=name)(endpoint)
    return extend_schema(request=body, responses=BreakdownSerializer)(decorated)


class AssessmentViewSet(mixins.ListModelMixin, IndexViewSet):
    """The units' assessments under one scorecard, by unit code. Reading is scoped (every
    unit's once published); a PATCH fills the self-assessment while it is open (the
    unit's leader) or the appraisal (index officers)."""

    lookup_field = "unit__code"
    lookup_url_kwarg = "unit_code"
    lookup_value_regex = r"[\w.\-]+"
    serializer_class = AssessmentListSerializer
    filterset_class = AssessmentFilter
    pagination_class = None

    def scorecard(self):
        if not hasattr(self, "_scorecard"):
            self._scorecard = get_object_or_404(
                Scorecard.objects.visible_to(self.request.user), year=self.kwargs["year"]
            )
        return self._scorecard

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        scorecard = self.scorecard()
        if self.request.method in permissions.SAFE_METHODS:
            assessments = Assessment.objects.visible_to(self.request.user).filter(
                scorecard=scorecard
            )
        else:
            # Writes find any unit's assessment, so that the service can say why the
            # caller may not touch it (403) instead of pretending it does not exist.
            assessments = scorecard.assessments.all()
        return assessments.select_related("unit", "scorecard").order_by("rank", "unit__code")

    def detail_data(self, assessment):
        kinds = record_kinds_for(self.request.user, assessment)
        return BreakdownSerializer(assessment_breakdown(assessment, kinds)).data

    @extend_schema(responses=BreakdownSerializer)
    def retrieve(self, request, year=None, unit_code=None):
        """One unit's scorecard: every criterion's points, and for automatic ones the
        numerator, denominator, rule and the records behind them."""
        return Response(self.detail_data(self.get_object()))

    @extend_schema(request=AssessmentUpdateSerializer, responses=BreakdownSerializer)
    def partial_update(self, request, year=None, unit_code=None):
        """Self-assessment points, notes and links while the self-assessment is open;
        appraised points, comments and the survey score while the appraisal is."""
        assessment = self.get_object()
        body = AssessmentUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        state = assessment.scorecard.state
        with refusals_as_api_errors():
            if state == ScorecardState.SELF_ASSESSMENT:
                if "survey_score" in data:
                    raise access.Refused(
                        _("The survey score is set during the appraisal."), field="survey_score"
                    )
                self_assessment.save_self_assessment(
                    assessment, request.user, data.get("scores", {})
                )
            elif state == ScorecardState.APPRAISAL:
                appraisal.save_appraisal(
                    assessment,
                    request.user,
                    data.get("scores", {}),
                    survey_score=data.get("survey_score"),
                    set_survey="survey_score" in data,
                )
            else:
                raise access.Refused(_("This scorecard is not open for changes."))
        return Response(self.detail_data(assessment))

    submit = assessment_action(
        "submit",
        self_assessment.submit_assessment,
        "Submit the self-assessment (the unit's leader).",
    )
    appraise = assessment_action(
        "appraise", appraisal.appraise_assessment, "Close the unit's appraisal (index officers)."
    )
    accept_self_scores = assessment_action(
        "accept-self-scores",
        appraisal.accept_self_scores,
        "Accept the unit's own points as appraised (index officers): of one criterion, group "
        "or area, or of the whole sheet; points an appraiser entered are kept.",
        body=AcceptSerializer,
    )
    compute = assessment_action(
        "compute",
        computing.compute_assessment,
        "Recompute the unit's automatic criteria now (index officers).",
    )


class InspectionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, IndexViewSet
):
    """Inspections (kiểm tra công vụ): published ones for everyone; index officers see
    and record all."""

    serializer_class = InspectionSerializer
    filterset_class = InspectionFilter

    def get_queryset(self):
        return (
            Inspection.objects.visible_to(self.request.user)
            .select_related("unit")
            .order_by("-date", "-pk")
        )

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in permissions.SAFE_METHODS and not access.can_manage(request.user):
            raise PermissionDenied(_("Only reform index officers can record inspections."))

    def perform_create(self, serializer):
        with refusals_as_api_errors():
            serializer.instance = inspections.save_inspection(
                self.request.user, serializer.validated_data
            )

    @extend_schema(request=InspectionSerializer, responses=InspectionSerializer)
    def partial_update(self, request, pk=None):
        inspection = self.get_object()
        body = self.get_serializer(inspection, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        with refusals_as_api_errors():
            inspections.save_inspection(request.user, body.validated_data, inspection=inspection)
        return Response(self.get_serializer(inspection).data)
