"""Demo data of the reform index: two years scored on the criteria of `index_criteria`,
last year's index published with frozen ranks, this year's under appraisal with its
automatic criteria computed from the demo dossiers, and ~50 inspections.

The scorecards move through the services (import, open, compute, appraise, publish) with
the demo's index officer and leader. The wards' own points are written directly: the demo
has a leader account for one ward only. Idempotent: a year that already has a scorecard is
left alone, and inspections are added only when there are none.
"""

import json
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import User
from core.roles import Role
from core.selectors import scored_units
from core.workdays import TZ
from reform_index.models import (
    AssessmentState,
    CriterionKind,
    Inspection,
    InspectionKind,
    Score,
    Scorecard,
)
from reform_index.services import appraisal, criteria_io, lifecycle

from .index_criteria import GRADE_BANDS, criteria_rows

DEMO_SEED = 2017
QUARTER = Decimal("0.25")

TEAM = "Đoàn kiểm tra công vụ thị xã Sơn Tây"
CLEAN_FINDINGS = (
    "Cán bộ, công chức chấp hành nghiêm thời giờ làm việc, đeo thẻ công chức đầy đủ; "
    "niêm yết công khai thủ tục hành chính tại Bộ phận Một cửa đúng quy định."
)
VIOLATION_FINDINGS = [
    "01 công chức không đeo thẻ công chức trong giờ làm việc.",
    "Niêm yết thủ tục hành chính tại Bộ phận Một cửa chưa cập nhật theo quyết định công bố mới.",
    "01 công chức vắng mặt tại trụ sở trong giờ làm việc không có lý do.",
    "Sổ theo dõi hồ sơ ghi chép chưa đầy đủ thông tin.",
    "Chậm cập nhật hồ sơ lên Hệ thống thông tin giải quyết thủ tục hành chính.",
]
NOTES = [
    "Đã ban hành đầy đủ văn bản theo kế hoạch.",
    "Hoàn thành đúng tiến độ, có báo cáo kèm theo.",
    "Thực hiện đúng quy định, có hồ sơ lưu.",
]
COMMENTS = [
    "Thống nhất với điểm tự chấm.",
    "Tài liệu kiểm chứng chưa đầy đủ, trừ điểm.",
    "Chưa hoàn thành đúng thời hạn theo kế hoạch.",
]


def seed(out):
    units = list(scored_units().order_by("code"))
    officer = _user(Role.INDEX_OFFICER)
    leader = _user(Role.LEADER)
    if not units or officer is None or leader is None:
        out("  reform index: no scored units or no index officer/leader, nothing added")
        return
    today = timezone.localdate()
    rng = random.Random(DEMO_SEED)
    strengths = {unit.pk: rng.uniform(0.72, 0.97) for unit in units}
    with transaction.atomic():
        added = _seed_inspections(units, officer, today, rng)
    out(f"  inspections: {added} added" if added else "  inspections: already there")
    last = _seed_last_year(today.year - 1, officer, leader, strengths)
    out(f"  scorecard {today.year - 1}: {last}")
    current = _seed_this_year(today.year, officer, strengths)
    out(f"  scorecard {today.year}: {current}")


