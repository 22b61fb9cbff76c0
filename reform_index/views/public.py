"""The public reform index pages: the ranking and each unit's scorecard, every point
explained. What a visitor sees is the models' ``visible_to``; the links to the records
behind the points are built by the templates (``index_pages.record_page``)."""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import Assessment, Inspection, Scorecard, ScorecardState
from ..roles import sees_everything
from ..selectors import results
from ..selectors.breakdown import assessment_breakdown, record_kinds_for
from ..selectors.tree import walk


def rankable_scorecards(user):
    """Scorecards whose ranking ``user`` may see: published ones, and those in progress
    (provisional) for index officers and leaders."""
    visible = Scorecard.objects.visible_to(user).exclude(state=ScorecardState.DRAFT)
    return visible if sees_everything(user) else visible.filter(state=ScorecardState.PUBLISHED)


@dataclass(frozen=True)
class RankingLine:
    """A ranking row with its change of points from the previous published year."""

    row: results.RankingRow
    previous_total: object
    points_change: object


def ranking_lines(scorecard):
    """[RankingLine] of the scorecard; a fixed number of queries whatever the units."""
    previous = results.previous_published(scorecard)
    previous_totals = (
        {row.unit_id: row.total for row in results.ranking(previous)} if previous else {}
    )
    lines = []
    for row in results.ranking(scorecard):
        before = previous_totals.get(row.unit_id)
        change = None if before is None or row.total is None else row.total - before
        lines.append(RankingLine(row, before, change))
    return lines, previous


@require_GET
def ranking(request, year=None):
    scorecards = rankable_scorecards(request.user)
    if year is None:
        scorecard = scorecards.filter(state=ScorecardState.PUBLISHED).order_by("-year").first()
    else:
        scorecard = get_object_or_404(scorecards, year=year)
    lines, previous = ranking_lines(scorecard) if scorecard else ([], None)
    context = {
        "scorecard": scorecard,
        "lines": lines,
        "previous": previous,
        "years": list(scorecards.order_by("-year").values_list("year", "state")),
    }
    return render(request, "reform_index/index/ranking.html", context)


@require_GET
def unit_scorecard(request, year, code):
    """One unit's scorecard, every point explained, and its inspections of the period."""
    scorecard = get_object_or_404(Scorecard.objects.visible_to(request.user), year=year)
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user), scorecard=scorecard, unit__code=code
    )
    kinds = record_kinds_for(request.user, assessment)
    breakdown = assessment_breakdown(assessment, kinds)
    inspections = (
        Inspection.objects.visible_to(request.user)
        .filter(unit=assessment.unit_id, date__range=(scorecard.period_start, scorecard.period_end))
        .order_by("-date", "-pk")
    )
    previous = results.previous_published(scorecard)
    context = {
        "breakdown": breakdown,
        "scorecard": scorecard,
        "rows": list(walk(breakdown.areas)),
        "inspections": inspections,
        "previous": previous,
        "previous_result": previous.assessments.filter(unit=assessment.unit_id).first()
        if previous
        else None,
        "can_rank": rankable_scorecards(request.user).filter(pk=scorecard.pk).exists(),
    }
    return render(request, "reform_index/index/unit.html", context)
