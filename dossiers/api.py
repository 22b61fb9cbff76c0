"""The dossier API (DESIGN §4): the scoped list and detail, the timeline, intake, one
endpoint per workflow action, and the public lookup by code and phone."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from core.pagination import EstimatedCountPagination
from core.roles import Role
from core.throttles import LookupThrottle

from .filters import DossierFilter
from .models import Dossier, DossierStep, ReadKind, fully_digitised_expression
from .privacy.reads import REASON_PARAMETER, reason_of, record_read
from .selectors import find_for_lookup
from .serializers.bodies import (
    ApologyRequestSerializer,
    AssignSerializer,
    CounterIntakeSerializer,
    DossierCreateSerializer,
    NoteSerializer,
    NoteWithFilesSerializer,
    OnlineFilingSerializer,
    RateSerializer,
    ReasonSerializer,
    TransferSerializer,
)
from .serializers.dossier import (
    DossierDetailSerializer,
    DossierListSerializer,
    EventSerializer,
    timeline_data,
)
from .serializers.lookup import LookupQuerySerializer, PublicDossierSerializer
from .services import step_actions, transitions
from .services.errors import TransitionError
from .workflow import Action


class DossierPagination(EstimatedCountPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class TransitionRefused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "transition_refused"


def as_api_error(error, upload_field="files"):
    """A service's refusal as the API answers it: ``{"detail": msg}`` or ``{field: [msg]}``.
    The services name a single upload "file"; ``upload_field`` is what the endpoint's body
    calls it (the filing's list of ``files``, or one ``file``)."""
    if error.field is None:
        return TransitionRefused(error.message)
    field = upload_field if error.field == "file" else error.field
    return ValidationError({field: [error.message]})


STEPS = DossierStep.objects.select_related("unit", "handler")


def with_details(dossiers):
    # Each prefetch is one query whatever the dossier holds; the rating and the handler
    # ride on the main query.
    return (
        dossiers.select_related("handler", "rating")
        .prefetch_related(
            "attachments",
            "supplements",
            "apologies",
            "components",
            Prefetch("steps", queryset=STEPS),
        )
        .annotate(fully_digitised=fully_digitised_expression())
    )


def as_just_filed(dossier, uploaded):
    """Fill in what ``with_details`` would read back for a dossier this request has just
    filed, without reading: it has no supplement, apology or rating yet, and only the
    attachments of its intake (read when there were some)."""
    dossier._prefetched_objects_cache = {
        "supplements": _known_empty(dossier.supplements),
        "apologies": _known_empty(dossier.apologies),
        "attachments": dossier.attachments.all() if uploaded else _known_empty(dossier.attachments),
        "components": dossier.components.all(),
        # Steps come from the version's workflow: none to read when it has none.
        "steps": (
            STEPS.filter(dossier=dossier)
            if (dossier.procedure_version.snapshot or {}).get("workflow")
            else _known_empty(dossier.steps)
        ),
    }
    Dossier.rating.related.set_cached_value(dossier, None)
    return dossier


def _known_empty(related):
    # Marked evaluated, as prefetching leaves its querysets: even an empty query would be
    # compiled each time it is iterated.
    rows = related.none()
    rows._result_cache, rows._prefetch_done = [], True
    return rows


def intake_serializer_for(user):
    """Desk officers receive at the counter; citizens file online; nobody else files."""
    if user.has_role(Role.DESK_OFFICER):
        return CounterIntakeSerializer
    if user.has_role(Role.CITIZEN):
        return OnlineFilingSerializer
    raise PermissionDenied(_("Only citizens and desk officers can file dossiers."))


def transition_endpoint(name, body_serializer, service):
    """``POST /dossiers/{code}/{name}/``: validate the body, let the service act, answer
    the updated dossier. The method is named after the service (``return`` is a keyword)."""

    def endpoint(self, request, code=None):
        dossier = self.get_object()
        body = body_serializer(
            data=request.data, context={**self.get_serializer_context(), "dossier": dossier}
        )
        body.is_valid(raise_exception=True)
        try:
            service(dossier, request.user, **body.validated_data)
        except TransitionError as error:
            raise as_api_error(error) from None
        return Response(self.detail_data(dossier))

    endpoint.__name__ = service.__name__
    endpoint.__doc__ = f"Take the “{name}” action on the dossier."
    decorated = action(
        detail=True, methods=["post"], url_path=str(name), serializer_class=body_serializer
    )(endpoint)
    return extend_schema(request=body_serializer, responses=DossierDetailSerializer)(decorated)


@extend_schema_view(list=extend_schema(summary=_("Dossiers visible to you, newest first")))
class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    """Dossiers by code, scoped by ``Dossier.objects.visible_to``: what a user may not see
    does not exist for them (404)."""

    lookup_field = "code"
    # Codes hold dots and dashes; anything else is still answered by the API (JSON 404).
    lookup_value_regex = r"[^/]+"
    filterset_class = DossierFilter
    pagination_class = DossierPagination
    serializer_class = DossierDetailSerializer

    def get_queryset(self):
        dossiers = Dossier.objects.visible_to(self.request.user).select_related(
            "procedure", "receiving_unit", "handling_unit"
        )
        return with_details(dossiers) if self.action == "retrieve" else dossiers

    def filter_queryset(self, queryset):
        # The filters narrow the list; a detail, timeline or action is found by code alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "list":
            return DossierListSerializer
        if self.action == "create":
            return DossierCreateSerializer
        return super().get_serializer_class()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                REASON_PARAMETER,
                OpenApiTypes.STR,
                description=_("Why you read this dossier; kept in the log of reads."),
            )
        ],
    )
    def retrieve(self, request, code=None):
        """The whole dossier; a staff read is logged (docs/privacy.md)."""
        dossier = self.get_object()
        record_read(request.user, dossier, ReadKind.API, reason=reason_of(request))
        return Response(self.get_serializer(dossier).data)

    def detail_data(self, dossier):
        # Re-read unscoped: an officer who has just transferred a dossier away still gets
        # the result of their action.
        fresh = with_details(
            Dossier.objects.select_related("procedure", "receiving_unit", "handling_unit")
        ).get(pk=dossier.pk)
        return DossierDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        request=DossierCreateSerializer,
        responses={201: DossierDetailSerializer},
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                OpenApiParameter.HEADER,
                response=[201],
                required=True,
                description=_("The new dossier's address."),
            )
        ],
        summary=_("File a dossier: counter intake by a desk officer, online by a citizen"),
    )
    def create(self, request):
        body = intake_serializer_for(request.user)(
            data=request.data, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        try:
            dossier = body.save()
        except TransitionError as error:
            raise as_api_error(error) from None
        location = request.build_absolute_uri(f"{request.path}{dossier.code}/")
        # Papers reused from the citizen's store are attached as well.
        files = body.validated_data["uploads"] or body.validated_data.get("reused_documents")
        just_filed = as_just_filed(dossier, uploaded=bool(files))
        return Response(
            DossierDetailSerializer(just_filed, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": location},
        )

    # The list's filters and pages are not the timeline's: it is found by code alone.
    @extend_schema(responses=EventSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], serializer_class=EventSerializer, pagination_class=None)
    def events(self, request, code=None):
        """The dossier's timeline, oldest first."""
        return Response(timeline_data(request.user, self.get_object()))

    receive = transition_endpoint(Action.RECEIVE, NoteSerializer, transitions.receive)
    refuse = transition_endpoint(Action.REFUSE, ReasonSerializer, transitions.refuse)
    request_supplement = transition_endpoint(
        Action.REQUEST_SUPPLEMENT, ReasonSerializer, transitions.request_supplement
    )
    supplement = transition_endpoint(
        Action.SUPPLEMENT, NoteWithFilesSerializer, transitions.supplement
    )
    transfer = transition_endpoint(Action.TRANSFER, TransferSerializer, transitions.transfer)
    request_payment = transition_endpoint(
        Action.REQUEST_PAYMENT, NoteSerializer, transitions.request_payment
    )
    confirm_payment = transition_endpoint(
        Action.CONFIRM_PAYMENT, NoteSerializer, transitions.confirm_payment
    )
    resolve = transition_endpoint(Action.RESOLVE, NoteWithFilesSerializer, transitions.resolve)
    return_result = transition_endpoint(Action.RETURN, NoteSerializer, transitions.return_result)
    request_withdrawal = transition_endpoint(
        Action.REQUEST_WITHDRAWAL, ReasonSerializer, transitions.request_withdrawal
    )
    stop = transition_endpoint(Action.STOP, ReasonSerializer, transitions.stop)
    apologize = transition_endpoint(
        Action.APOLOGIZE, ApologyRequestSerializer, transitions.apologize
    )
    rate = transition_endpoint(Action.RATE, RateSerializer, transitions.rate)
    assign = transition_endpoint(Action.ASSIGN, AssignSerializer, step_actions.assign)
    complete_step = transition_endpoint(
        Action.COMPLETE_STEP, NoteSerializer, step_actions.complete_step
    )
    approve = transition_endpoint(Action.APPROVE, NoteSerializer, step_actions.approve)
    return_for_rework = transition_endpoint(
        Action.RETURN_FOR_REWORK, ReasonSerializer, step_actions.return_for_rework
    )


# --- the public lookup ----------------------------------------------------------------------

NO_MATCH = _("No dossier matches this code and phone number.")


class DossierLookupView(APIView):
    """Anyone holding the receipt follows their dossier with its code and their phone."""

    permission_classes = [AllowAny]
    throttle_classes = [LookupThrottle]

    @extend_schema(
        parameters=[LookupQuerySerializer],
        responses={200: PublicDossierSerializer, 404: OpenApiResponse(description=NO_MATCH)},
    )
    def get(self, request):
        query = LookupQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        dossier = find_for_lookup(query.validated_data["code"], query.validated_data["phone"])
        if dossier is None:
            raise NotFound(NO_MATCH)
        return Response(PublicDossierSerializer(dossier).data)
