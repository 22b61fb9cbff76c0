"""{{ dossier|remaining }} and {{ dossier|due_state }}: working time left, in words."""

from datetime import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from core.workdays import TZ
from dossiers.templatetags.dossier_tags import remaining
from dossiers.words import person

FRIDAY_9AM = datetime(2026, 11, 27, 9, 0, tzinfo=TZ)


def render(dossier):
    template = Template("{% load dossier_tags %}{{ dossier|remaining }}|{{ dossier|due_state }}")
    return template.render(Context({"dossier": dossier}))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 23, 9, 0, tzinfo=TZ), "còn 3 ngày|"),
        (datetime(2026, 11, 25, 14, 0, tzinfo=TZ), "còn 1 ngày 4 giờ|"),
        (datetime(2026, 11, 26, 10, 0, tzinfo=TZ), "còn 7 giờ|due-soon"),
        (datetime(2026, 11, 27, 8, 15, tzinfo=TZ), "còn 45 phút|due-soon"),
        (FRIDAY_9AM, "còn 0 phút|due-soon"),
        (datetime(2026, 11, 27, 11, 30, tzinfo=TZ), "quá hạn 2 giờ 30 phút|overdue"),
        (datetime(2026, 12, 1, 10, 0, tzinfo=TZ), "quá hạn 2 ngày 1 giờ|overdue"),
    ],
)
def test_remaining_in_vietnamese(make, clock, moment, expected):
    dossier = make("in_progress")  # received Mon 23/11 09:00, due Fri 27/11 09:00
    clock.move_to(moment)
    assert render(dossier) == expected


def test_remaining_in_english(make, clock):
    dossier = make("in_progress")
    clock.move_to(datetime(2026, 11, 25, 14, 0, tzinfo=TZ))
    with translation.override("en"):
        assert remaining(dossier) == "1 day 4 hours left"


def test_a_paused_clock_says_so_and_does_not_run(make, world, clock):
    dossier = make("supplement_requested")  # paused Mon 09:00 with 3 days left
    clock.move_to(datetime(2026, 12, 10, 9, 0, tzinfo=TZ))
    assert render(dossier) == "còn 3 ngày (đang tạm dừng tính thời hạn)|"


@pytest.mark.parametrize("status", ["submitted", "refused", "resolved", "returned", "stopped"])
def test_nothing_before_receipt_or_once_finished(make, clock, status):
    assert render(make(status)) == "|"


def test_person_puts_the_family_name_first(world):
    assert person(world.desk_officer) == "Nguyễn Văn An"
    world.desk_officer.first_name = world.desk_officer.last_name = ""
    assert person(world.desk_officer) == "desk"
    assert person(None) == ""
