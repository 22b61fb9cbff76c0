from tests.api.refusals import TALLY


def pytest_terminal_summary(terminalreporter):
    """How much of the API the fuzzing reached, and which business rules it ran into."""
    if not TALLY.operations:
        return
    seen = sum(TALLY.refusals.values())
    terminalreporter.section("API schema fuzzing")
    terminalreporter.write_line(
        f"{len(TALLY.operations)} operations covered; {seen} schema-valid requests refused "
        f"by {len(TALLY.refusals)} named business rules"
    )
    for refusal, count in TALLY.refusals.most_common():
        terminalreporter.write_line(
            f"  {count:5d} × {refusal.status} {refusal.operations}: {refusal.reason}"
        )
