"""Template helpers of the reform index pages: points and shares as Vietnamese readers
write them, the words that explain an automatic criterion's points, and the pages the
records behind them link to."""

from dataclasses import dataclass
from decimal import Decimal

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import metrics, rules
from ..models import Metric
from ..roles import assessed_unit_id, sees_everything
from ..selectors.breakdown import DOSSIER, INSPECTION, PROCEDURE

register = template.Library()

NO_FIGURE = "—"
HUNDRED = Decimal(100)
TENTH = Decimal("0.1")

FIGURE_TEXTS = {
    Metric.ON_TIME_RATE: gettext_lazy(
        "%(numerator)s of %(denominator)s dossiers finished in the period were early or on time"
    ),
    Metric.ONLINE_SHARE: gettext_lazy(
        "%(numerator)s of %(denominator)s dossiers received in the period were filed online"
    ),
    Metric.SATISFACTION: gettext_lazy(
        "%(numerator)s of %(denominator)s ratings given in the period were satisfied or very "
        "satisfied"
    ),
    Metric.APOLOGY_SHARE: gettext_lazy(
        "%(numerator)s of %(denominator)s late dossiers finished in the period had an apology "
        "letter"
    ),
    Metric.PUBLISHED_PROCEDURES: gettext_lazy(
        "%(numerator)s of %(denominator)s published procedures show every part a citizen needs"
    ),
    Metric.INSPECTION_VIOLATIONS: gettext_lazy(
        "%(numerator)s violations found by %(denominator)s published inspections in the period"
    ),
}


def plain(value, places=2):
    """3, 2,5 and 0,25 rather than 3,00 or 2,50 (rounded to ``places``)."""
    number = rules.as_decimal(value)
    if number is None:
        return NO_FIGURE
    number = number.quantize(Decimal(1).scaleb(-places))
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return number_format(number)


# The page each kind of record behind an automatic point links to: the desk's dossier page,
# the public procedure page and the public inspection page.
RECORD_PAGES = {
    DOSSIER: "dossiers:desk-dossier",
    PROCEDURE: "procedures:detail",
    INSPECTION: "reform_index:inspection",
}


@register.filter
def record_page(item):
    """The page of a record behind an automatic point (a selectors RecordLink); "" when
    that page is not mounted."""
    try:
        return reverse(RECORD_PAGES[item.kind], args=[item.key])
    except NoReverseMatch:
        return ""


@register.filter
def works_on_index(user):
    """True for the people the workspace is for (the sub-navigation shows its link)."""
    return sees_everything(user) or bool(assessed_unit_id(user))


@register.filter
def points(value):
    return plain(value)


@register.filter
def total(value):
    """A total out of 100 with its two decimals, so that a column lines up: 89,70."""
    number = rules.as_decimal(value)
    return NO_FIGURE if number is None else number_format(number, 2)


@register.filter
def signed_points(value):
    """+3,25 or −1,5: a change of points."""
    number = rules.as_decimal(value)
    if number is None:
        return NO_FIGURE
    sign = "+" if number > 0 else "−" if number < 0 else ""
    return f"{sign}{plain(abs(number))}"


@register.filter
def share(ratio):
    """A ratio from 0 to 1 as a percentage: "98,5 %"."""
    number = rules.as_decimal(ratio)
    if number is None:
        return NO_FIGURE
    return f"{plain(number * HUNDRED, places=1)} %"


@register.filter
def magnitude(value):
    return abs(value)


@dataclass(frozen=True)
class Explanation:
    """How an automatic leaf got its points: ``figures`` (what was counted), ``verdict``
    (the value against the rule, and the points) and ``rule`` (the rule in words)."""

    figures: str
    verdict: str
    rule: str


@register.filter
def explain(node):
    """The Explanation of an automatic leaf (a ``selectors.tree.TreeNode`` with its score)."""
    score = node.score
    if score is None or score.computed_at is None:
        return Explanation("", _("Not computed yet."), node.rule_text)
    figures = FIGURE_TEXTS[Metric(node.metric)] % {
        "numerator": plain(score.numerator),
        "denominator": plain(score.denominator),
    }
    return Explanation(figures, _verdict(node, score), node.rule_text)


def _verdict(node, score):
    result = _("%(points)s/%(max)s points") % {
        "points": plain(score.auto_points),
        "max": plain(node.max_points),
    }
    if score.value is None:
        return _("Nothing to count in the period → %(result)s") % {"result": result}
    value = plain(score.value) if metrics.counts(node.metric) else share(score.value)
    if node.rule == rules.RATIO:
        return _ratio_verdict(node, score.value, value, result)
    return _("%(metric)s %(value)s → %(result)s") % {
        "metric": node.metric_label,
        "value": value,
        "result": result,
    }


def _ratio_verdict(node, ratio, value, result):
    params = rules.normalise_params(node.rule, node.rule_params)
    threshold = rules.as_decimal(params.get("threshold")) or Decimal(1)
    compared = 1 - ratio if params.get("inverse") else ratio
    words = {
        "metric": node.metric_label,
        "value": value,
        "compared": share(compared),
        "sign": "≥" if compared >= threshold else "<",
        "threshold": share(threshold),
        "result": result,
    }
    if params.get("inverse"):
        return (
            _(
                "%(metric)s %(value)s; 100 %% − %(value)s = %(compared)s %(sign)s threshold "
                "%(threshold)s → %(result)s"
            )
            % words
        )
    return _("%(metric)s %(value)s %(sign)s threshold %(threshold)s → %(result)s") % words
