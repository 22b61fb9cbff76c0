"""Demo data of the reform index: a 100-point scorecard modelled on the PAR index of the
wards and communes (8 areas, 31 criteria, 17 sub-criteria, 6 computed from the portal's
data), last year's index published with frozen ranks, this year's under appraisal with its
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

from . import services
from .models import (
    AssessmentState,
    CriterionKind,
    Inspection,
    InspectionKind,
    Metric,
    Rule,
    Score,
    Scorecard,
)

DEMO_SEED = 2017
QUARTER = Decimal("0.25")
GRADE_BANDS = [
    {"grade": "Xuất sắc", "min": 90},
    {"grade": "Tốt", "min": 80},
    {"grade": "Khá", "min": 70},
    {"grade": "Trung bình", "min": 50},
    {"grade": "Yếu", "min": 0},
]


def auto(metric, rule, **params):
    return {"kind": CriterionKind.AUTOMATIC, "metric": metric, "rule": rule, "rule_params": params}


def c(code, name, points, *children, guidance="", computed=None):
    """A criterion: code, name, maximum points, sub-criteria; ``computed`` for automatic."""
    return {
        "code": code,
        "name": name,
        "max_points": points,
        "guidance": guidance,
        "children": children,
        **(computed or {}),
    }


ON_TIME = auto(Metric.ON_TIME_RATE, Rule.RATIO, threshold=0.98)
ONLINE = auto(Metric.ONLINE_SHARE, Rule.RATIO, threshold=0.5)
APOLOGY = auto(Metric.APOLOGY_SHARE, Rule.RATIO, threshold=1, empty="full")
PUBLISHED = auto(Metric.PUBLISHED_PROCEDURES, Rule.RATIO, threshold=1)
SATISFACTION = auto(
    Metric.SATISFACTION,
    Rule.BANDS,
    bands=[
        {"min": 0.98, "points": 10},
        {"min": 0.95, "points": 9},
        {"min": 0.9, "points": 8},
        {"min": 0.8, "points": 6},
        {"min": 0.7, "points": 4},
        {"min": 0.5, "points": 2},
    ],
)
VIOLATIONS = auto(
    Metric.INSPECTION_VIOLATIONS,
    Rule.BANDS,
    bands=[{"max": 0, "points": 3}, {"max": 1, "points": 2}, {"max": 2, "points": 1}],
)

CRITERIA = [
    c(
        "I",
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        12,
        c(
            "I.1",
            "Kế hoạch cải cách hành chính năm",
            3,
            c(
                "I.1.1",
                "Ban hành kế hoạch cải cách hành chính năm kịp thời",
                1,
                guidance="Ban hành trước ngày 31/01: 1 điểm; sau ngày 31/01: 0,5 điểm.",
            ),
            c(
                "I.1.2",
                "Mức độ thực hiện kế hoạch cải cách hành chính",
                2,
                guidance="Hoàn thành 100% kế hoạch: 2 điểm; từ 80% đến dưới 100%: 1 điểm.",
            ),
        ),
        c(
            "I.2",
            "Thực hiện chế độ báo cáo cải cách hành chính đầy đủ, đúng thời hạn",
            1,
            guidance="Đủ số lượng, đúng nội dung và thời hạn: 1 điểm.",
        ),
        c(
            "I.3",
            "Công tác kiểm tra cải cách hành chính",
            2,
            c("I.3.1", "Thực hiện kế hoạch kiểm tra cải cách hành chính đối với các bộ phận", 1),
            c("I.3.2", "Xử lý các vấn đề phát hiện qua kiểm tra", 1),
        ),
        c("I.4", "Công tác tuyên truyền cải cách hành chính", 2),
        c(
            "I.5",
            "Sáng kiến, giải pháp mới trong thực hiện cải cách hành chính",
            2,
            guidance="Có sáng kiến được cấp có thẩm quyền công nhận: 2 điểm.",
        ),
        c("I.6", "Thực hiện các nhiệm vụ được Ủy ban nhân dân thị xã giao", 2),
    ),
    c(
        "II",
        "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật",
        8,
        c("II.1", "Ban hành văn bản quy phạm pháp luật thuộc thẩm quyền đúng quy định", 2),
        c("II.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", 2),
        c("II.3", "Tổ chức thực hiện và theo dõi thi hành pháp luật", 2),
        c("II.4", "Xử lý các vấn đề phát hiện qua rà soát, kiểm tra văn bản", 2),
    ),
    c(
        "III",
        "Cải cách thủ tục hành chính",
        22,
        c(
            "III.1",
            "Công khai thủ tục hành chính",
            4,
            c(
                "III.1.1",
                "Tỷ lệ thủ tục hành chính được công khai đầy đủ các bộ phận",
                2,
                guidance="Thành phần hồ sơ, trình tự thực hiện, thời hạn giải quyết, kết quả "
                "và căn cứ pháp lý; tính từ danh mục thủ tục trên Cổng.",
                computed=PUBLISHED,
            ),
            c(
                "III.1.2",
                "Công khai thủ tục hành chính tại Bộ phận Một cửa và trên Cổng thông tin "
                "điện tử đúng quy định",
                2,
            ),
        ),
        c(
            "III.2",
            "Thực hiện cơ chế một cửa, một cửa liên thông",
            14,
            c(
                "III.2.1",
                "Tỷ lệ hồ sơ giải quyết đúng hạn",
                6,
                guidance="Điểm = 6 × min(1, tỷ lệ / 98%), tính từ hồ sơ trên Cổng.",
                computed=ON_TIME,
            ),
            c(
                "III.2.2",
                "Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi và hẹn lại ngày trả kết quả",
                2,
                guidance="Không có hồ sơ quá hạn: đạt điểm tối đa.",
                computed=APOLOGY,
            ),
            c(
                "III.2.3",
                "Bố trí công chức, trang thiết bị tại Bộ phận Một cửa đúng quy định",
                2,
            ),
            c("III.2.4", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", 2),
            c(
                "III.2.5",
                "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính",
                2,
            ),
        ),
        c("III.3", "Rà soát, đề xuất đơn giản hóa thủ tục hành chính", 2),
        c("III.4", "Thực hiện thanh toán trực tuyến phí, lệ phí", 2),
    ),
    c(
        "IV",
        "Cải cách tổ chức bộ máy hành chính nhà nước",
        8,
        c("IV.1", "Thực hiện quy định về chức năng, nhiệm vụ, cơ cấu tổ chức", 3),
        c("IV.2", "Thực hiện quy định về số lượng cán bộ, công chức được giao", 3),
        c("IV.3", "Thực hiện phân cấp, ủy quyền quản lý nhà nước", 2),
    ),
    c(
        "V",
        "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức",
        12,
        c("V.1", "Thực hiện quy định về vị trí việc làm", 2),
        c("V.2", "Tuyển dụng, bố trí, sử dụng cán bộ, công chức đúng quy định", 2),
        c("V.3", "Đánh giá, xếp loại chất lượng cán bộ, công chức", 2),
        c("V.4", "Đào tạo, bồi dưỡng cán bộ, công chức", 2),
        c(
            "V.5",
            "Chấp hành kỷ luật, kỷ cương hành chính",
            4,
            c(
                "V.5.1",
                "Vi phạm kỷ luật, kỷ cương phát hiện qua kiểm tra công vụ",
                3,
                guidance="Không có vi phạm: 3 điểm; 1 vi phạm: 2 điểm; 2 vi phạm: 1 điểm.",
                computed=VIOLATIONS,
            ),
            c("V.5.2", "Không có cán bộ, công chức bị xử lý kỷ luật trong năm", 1),
        ),
    ),
    c(
        "VI",
        "Cải cách tài chính công",
        8,
        c("VI.1", "Thực hiện quy định về quản lý, sử dụng ngân sách nhà nước", 3),
        c("VI.2", "Quản lý, sử dụng tài sản công đúng quy định", 2),
        c("VI.3", "Thực hiện công khai tài chính, ngân sách", 3),
    ),
    c(
        "VII",
        "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
        15,
        c(
            "VII.1",
            "Ứng dụng công nghệ thông tin trong hoạt động của cơ quan",
            3,
            c("VII.1.1", "Sử dụng hệ thống quản lý văn bản và điều hành", 1.5),
            c("VII.1.2", "Sử dụng chữ ký số trong gửi, nhận văn bản điện tử", 1.5),
        ),
        c(
            "VII.2",
            "Cung cấp và sử dụng dịch vụ công trực tuyến",
            8,
            c(
                "VII.2.1",
                "Tỷ lệ hồ sơ trực tuyến",
                5,
                guidance="Điểm = 5 × min(1, tỷ lệ / 50%), tính từ hồ sơ trên Cổng.",
                computed=ONLINE,
            ),
            c(
                "VII.2.2",
                "Cập nhật, đồng bộ hồ sơ lên Hệ thống thông tin giải quyết thủ tục hành chính",
                3,
            ),
        ),
        c("VII.3", "Áp dụng Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015", 2),
        c("VII.4", "Bảo đảm an toàn thông tin mạng", 2),
    ),
    c(
        "VIII",
        "Mức độ hài lòng của người dân, tổ chức",
        15,
        c(
            "VIII.1",
            "Mức độ hài lòng của người dân, tổ chức đối với việc giải quyết thủ tục hành chính",
            10,
            guidance="Từ đánh giá của người dân trên Cổng: từ 98% hài lòng trở lên: 10 điểm.",
            computed=SATISFACTION,
        ),
        c(
            "VIII.2",
            "Tiếp nhận, trả lời phản ánh, kiến nghị của người dân, tổ chức đúng hạn",
            5,
        ),
    ),
]

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


# --- criteria ------------------------------------------------------------------------------


def criteria_rows():
    """The demo criteria as rows of the import format (parents before children)."""
    rows = []

    def add(node, parent, order):
        rows.append(
            {
                "code": node["code"],
                "parent": parent,
                "name": node["name"],
                "max_points": node["max_points"],
                "kind": node.get("kind", CriterionKind.MANUAL),
                "metric": node.get("metric", ""),
                "rule": node.get("rule", ""),
                "rule_params": node.get("rule_params", {}),
                "guidance": node["guidance"],
                "order": order,
            }
        )
        for child in node["children"]:
            add(child, node["code"], len(rows) + 1)

    for area in CRITERIA:
        add(area, "", len(rows) + 1)
    return rows


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
    services.import_criteria(scorecard, officer, content, "json")
    return scorecard


# --- the two years -------------------------------------------------------------------------


@transaction.atomic
def _seed_last_year(year, officer, leader, strengths):
    if Scorecard.objects.filter(year=year).exists():
        return "already there"
    scorecard = _new_scorecard(year, officer)
    services.open_self_assessment(scorecard, officer)
    rng = random.Random(DEMO_SEED + year)
    _self_assess(scorecard, strengths, rng, at=_moment(year + 1, 1, 10))
    services.open_appraisal(scorecard, officer)
    appraised_at = _moment(year + 1, 2, 5)
    for assessment in _appraise(scorecard, strengths, rng, scorecard.assessments.all()):
        services.appraise_assessment(assessment, officer, now=appraised_at)
    published_at = _moment(year + 1, 2, 20)
    count = services.publish(scorecard, leader, now=published_at)
    return f"{count} units appraised and published"


@transaction.atomic
def _seed_this_year(year, officer, strengths):
    if Scorecard.objects.filter(year=year).exists():
        return "already there"
    previous = Scorecard.objects.filter(year__lt=year).order_by("-year").first()
    if previous is not None:
        scorecard = services.copy_scorecard(previous, year, officer, title=_title(year))
    else:
        scorecard = _new_scorecard(year, officer)
    services.open_self_assessment(scorecard, officer)
    rng = random.Random(DEMO_SEED + year)
    drifted = {
        pk: min(0.98, strength + rng.uniform(-0.04, 0.04)) for pk, strength in strengths.items()
    }
    _self_assess(scorecard, drifted, rng, at=timezone.now() - timedelta(days=10))
    services.open_appraisal(scorecard, officer)
    assessments = list(scorecard.assessments.order_by("unit__code"))
    done = assessments[: len(assessments) * 4 // 5]
    for assessment in _appraise(scorecard, drifted, rng, done):
        services.appraise_assessment(assessment, officer)
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
