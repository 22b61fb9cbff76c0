"""The logbook page on a desk officer's screen: a procedure's long name gets a readable
column instead of one word a line, so a page of rows stays a page, not a scroll of
thousands of pixels; and it passes axe-core."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import log_in, serious_violations
from tests.factories import DossierFactory
from tests.world import build_world

pytestmark = pytest.mark.browser

ROWS = 20
# One of the catalogue's long names (real ones reach 900 characters).
LONG_NAME = (
    "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi "
    "theo quy trình liên thông thủ tục hành chính trên môi trường điện tử"
)


def test_logbook_gives_the_procedure_a_readable_column(page, shots):
    world = build_world()
    world.procedure.name = LONG_NAME
    world.procedure.save(update_fields=["name"])
    DossierFactory.create_batch(ROWS, procedure=world.procedure, receiving_unit=world.town)
    log_in(page, shots, "desk")
    page.goto("/desk/logbook/")
    shots(page, "logbook")
    cells = page.locator(".logbook-table td.procedure")
    expect(cells).to_have_count(ROWS)

    width = cells.first.bounding_box()["width"]
    row_height = page.locator(".logbook-table tbody tr").first.bounding_box()["height"]
    assert width >= 280, f"the procedure column is {width:.0f} px wide"
    # The long name wraps over a few lines (squeezed, a row was 143 px high here).
    assert row_height <= 120, f"a row is {row_height:.0f} px high"
    assert serious_violations(page) == []
