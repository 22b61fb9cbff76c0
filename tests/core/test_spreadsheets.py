"""core.spreadsheets: formula-like text is neutralised, typed values stay typed, CSV has one
BOM and CRLF lines, XLSX text is never a formula, and importers get the text back."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.spreadsheets import (
    BOM,
    FORMULA_TRIGGERS,
    csv_chunks,
    csv_text,
    neutralise,
    restore,
    restore_row,
    xlsx_bytes,
)
from core.workdays import TZ

PLANTED = ['=HYPERLINK("http://x","Bấm vào đây")', "+84 912", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
# Text that ends up next to a mark: the marks alone, and marks before a trigger.
marked_text = st.builds(
    lambda marks, trigger, rest: "'" * marks + trigger + rest,
    st.integers(0, 3),
    st.sampled_from([*FORMULA_TRIGGERS, "", "a"]),
    st.text(max_size=10),
)
any_text = st.one_of(st.text(), marked_text)


def csv_cells(text):
    assert text.startswith(BOM) and not text[1:].startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))


def read_sheet(content):
    return load_workbook(io.BytesIO(content)).active


class TestNeutralise:
    @pytest.mark.parametrize("text", PLANTED)
    def test_text_starting_with_a_trigger_gets_an_apostrophe(self, text):
        assert neutralise(text) == "'" + text

    @pytest.mark.parametrize("text", ["Nguyễn Văn An", "", "'", "'s", "a=b", " =1", "0912"])
    def test_other_text_is_left_alone(self, text):
        assert neutralise(text) == text

    def test_a_value_really_starting_with_an_apostrophe_before_a_trigger_keeps_it(self):
        assert neutralise("'=1") == "''=1"
        assert restore(neutralise("'=1")) == "'=1"

    @pytest.mark.parametrize(
        "value", [-5, -1.5, Decimal("-2.50"), True, False, None, date(2026, 1, 2)]
    )
    def test_typed_values_stay_typed(self, value):
        assert neutralise(value) is value

    def test_lazy_text_is_neutralised_as_text(self):
        assert neutralise(gettext_lazy("-minus")) == "'-minus"

    @given(any_text)
    def test_no_neutralised_text_begins_with_a_trigger(self, text):
        assert not neutralise(text).startswith(FORMULA_TRIGGERS)

    @given(any_text)
    def test_restore_gives_the_text_back(self, text):
        assert restore(neutralise(text)) == text

    @given(any_text)
    def test_a_restored_cell_exports_to_the_same_cell(self, text):
        cell = neutralise(text)
        assert neutralise(restore(cell)) == cell

    @pytest.mark.parametrize("text", ["'hello", "'", "''", "'1", "plain"])
    def test_restore_leaves_text_it_did_not_mark(self, text):
        assert restore(text) == text

    def test_restore_row_restores_each_text_cell(self):
        row = {"name": "'=X", "note": "'note", "extra": None, None: ["'-1"]}
        assert restore_row(row) == {"name": "=X", "note": "'note", "extra": None, None: ["'-1"]}


class TestCsv:
    def test_one_bom_crlf_lines_and_neutralised_cells(self):
        text = csv_text(["name", "amount"], [["=1+1", -5], ["An", None]])
        assert text == "\ufeffname,amount\r\n'=1+1,-5\r\nAn,\r\n"

    def test_mappings_are_read_by_the_header_names(self):
        text = csv_text(["a", "b"], [{"b": "@x", "a": 1, "unused": "=no"}])
        assert csv_cells(text) == [["a", "b"], ["1", "'@x"]]

    def test_times_are_local_wall_clock_time(self):
        moment = datetime(2026, 11, 22, 19, 0, tzinfo=UTC)  # 02:00 in Vietnam
        text = csv_text(["at", "on"], [[moment, date(2026, 11, 24)]])
        assert csv_cells(text)[1] == ["23/11/2026 02:00", "24/11/2026"]

    def test_the_streamed_file_is_the_whole_file_encoded(self):
        rows = [["Đăng ký", "-1+1"], ["\r=1", 3]]
        chunks = list(csv_chunks(["Tên", "Giá"], iter(rows)))
        assert b"".join(chunks) == csv_text(["Tên", "Giá"], rows).encode("utf-8")
        assert chunks[0].startswith(BOM.encode()) and b"".join(chunks).count(BOM.encode()) == 1

    def test_a_header_alone_still_has_its_bom(self):
        assert csv_text(["a"], []) == "\ufeffa\r\n"

    @given(st.lists(st.lists(any_text, min_size=1, max_size=3), max_size=4))
    def test_cells_read_back_and_restored_are_the_original_text(self, rows):
        width = max((len(row) for row in rows), default=1)
        rows = [row + [""] * (width - len(row)) for row in rows]
        header = [f"c{n}" for n in range(width)]
        _header, *read = csv_cells(csv_text(header, rows))
        assert [[restore(cell) for cell in row] for row in read] == rows
        assert not any(cell.startswith(FORMULA_TRIGGERS) for row in read for cell in row)


class TestXlsx:
    def test_text_is_a_plain_string_and_numbers_stay_numbers(self):
        content = xlsx_bytes("Sổ", ["Tên", "Số"], [[text, -5] for text in PLANTED])
        sheet = read_sheet(content)
        for row, text in enumerate(PLANTED, start=2):
            cell = sheet.cell(row, 1)
            # An XML parser may read a carriage return back as a line feed (the standard
            # library's does, lxml's does not); the mark is what matters.
            assert cell.value.replace("\r", "\n") == "'" + text.replace("\r", "\n")
            assert cell.data_type == "s"
            number = sheet.cell(row, 2)
            assert (number.value, number.data_type) == (-5, "n")

    def test_typed_cells(self):
        moment = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
        row = [Decimal("-2.5"), True, moment, date(2026, 11, 24), None, "#N/A"]
        sheet = read_sheet(xlsx_bytes("t", ["a", "b", "c", "d", "e", "f"], [row]))
        cells = [sheet.cell(2, column) for column in range(1, 7)]
        assert [cell.value for cell in cells] == [
            -2.5,
            True,
            datetime(2026, 11, 23, 9, 0),
            datetime(2026, 11, 24),
            None,
            "#N/A",
        ]
        assert [cell.data_type for cell in cells[:4]] == ["n", "b", "d", "d"]
        assert (cells[2].number_format, cells[3].number_format) == (
            "dd/mm/yyyy hh:mm",
            "dd/mm/yyyy",
        )
        assert cells[5].data_type == "s"  # text, not an error value

    def test_header_is_bold_and_frozen_and_the_title_fits(self):
        content = xlsx_bytes("x" * 40, [gettext_lazy("=Name")], [], widths=[30])
        sheet = read_sheet(content)
        header = sheet.cell(1, 1)
        assert (header.value, header.font.b) == ("'=Name", True)
        assert sheet.freeze_panes == "A2"
        assert sheet.title == "x" * 31
        assert sheet.column_dimensions["A"].width == 30

    def test_control_characters_xlsx_cannot_hold_are_dropped_before_neutralising(self):
        rows = [["\x01=1+1"], ["An\x00 Bình"], ["\uffff-1"]]
        sheet = read_sheet(xlsx_bytes("t", ["a"], rows))
        assert [sheet.cell(row, 1).value for row in (2, 3, 4)] == ["'=1+1", "An Bình", "'-1"]

    @given(
        st.lists(
            st.one_of(any_text, st.text(st.sampled_from("\x00\x0b\uffff=a"))),
            min_size=1,
            max_size=5,
        )
    )
    def test_no_text_cell_is_ever_a_formula(self, texts):
        sheet = read_sheet(xlsx_bytes("t", ["a"], [[text] for text in texts]))
        for row in range(2, len(texts) + 2):
            cell = sheet.cell(row, 1)
            assert cell.data_type == "s" or cell.value is None
            assert not (cell.value or "").startswith(FORMULA_TRIGGERS)
