"""The estimated-count paginator (core.pagination) on a few hundred demo dossiers, with its
threshold lowered so that the planner's estimate is used."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from core.pagination import EstimatedCountPagination, EstimatedCountPaginator, planner_estimate
from demo import dossiers as demo_dossiers
from dossiers.models import Dossier

COUNT = 300
PER_PAGE = 20


class Estimating(EstimatedCountPaginator):
    exact_count_below = 10


@pytest.fixture
def dossiers(world, clock):
    demo_dossiers.seed(lambda _line: None, count=COUNT, now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Dossier._meta.db_table}")
    return Dossier.objects.order_by("-created_at", "-pk")


def test_the_planner_estimates_the_list(dossiers):
    estimate = planner_estimate(dossiers)
    assert 0.5 * COUNT <= estimate <= 2 * COUNT


def test_small_lists_are_counted_exactly(dossiers):
    paginator = EstimatedCountPaginator(dossiers, PER_PAGE)
    assert paginator.estimated is None
    assert paginator.count == COUNT


def test_big_lists_take_the_estimate_and_page_by_lookahead(dossiers, django_assert_num_queries):
    paginator = Estimating(dossiers, PER_PAGE)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == planner_estimate(dossiers)
    assert [q["sql"].split()[0] for q in queries] == ["EXPLAIN", "EXPLAIN"]  # no count(*)
    with django_assert_num_queries(2):  # the page's keys, then its rows
        first = paginator.page(1)
    assert list(first) == list(dossiers[:PER_PAGE])
    assert first.has_next() and not first.has_previous()
    last_number = -(-COUNT // PER_PAGE)
    last = paginator.page(last_number)
    assert list(last) == list(dossiers[(last_number - 1) * PER_PAGE :])
    assert not last.has_next()
    with pytest.raises(EmptyPage):
        paginator.page(last_number + 1)
    with pytest.raises(PageNotAnInteger):
        paginator.page("two")


def test_a_page_past_any_list_is_empty_not_an_overflow(dossiers):
    # An OFFSET past PostgreSQL's bigint would be a database error (a 500 in the API).
    with pytest.raises(EmptyPage):
        Estimating(dossiers, PER_PAGE).page("999999999999999999999")


def test_the_drf_pagination_keeps_its_response_shape(dossiers, world):
    request = Request(APIRequestFactory().get("/api/v1/dossiers/", {"page": 2}))
    pagination = EstimatedCountPagination()
    pagination.page_size = PER_PAGE
    pagination.django_paginator_class = Estimating
    page = pagination.paginate_queryset(dossiers, request)
    body = pagination.get_paginated_response([d.code for d in page]).data
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["results"] == [d.code for d in dossiers[PER_PAGE : 2 * PER_PAGE]]
    assert "page=3" in body["next"] and body["previous"]