def _user(role):
    return (
        User.objects.filter(groups__name=role, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )


def _title(year):
    return f"Chỉ số cải cách hành chính năm {year} của các phường, xã"


def _new_scorecard(year, officer):
    scorecard = Scorecard.objects.create(
        year=year,
        title=_title(year),
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        grade_bands=GRADE_BANDS,
    )
    content = json.dumps({"criteria": criteria_rows()}, ensure_ascii=False).encode()
    criteria_io.import_criteria(scorecard, officer, content, "json")
    return scorecard


# --- the two years -------------------------------------------------------------------------


@transaction.atomic
def _seed_last_year(year, officer, leader, strengths):
    if Scorecard.objects.filter(year=year).exists():
        return "already there"
    scorecard = _new_scorecard(year, officer)
    lifecycle.open_self_assessment(scorecard, officer)
    rng = random.Random(DEMO_SEED + year)
    _self_assess(scorecard, strengths, rng, at=_moment(year + 1, 1, 10))
    lifecycle.open_appraisal(scorecard, officer)
    appraised_at = _moment(year + 1, 2, 5)
    for assessment in _appraise(scorecard, strengths, rng, scorecard.assessments.all()):
        appraisal.appraise_assessment(assessment, officer, now=appraised_at)
    published_at = _moment(year + 1, 2, 20)
    count = lifecycle.publish(scorecard, leader, now=published_at)
    return f"{count} units appraised and published"


@transaction.atomic
def _seed_this_year(year, officer, strengths):
    if Scorecard.objects.filter(year=year).exists():
        return "already there"
    previous = Scorecard.objects.filter(year__lt=year).order_by("-year").first()
    if previous is not None:
        scorecard = lifecycle.copy_scorecard(previous, year, officer, title=_title(year))
    else:
        scorecard = _new_scorecard(year, officer)
    lifecycle.open_self_assessment(scorecard, officer)
    rng = random.Random(DEMO_SEED + year)
    drifted = {
        pk: min(0.98, strength + rng.uniform(-0.04, 0.04)) for pk, strength in strengths.items()
    }
    _self_assess(scorecard, drifted, rng, at=timezone.now() - timedelta(days=10))
    lifecycle.open_appraisal(scorecard, officer)
    assessments = list(scorecard.assessments.order_by("unit__code"))
    done = assessments[: len(assessments) * 4 // 5]
    for assessment in _appraise(scorecard, drifted, rng, done):
        appraisal.appraise_assessment(assessment, officer)
    waiting = len(assessments) - len(done)
    return f"under appraisal: {len(done)} units appraised, {waiting} waiting"


def _moment(year, month, day):
    return datetime.combine(date(year, month, day), time(9, 30), tzinfo=TZ)


def _manual_scores(scorecard, assessments):
    return (
        Score.objects.filter(assessment__in=assessments, criterion__kind=CriterionKind.MANUAL)
        .select_related("criterion", "assessment")
        .order_by("assessment__unit__code", "criterion__order")
    )


def _self_assess(scorecard, strengths, rng, at):
    """Each ward's own points, a little generous, then its submission."""
    assessments = scorecard.assessments.all()
    scores = list(_manual_scores(scorecard, assessments))
    for score in scores:
        strength = strengths[score.assessment.unit_id]
        score.self_points = _points(score.criterion.max_points, strength + 0.05, rng)
        if rng.random() < 0.3:
            score.self_note = rng.choice(NOTES)
            score.evidence_links = [
                f"https://vanban.sontay.example.vn/{scorecard.year}/{score.criterion.code}.pdf"
            ]
    Score.objects.bulk_update(scores, ["self_points", "self_note", "evidence_links"])
    assessments.update(state=AssessmentState.SUBMITTED, submitted_at=at)


def _appraise(scorecard, strengths, rng, assessments):
    """The index officer's points (never above the ward's own); returns the assessments."""
    scores = list(_manual_scores(scorecard, assessments))
    for score in scores:
        strength = strengths[score.assessment.unit_id]
        appraised = _points(score.criterion.max_points, strength, rng)
        score.appraised_points = min(appraised, score.self_points)
        if score.appraised_points < score.self_points:
            score.appraisal_comment = rng.choice(COMMENTS[1:])
    Score.objects.bulk_update(scores, ["appraised_points", "appraisal_comment"])
    return list(assessments)


def _points(maximum, strength, rng):
    share = min(1.0, max(0.0, strength + rng.uniform(-0.08, 0.08)))
    quarters = (Decimal(maximum) * Decimal(str(share)) / QUARTER).to_integral_value()
    return min(Decimal(maximum), quarters * QUARTER)


# --- inspections ---------------------------------------------------------------------------


def _seed_inspections(units, officer, today, rng, per_year=25):
    if Inspection.objects.exists():
        return 0
    rows = []
    for year in (today.year - 1, today.year):
        first = date(year, 1, 5)
        last = min(date(year, 12, 20), today - timedelta(days=1))
        if last < first:  # early January: nothing inspected yet this year
            continue
        for number in range(per_year):
            unit = units[(number * 7 + year) % len(units)]
            day = first + timedelta(days=rng.randint(0, (last - first).days))
            rows.append(_inspection(unit, day, number, officer, today, rng))
    Inspection.objects.bulk_create(rows)
    return len(rows)


def _inspection(unit, day, number, officer, today, rng):
    violations = rng.choices([0, 1, 2, 3], weights=[65, 20, 10, 5])[0]
    findings = (
        " ".join(rng.sample(VIOLATION_FINDINGS, min(violations, len(VIOLATION_FINDINGS))))
        if violations
        else CLEAN_FINDINGS
    )
    follow_up = (
        f"Yêu cầu {unit.name} chấn chỉnh, báo cáo kết quả khắc phục trước ngày "
        f"{day + timedelta(days=30):%d/%m/%Y}."
        if violations
        else ""
    )
    return Inspection(
        unit=unit,
        date=day,
        team=f"{TEAM} (Quyết định số {100 + number}/QĐ-UBND)",
        kind=InspectionKind.UNANNOUNCED if rng.random() < 0.3 else InspectionKind.SCHEDULED,
        findings=findings,
        violations=violations,
        follow_up=follow_up,
        # The last weeks' reports are still being written up.
        published=(today - day).days > 21 or rng.random() < 0.3,
        created_by=officer,
    )
