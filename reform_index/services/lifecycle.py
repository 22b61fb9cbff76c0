"""The scorecard's life, draft → self_assessment → appraisal → published, and copying a
year.

- ``open_self_assessment`` (index officer or leader) checks the criteria tree and grade
  bands and creates an assessment per scored unit with a score row per leaf criterion;
- the unit's own leader fills its self-assessment (``services.self_assessment``);
- ``open_appraisal`` computes the automatic criteria; the index officer appraises each
  assessment (``services.appraisal``);
- ``publish`` (leader; before the period ends only with a reason, which is recorded)
  computes the automatic criteria a last time and freezes every unit's total, rank and
  grade. After that nothing changes, whatever happens to the dossiers: every service
  refuses to touch a published scorecard.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.selectors import scored_units

from ..models import Assessment, AssessmentState, Score, Scorecard, ScorecardState
from ..selectors.results import compute_results, leaves
from .access import (
    Refused,
    can_manage,
    can_publish,
    can_run_process,
    locked_scorecard,
    require,
    require_not_frozen,
    require_state,
)
from .computing import compute_automatic
from .criteria_tree import replace_criteria, scorecard_nodes, scorecard_problems

MAX_REASON_LENGTH = 1000


@transaction.atomic
def open_self_assessment(scorecard, actor):
    """Draft → self-assessment: check the scorecard, then give each scored unit its
    assessment."""
    require(can_run_process(actor), _("Only reform index officers and leaders can do this."))
    scorecard = locked_scorecard(scorecard)
    require_state(scorecard, ScorecardState.DRAFT, _("Only a draft scorecard can be opened."))
    problems = scorecard_problems(scorecard)
    if problems:
        raise Refused(errors=problems)
    created = create_assessments(scorecard)
    scorecard.state = ScorecardState.SELF_ASSESSMENT
    scorecard.save(update_fields=["state"])
    return created


@transaction.atomic
def open_appraisal(scorecard, actor, now=None):
    """Self-assessment → appraisal; the automatic criteria are computed for the appraisers."""
    require(can_run_process(actor), _("Only reform index officers and leaders can do this."))
    scorecard = locked_scorecard(scorecard)
    require_state(
        scorecard,
        ScorecardState.SELF_ASSESSMENT,
        _("The appraisal opens after the self-assessment."),
    )
    scorecard.state = ScorecardState.APPRAISAL
    scorecard.save(update_fields=["state"])
    return compute_automatic(scorecard, now=now)


@transaction.atomic
def publish(scorecard, actor, now=None, early_reason=""):
    """Appraisal → published: compute the automatic criteria a last time, then freeze each
    unit's total, rank and grade. Before the period ends only with ``early_reason``, which
    is recorded. Returns the number of assessments published."""
    require(can_publish(actor), _("Only leaders can publish the reform index."))
    scorecard = locked_scorecard(scorecard)
    require_state(
        scorecard, ScorecardState.APPRAISAL, _("Only a scorecard under appraisal can be published.")
    )
    now = now or timezone.now()
    errors = _publication_problems(scorecard, now, early_reason)
    if errors:
        raise Refused(errors=errors)
    compute_automatic(scorecard, now=now)
    assessments = list(scorecard.assessments.all())
    results = compute_results(scorecard)
    for assessment in assessments:
        result = results[assessment.pk]
        assessment.total, assessment.rank, assessment.grade = (
            result.total,
            result.rank,
            result.grade,
        )
    Assessment.objects.bulk_update(assessments, ["total", "rank", "grade"])
    scorecard.state = ScorecardState.PUBLISHED
    scorecard.published_at, scorecard.published_by = now, actor
    scorecard.early_publication_reason = (
        "" if scorecard.period_has_ended(now) else early_reason.strip()
    )
    scorecard.save(
        update_fields=["state", "published_at", "published_by", "early_publication_reason"]
    )
    return len(assessments)


def _publication_problems(scorecard, now, early_reason):
    errors = {}
    waiting = list(
        scorecard.assessments.exclude(state=AssessmentState.APPRAISED)
        .order_by("unit__code")
        .values_list("unit__name", flat=True)
    )
    if waiting:
        errors["assessments"] = [_("Not appraised yet: %(units)s.") % {"units": ", ".join(waiting)}]
    problem = _early_reason_problem(scorecard, now, early_reason)
    if problem:
        errors["early_reason"] = [problem]
    return errors


def _early_reason_problem(scorecard, now, reason):
    """Publishing before the period ends needs the leader's reason (the period's data are
    not all in yet); after it, the reason is not asked for."""
    if scorecard.period_has_ended(now):
        return None
    if not isinstance(reason, str) or not reason.strip():
        return _(
            "The %(year)s period ends on %(end)s: the index can be published from %(first)s, "
            "or earlier only if you give the reason for publishing early."
        ) % {
            "year": scorecard.year,
            "end": f"{scorecard.period_end:%d/%m/%Y}",
            "first": f"{scorecard.period_end + timedelta(days=1):%d/%m/%Y}",
        }
    if len(reason.strip()) > MAX_REASON_LENGTH:
        return _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON_LENGTH}
    return None


def create_assessments(scorecard, units=None):
    """An assessment for each scored unit (or ``units``) and a score row per leaf;
    idempotent. Returns how many assessments were added."""
    require_not_frozen(scorecard)
    units = list(scored_units() if units is None else units)
    before = scorecard.assessments.count()
    Assessment.objects.bulk_create(
        [Assessment(scorecard=scorecard, unit=unit) for unit in units], ignore_conflicts=True
    )
    assessment_ids = scorecard.assessments.filter(unit__in=units).values_list("pk", flat=True)
    leaf_ids = leaves(scorecard).values_list("pk", flat=True)
    Score.objects.bulk_create(
        [
            Score(assessment_id=assessment_id, criterion_id=criterion_id)
            for assessment_id in assessment_ids
            for criterion_id in leaf_ids
        ],
        ignore_conflicts=True,
    )
    return scorecard.assessments.count() - before


# --- copying a year ------------------------------------------------------------------------


@transaction.atomic
def copy_scorecard(source, year, actor, title=None):
    """A new draft scorecard for ``year`` with ``source``'s criteria, survey share and
    grade bands; its period moves by the years between them."""
    require(can_manage(actor), _("Only reform index officers can create scorecards."))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise Refused(_("Enter a year from 2000 to 2100."), field="year")
    if Scorecard.objects.filter(year=year).exists():
        raise Refused(_("There is already a scorecard for %(year)s.") % {"year": year}, "year")
    shift = year - source.year
    scorecard = Scorecard.objects.create(
        year=year,
        title=title or _("Administrative reform index %(year)s") % {"year": year},
        period_start=_shifted(source.period_start, shift),
        period_end=_shifted(source.period_end, shift),
        survey_points=source.survey_points,
        grade_bands=source.grade_bands,
    )
    replace_criteria(scorecard, scorecard_nodes(source))
    return scorecard


def _shifted(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return date(day.year + years, 2, 28)
