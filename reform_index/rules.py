"""The scoring rules of the reform index, free of the ORM so they can be tested hard.

A leaf criterion computed from the portal's data has a metric (a numerator and a
denominator) and a rule that turns them into points:

- ``ratio``: ``points = max × min(1, ratio / threshold)``, with ``ratio = numerator /
  denominator``; params ``{"threshold": 0.98, "inverse": false, "empty": "zero"}``.
  ``inverse`` scores the complement (``1 − ratio``) for shares where less is better.
- ``bands``: the first band the value falls in gives the points, no band gives 0; params
  ``{"bands": [{"min": 0.95, "points": 3}, {"min": 0.8, "points": 2}], "empty": "zero"}``
  (a bare list of bands is accepted too). A band matches when ``value ≥ min`` and
  ``value ≤ max`` for whichever of the two it names, so ``{"max": 0, "points": 2}`` is
  "no violation at all". The value is the ratio, or the numerator for count metrics
  (inspection violations).

A zero denominator leaves the ratio undefined: the criterion then gets no points, unless
``"empty": "full"`` gives it full points (right for "late dossiers with an apology" when
nothing was late). Points are never below 0 nor above the criterion's maximum and are
rounded half up to 0.01.

Totals, ranks and grades live here too: the total is the sum of the leaves' final points,
scaled to 100 when the scorecard has no survey, else plus the survey score; equal totals
share a rank and the next rank skips (1, 2, 2, 4); a grade is the first band whose minimum
the total reaches.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext as _

RATIO = "ratio"
BANDS = "bands"
EMPTY_ZERO = "zero"
EMPTY_FULL = "full"
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class RuleError(ValueError):
    """Rule parameters that cannot score anything; ``messages`` says why."""

    def __init__(self, messages):
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = list(messages)


def as_decimal(value):
    """``value`` as a Decimal, or None when it is not a finite number (bools refused)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def rounded(value):
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def ratio_of(numerator, denominator):
    """numerator / denominator, or None for a zero (or missing) denominator."""
    if not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def metric_value(numerator, denominator, counts=False):
    """What the rule compares: the count itself for count metrics, else the ratio."""
    if counts:
        return Decimal(numerator or 0)
    return ratio_of(numerator or 0, denominator)


# --- parameters ----------------------------------------------------------------------------


def normalise_params(rule, params):
    """The canonical dict form of a rule's parameters (bands may come as a bare list)."""
    if rule == BANDS and isinstance(params, list):
        return {"bands": params}
    return params if isinstance(params, dict) else {}


def rule_problems(rule, params, max_points, counts=False):
    """Why these parameters cannot score (a list of messages; empty when they can)."""
    if rule not in (RATIO, BANDS):
        return [_("Choose the rule: ratio or bands.")]
    if not isinstance(params, dict | list):
        return [_("The rule parameters must be a JSON object.")]
    params = normalise_params(rule, params)
    problems = []
    if params.get("empty", EMPTY_ZERO) not in (EMPTY_ZERO, EMPTY_FULL):
        problems.append(_("“empty” must be “zero” or “full”."))
    if rule == RATIO:
        problems += _ratio_problems(params, counts)
    else:
        problems += _bands_problems(params.get("bands"), as_decimal(max_points) or Decimal(0))
    return problems


def _ratio_problems(params, counts):
    if counts:
        return [_("A count cannot be scored as a ratio; use bands.")]
    threshold = as_decimal(params.get("threshold"))
    problems = []
    if threshold is None or not Decimal(0) < threshold <= 1:
        problems.append(_("The threshold must be a number above 0 and at most 1 (e.g. 0.98)."))
    if not isinstance(params.get("inverse", False), bool):
        problems.append(_("“inverse” must be true or false."))
    return problems


def _bands_problems(bands, max_points):
    if not isinstance(bands, list) or not bands:
        return [_("List at least one band, e.g. {“min”: 0.95, “points”: 3}.")]
    problems = []
    for number, band in enumerate(bands, start=1):
        problems += [
            _("Band %(number)s: %(problem)s") % {"number": number, "problem": problem}
            for problem in _band_problems(band, max_points)
        ]
    return problems


def _band_problems(band, max_points):
    if not isinstance(band, dict):
        return [_("a band is an object with “min” and/or “max” and “points”.")]
    problems = []
    points = as_decimal(band.get("points"))
    if points is None or not Decimal(0) <= points <= max_points:
        problems.append(
            _("the points must be a number from 0 to %(max)s.") % {"max": _number(max_points)}
        )
    low, high = as_decimal(band.get("min")), as_decimal(band.get("max"))
    named = [key for key in ("min", "max") if key in band]
    if not named:
        problems.append(_("give a “min” or a “max”."))
    elif any(as_decimal(band[key]) is None for key in named):
        problems.append(_("“min” and “max” must be numbers."))
    elif low is not None and high is not None and low > high:
        problems.append(_("“min” is above “max”."))
    return problems


def check_rule(rule, params, max_points, counts=False):
    problems = rule_problems(rule, params, max_points, counts)
    if problems:
        raise RuleError(problems)


