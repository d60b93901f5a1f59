"""The raw editor shows an unquoted impossible date (2026-11-31) under its line, with its field,
like any other field problem, instead of one "is not valid YAML" message for the whole text."""
from tests.support.consolekit import flagged_lines


def test_an_impossible_date_is_shown_at_its_line_with_the_other_problems(marketer, engine):
    text = ("id: happy10\nname: Happy 10\nkind: coupon\ncode: HAPPY10\n"
            "active:\n  from: 2026-11-31\n"
            "effect:\n  type: percent_off_order\n  percent: 500\n")

    response = marketer.post("/console/campaigns/happy10/edit", data={"definition": text})
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert flagged_lines(page) == ["6", "9"]
    assert "active.from</code>: must be a date" in page
    assert "2026-11-31" in page
    assert "out of range for month" not in page
    assert "effect.percent</code>: must be between 0 and 100" in page
    assert engine.get_campaign("happy10").version == 1
