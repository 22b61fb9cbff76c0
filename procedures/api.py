"""The public catalogue API: fields and procedures, by national code."""

import hashlib
from functools import cached_property, partial

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.viewsets import ReadOnlyModelViewSet

from core.throttles import AnonRateThrottle

from .catalogue_cache import derived_from_catalogue
from .filters import ProcedureFilter
from .models import CATALOGUE_ORDER, Field, Procedure, RequiredDocument, WorkflowStep
from .serializers import FieldSerializer, ProcedureDetailSerializer, ProcedureListSerializer

# What a list row shows; the detail loads the rest.
LIST_COLUMNS = (
    "code",
    "name",
    "level",
    "online_level",
    "time_limit_amount",
    "time_limit_unit",
    "same_day_cutoff",
    "field__code",
    "field__name",
    "field__order",
)


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from the cache when the same list was counted since
    the catalogue last changed: counting all 5,000 procedures costs more than a page."""

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        return derived_from_catalogue(
            self.count_key, lambda: super(CachedCountPaginator, self).count
        )


class CataloguePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.django_paginator_class = partial(
            CachedCountPaginator, count_key=self.count_key(request, view)
        )
        return super().paginate_queryset(queryset, request, view)

    def count_key(self, request, view):
        """The list's identity: its filters and who asks (staff also count unpublished)."""
        params = sorted(
            (name, value)
            for name, values in request.query_params.lists()
            if name not in (self.page_query_param, self.page_size_query_param)
            for value in values
        )
        scope = "all" if view.sees_unpublished else "published"
        digest = hashlib.sha256(repr((scope, params)).encode()).hexdigest()
        return f"count:{digest}"


class FieldViewSet(ReadOnlyModelViewSet):
    """Fields (lĩnh vực) with the number of published procedures in each; not paginated."""

    serializer_class = FieldSerializer
    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    pagination_class = None
    lookup_field = "code"
    queryset = Field.objects.annotate(
        procedure_count=Count("procedures", filter=Q(procedures__published=True))
    ).order_by("order", "name")


class ProcedureViewSet(ReadOnlyModelViewSet):
    """The procedure catalogue. ``search`` ignores diacritics and case ("dang ky khai sinh"
    finds "Đăng ký khai sinh"); anonymous callers see published procedures only."""

    permission_classes = [AllowAny]
    throttle_classes = [AnonRateThrottle]
    pagination_class = CataloguePagination
    filterset_class = ProcedureFilter
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"  # national codes hold dots: 1.001193.H19

    @cached_property
    def sees_unpublished(self):
        return self.request.user.has_perm("procedures.view_procedure")

    def get_queryset(self):
        # The search filter, when given, replaces this order with its relevance order.
        procedures = Procedure.objects.select_related("field").order_by(*CATALOGUE_ORDER)
        if not self.sees_unpublished:
            procedures = procedures.published()
        if self.action == "list":
            return procedures.only(*LIST_COLUMNS)
        return procedures.prefetch_related(
            "handling_units",
            Prefetch("documents", queryset=RequiredDocument.objects.order_by("order", "pk")),
            Prefetch("workflow", queryset=WorkflowStep.objects.select_related("unit")),
        )

    def get_serializer_class(self):
        return ProcedureListSerializer if self.action == "list" else ProcedureDetailSerializer
