"""Page-number pagination that stays fast on big tables.

Django's paginator counts every row a list matches before it slices the page; on a million
dossiers that count(*) costs more than the page itself (docs/performance.md). Above a
threshold nobody needs the exact figure ("about 1,000,000 dossiers" is as useful), so
`EstimatedCountPaginator` asks PostgreSQL's planner first and only counts exactly when the
planner expects a small list, where counting is cheap and exact numbers are noticed.

With an estimated count the page links must not trust it: a page is valid when it has rows,
and "next" exists when one more row than the page holds was found. Big lists also find the
page's keys first and then load those rows with their joins, so that a deep page does not
join every row it skips. On other databases (SQLite in development) the count is exact and
the paging is Django's.
"""

import json

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

EXACT_COUNT_BELOW = 10_000
# No list holds a billion pages, and a larger number would overflow PostgreSQL's bigint
# OFFSET (a 500): such a page is simply empty.
LAST_POSSIBLE_PAGE = 1_000_000_000


def planner_estimate(queryset):
    """The number of rows PostgreSQL's planner expects `queryset` to return, or None when
    the database cannot tell."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    exact_count_below = EXACT_COUNT_BELOW

    @cached_property
    def estimated(self):
        """The planner's figure when it is at least `exact_count_below`, else None."""
        if not hasattr(self.object_list, "query"):
            return None
        estimate = planner_estimate(self.object_list)
        return estimate if estimate is not None and estimate >= self.exact_count_below else None

    @cached_property
    def count(self):
        if self.estimated is not None:
            return self.estimated
        return self.object_list.count()

    def validate_number(self, number):
        if self.estimated is None:
            return super().validate_number(number)
        # The estimate may fall short of the real count: any page number is worth a try.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not an integer")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        if number > LAST_POSSIBLE_PAGE:
            raise EmptyPage(_("That page contains no results"))
        return number

    def page(self, number):
        if self.estimated is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(
            self.object_list.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1]
        )
        if not keys and number > 1:
            raise EmptyPage(_("That page contains no results"))
        rows = self._rows(keys[: self.per_page])
        return LookaheadPage(rows, number, self, len(keys) > self.per_page)

    def _rows(self, keys):
        """The page's rows with their joins, fetched by key: the planner would otherwise
        join every skipped row before the OFFSET (a deep page then costs its depth)."""
        by_key = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        return [by_key[key] for key in keys if key in by_key]


class LookaheadPage(Page):
    """A page that knows whether another follows from the extra row it fetched."""

    def __init__(self, object_list, number, paginator, more):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class EstimatedCountPagination(PageNumberPagination):
    """DRF page-number pagination on `EstimatedCountPaginator`: same response shape; the
    count is the planner's estimate for lists of `EXACT_COUNT_BELOW` rows or more."""

    django_paginator_class = EstimatedCountPaginator
