"""Time limits, fees and copies in plain words, and the per-channel terms behind them."""

from datetime import time
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import override_settings
from django.utils import translation

from core.workdays import LimitUnit
from procedures.models import Channel, Procedure
from procedures.selectors import procedure_terms
from procedures.templatetags.catalogue import time_limit, web_link
from procedures.words import copies, fee_words, time_limit_words


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("amount", "unit", "cutoff", "words"),
    [
        (Decimal(7), LimitUnit.WORKING_DAYS, None, "7 ngày làm việc"),
        (Decimal(1), LimitUnit.WORKING_DAYS, None, "1 ngày làm việc"),
        (Decimal("7.00"), LimitUnit.WORKING_DAYS, None, "7 ngày làm việc"),
        (Decimal(10), LimitUnit.WORKING_DAYS, None, "10 ngày làm việc"),
        (Decimal("0.5"), LimitUnit.WORKING_DAYS, None, "0,5 ngày làm việc"),
        (Decimal(4), LimitUnit.WORKING_HOURS, None, "4 giờ làm việc"),
        (Decimal(30), LimitUnit.CALENDAR_DAYS, None, "30 ngày"),
        (Decimal(1500), LimitUnit.CALENDAR_DAYS, None, "1.500 ngày"),
        (Decimal(0), LimitUnit.SAME_DAY, time(15), "Trong ngày (nhận trước 15:00)"),
        (Decimal(0), LimitUnit.SAME_DAY, time(10, 30), "Trong ngày (nhận trước 10:30)"),
        ("3", "working_days", None, "3 ngày làm việc"),
    ],
)
def test_time_limit_in_vietnamese_words(amount, unit, cutoff, words):
    assert time_limit_words(amount, unit, cutoff) == words


@override_settings(ONESTOP_SAME_DAY_CUTOFF="16:00")
def test_same_day_without_its_own_cutoff_uses_the_configured_one():
    assert time_limit_words(0, LimitUnit.SAME_DAY) == "Trong ngày (nhận trước 16:00)"


@pytest.mark.parametrize(
    ("amount", "unit"),
    [(0, LimitUnit.WORKING_DAYS), (None, LimitUnit.CALENDAR_DAYS), (5, "fortnights")],
)
def test_missing_or_unknown_limit_says_so(amount, unit):
    assert time_limit_words(amount, unit) == "Chưa quy định thời hạn"


def test_english_words_agree_in_number():
    with translation.override("en"):
        assert time_limit_words(1, LimitUnit.WORKING_DAYS) == "1 working day"
        assert time_limit_words(7, LimitUnit.WORKING_DAYS) == "7 working days"
        assert time_limit_words(1, LimitUnit.WORKING_HOURS) == "1 working hour"
        assert time_limit_words(4, LimitUnit.WORKING_HOURS) == "4 working hours"
        assert time_limit_words(30, LimitUnit.CALENDAR_DAYS) == "30 days"
        assert time_limit_words(0, LimitUnit.SAME_DAY, time(15)) == (
            "Same day (if received before 15:00)"
        )
        assert fee_words(50000) == "50,000 VND"


def test_time_limit_filter_reads_a_procedure_or_channel_terms():
    procedure = Procedure(time_limit_amount=Decimal(3), time_limit_unit="working_days")
    assert time_limit(procedure) == "3 ngày làm việc"
    terms = SimpleNamespace(amount=Decimal(8), unit="working_hours", cutoff=None, unit_text="")
    assert time_limit(terms) == "8 giờ làm việc"


def test_a_unit_unknown_to_the_deadline_rules_keeps_the_catalogue_words():
    assert time_limit_words(Decimal(3), "", unit_text="Tháng") == "3 tháng"
    assert time_limit_words(Decimal(0), "", unit_text="Tháng") == "Chưa quy định thời hạn"


@pytest.mark.parametrize(
    ("amount", "currency", "words"),
    [
        (0, "", "Miễn phí"),
        (None, "VNĐ", "Miễn phí"),
        (Decimal(50000), "", "50.000 đồng"),
        (Decimal(50000), "VNĐ", "50.000 đồng"),
        (Decimal(4500000), "Đồng", "4.500.000 đồng"),
        (Decimal(8000), "VND", "8.000 đồng"),
        (Decimal(10), "USD", "10 USD"),
        ("not a number", "", "Miễn phí"),
    ],
)
def test_fee_in_words(amount, currency, words):
    assert fee_words(amount, currency) == words


