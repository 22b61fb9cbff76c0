"""The /api/v1/ tree: every app's endpoints assembled in one place."""

from django.urls import path, re_path
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter
from rest_framework.views import APIView

from core.api import DeadlinePreviewView, TokenView
from dossiers.api import DossierLookupView, DossierViewSet
from dossiers.reporting.api import OnTimeReportView
from dossiers.reporting.digitisation_api import DigitisationReportView
from dossiers.reporting.late_api import LateReportView
from dossiers.views.digitisation import api_urlpatterns as digitisation_api
from dossiers.views.results import api_urlpatterns as results_api
from dossiers.views.store import api_urlpatterns as store_api
from exchange.api import api_urlpatterns as exchange_api
from payments.api import api_urlpatterns as payments_api
from procedures.api import FieldViewSet, ProcedureViewSet
from reform_index.api import AssessmentViewSet, InspectionViewSet, ScorecardViewSet

router = DefaultRouter()
router.register("fields", FieldViewSet, basename="field")
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("dossiers", DossierViewSet, basename="dossier")
router.register("reform-index/scorecards", ScorecardViewSet, basename="reform-index-scorecard")
router.register(
    r"reform-index/scorecards/(?P<year>[0-9]{1,4})/assessments",
    AssessmentViewSet,
    basename="reform-index-assessment",
)
router.register("reform-index/inspections", InspectionViewSet, basename="reform-index-inspection")


class UnknownPath(APIView):
    """Any other address under /api/v1/ (a path key outside its pattern, such as a year
    that is not a number) answers as the API does, a JSON 404, not the site's HTML page."""

    schema = None  # not an operation of the API
    authentication_classes = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        raise NotFound()


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("calendar/deadline/", DeadlinePreviewView.as_view(), name="api-deadline"),
    path("lookup/", DossierLookupView.as_view(), name="api-lookup"),
    path("reports/on-time/", OnTimeReportView.as_view(), name="api-report-on-time"),
    path("reports/late/", LateReportView.as_view(), name="api-report-late"),
    path(
        "reports/digitisation/",
        DigitisationReportView.as_view(),
        name="api-report-digitisation",
    ),
    *digitisation_api,
    *results_api,
    *store_api,
    *payments_api,
    *exchange_api,
    *router.urls,
    # Last, and only for paths ending in a slash, so that a missing slash is still
    # redirected (CommonMiddleware only redirects what would otherwise be a 404).
    re_path(r"^.*/$", UnknownPath.as_view()),
]