# --- points --------------------------------------------------------------------------------


def points(rule, params, max_points, numerator, denominator, counts=False):
    """The points a leaf earns from its metric's numerator and denominator."""
    check_rule(rule, params, max_points, counts)
    params = normalise_params(rule, params)
    maximum = Decimal(max_points)
    value = metric_value(numerator, denominator, counts)
    if value is None:
        earned = maximum if params.get("empty") == EMPTY_FULL else Decimal(0)
    elif rule == RATIO:
        earned = ratio_points(maximum, value, params)
    else:
        earned = band_points(params["bands"], value)
    return rounded(min(max(earned, Decimal(0)), maximum))


def ratio_points(maximum, ratio, params):
    if params.get("inverse"):
        ratio = 1 - ratio
    threshold = Decimal(str(params["threshold"]))
    return maximum * min(Decimal(1), ratio / threshold)


def band_points(bands, value):
    for band in bands:
        low, high = as_decimal(band.get("min")), as_decimal(band.get("max"))
        if (low is None or value >= low) and (high is None or value <= high):
            return Decimal(str(band["points"]))
    return Decimal(0)


def describe(rule, params, max_points, counts=False):
    """The rule in words, for the breakdown that explains each automatic point."""
    params = normalise_params(rule, params)
    if rule == RATIO:
        text = _("points = %(max)s × min(1, %(ratio)s / %(threshold)s)") % {
            "max": _number(max_points),
            "ratio": _("(1 − ratio)") if params.get("inverse") else _("ratio"),
            "threshold": _percent(params.get("threshold")),
        }
    elif rule == BANDS:
        parts = [_band_text(band, counts) for band in params.get("bands") or []]
        text = "; ".join([*parts, _("otherwise 0")])
    else:
        return ""
    if counts:  # a count always has a value: nothing found is 0
        return text
    if params.get("empty") == EMPTY_FULL:
        text += "; " + _("full points when there is nothing to count")
    else:
        text += "; " + _("no points when there is nothing to count")
    return text


def _band_text(band, counts):
    shown = _number if counts else _percent
    conditions = []
    if "min" in band:
        conditions.append(f"≥ {shown(band['min'])}")
    if "max" in band:
        conditions.append(f"≤ {shown(band['max'])}")
    return _("%(condition)s: %(points)s points") % {
        "condition": f" {_('and')} ".join(conditions),
        "points": _number(band.get("points")),
    }


def _number(value):
    number = as_decimal(value)
    if number is None:
        return str(value)
    # 3, 2.5 and 0.25 rather than 3.00, 2.50 or 1E+2.
    plain = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return number_format(plain)


def _percent(value):
    number = as_decimal(value)
    if number is None:
        return str(value)
    return f"{_number(rounded(number * HUNDRED))}%"


# --- totals, ranks, grades -----------------------------------------------------------------


def total_score(leaf_points, leaf_maximum, survey_points, survey_score):
    """The index of one unit out of 100.

    Without a survey (``survey_points`` 0) the appraised points are scaled to 100, so a
    tree worth 70 points still reads as a percentage; with one, the survey score is added
    to the criteria's points."""
    leaf_points = Decimal(leaf_points or 0)
    if not Decimal(survey_points or 0):
        if not leaf_maximum:
            return Decimal("0.00")
        return rounded(leaf_points * HUNDRED / Decimal(leaf_maximum))
    return rounded(leaf_points + Decimal(survey_score or 0))


def competition_ranks(totals):
    """{key: rank} with equal totals sharing a rank and the next rank skipping them:
    totals 90, 85, 85, 70 rank 1, 2, 2, 4."""
    ordered = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    ranks, previous, rank = {}, None, 0
    for position, (key, total) in enumerate(ordered, start=1):
        if total != previous:
            rank, previous = position, total
        ranks[key] = rank
    return ranks


def grade_for(total, bands):
    """The first band (highest first) whose minimum ``total`` reaches; "" for none."""
    for band in sorted(bands, key=lambda band: Decimal(str(band["min"])), reverse=True):
        if Decimal(total) >= Decimal(str(band["min"])):
            return band["grade"]
    return ""


def grade_band_problems(bands):
    """Why a list of grade bands cannot grade (empty list of messages when it can)."""
    if not isinstance(bands, list) or not bands:
        return [_("List the grade bands, e.g. {“grade”: “Tốt”, “min”: 80}.")]
    problems, minimums = [], []
    for number, band in enumerate(bands, start=1):
        grade = band.get("grade") if isinstance(band, dict) else None
        low = as_decimal(band.get("min")) if isinstance(band, dict) else None
        if not isinstance(grade, str) or not grade.strip():
            problems.append(_("Band %(number)s has no grade name.") % {"number": number})
        if low is None or not Decimal(0) <= low <= HUNDRED:
            problems.append(
                _("Band %(number)s needs a minimum from 0 to 100.") % {"number": number}
            )
        else:
            minimums.append(low)
    if len(set(minimums)) != len(minimums):
        problems.append(_("Two grade bands have the same minimum."))
    return problems