@pytest.mark.parametrize(
    ("originals", "copies_", "words"),
    [
        (1, 0, "1 bản chính"),
        (0, 2, "2 bản sao"),
        (1, 1, "1 bản chính, 1 bản sao"),
        (0, 0, ""),
    ],
)
def test_copies_to_bring(originals, copies_, words):
    assert copies(SimpleNamespace(originals=originals, copies=copies_)) == words


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://dichvucong.gov.vn/mau.docx", "https://dichvucong.gov.vn/mau.docx"),
        (" http://example.vn/a.pdf ", "http://example.vn/a.pdf"),
        ("javascript:alert(1)", ""),
        ("JAVASCRIPT:alert(1)", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_only_web_links_are_linked(url, link):
    assert web_link(url) == link


def _procedure(**kwargs):
    defaults = {
        "time_limit_amount": Decimal(5),
        "time_limit_unit": "working_days",
        "fee_amount": Decimal(0),
        "fee_description": "",
    }
    return Procedure(**{**defaults, **kwargs})


def _entry(channel, amount="5", unit="working_days", fees=None, **extra):
    return {"channel": channel, "amount": amount, "unit": unit, "fees": fees or [], **extra}


def test_a_procedure_without_channels_has_the_desk_terms():
    terms = procedure_terms(_procedure(fee_amount=Decimal(20000), time_limit_note=" kể từ "))
    assert [c.channel for c in terms.channels] == [Channel.COUNTER]
    assert terms.main.amount == 5
    assert terms.main.note == "kể từ"
    assert terms.main.fees[0].amount == 20000
    assert not terms.times_differ
    assert not terms.fees_differ


def test_channels_come_in_a_fixed_order_and_differences_are_detected():
    procedure = _procedure(
        channel_terms=[
            _entry("online", "3", fees=[{"amount": 0, "currency": "VNĐ"}]),
            _entry("counter", "5", fees=[{"amount": 50000, "currency": "VNĐ"}]),
            _entry("carrier-pigeon"),
            "untidy",
        ]
    )
    terms = procedure_terms(procedure)
    assert [c.channel for c in terms.channels] == [Channel.COUNTER, Channel.ONLINE]
    assert terms.channels[1].label == Channel.ONLINE.label
    assert terms.times_differ
    assert terms.fees_differ


def test_same_amounts_with_different_fee_wording_do_not_count_as_different():
    fee = {"amount": 0, "currency": "VNĐ", "description": "Theo quyết định của HĐND tỉnh"}
    other_wording = {**fee, "description": "Đồng (Theo quyết định của HĐND tỉnh)"}
    procedure = _procedure(
        channel_terms=[_entry("counter", fees=[fee]), _entry("post", fees=[other_wording])]
    )
    terms = procedure_terms(procedure)
    assert not terms.times_differ
    assert not terms.fees_differ
    assert terms.main.fees[0].description == "Theo quyết định của HĐND tỉnh"


def test_a_channel_without_unit_or_fees_falls_back_to_the_defaults():
    procedure = _procedure(
        same_day_cutoff=None,
        fee_amount=Decimal(8000),
        channel_terms=[_entry("online", amount="x", unit="", cutoff="bad")],
    )
    online = procedure_terms(procedure).main
    assert (online.amount, online.unit, online.cutoff) == (Decimal(5), "working_days", None)
    assert online.fees[0].amount == 8000


def test_a_channel_with_an_unknown_unit_keeps_its_amount_and_words():
    procedure = _procedure(channel_terms=[_entry("counter", amount="2", unit="", unit_text="Tuần")])
    main = procedure_terms(procedure).main
    assert (main.amount, main.unit, main.unit_text) == (Decimal(2), "", "Tuần")


def test_a_same_day_channel_keeps_its_cutoff():
    procedure = _procedure(
        channel_terms=[_entry("counter", amount="0", unit="same_day", cutoff="14:30")]
    )
    assert procedure_terms(procedure).main.cutoff == time(14, 30)
