"""Dates that look like YAML dates but do not exist (2026-11-31) are reported at their field.

YAML reads an unquoted 2026-11-30 as a date; an unquoted 2026-11-31 used to fail the whole file
with "is not valid YAML: day is out of range for month", naming no field and hiding every other
problem. The quoted form always got the field's own message; now both do.
"""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from promo.format.definition import DefinitionError, load_definitions, read_definitions
from tests.support.formatkit import campaign_with, errors_of, yaml

DATE_MESSAGE = 'must be a date "2026-11-30" or date and time "2026-11-30 18:00", got '
EFFECT = "effect: {type: percent_off_order, percent: 10}"


def definition_errors(text: str, **kwargs) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        read_definitions(text, **kwargs)
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize(("written", "shown"), [
    ("2026-11-31", "'2026-11-31'"),
    ("2027-02-29", "'2027-02-29'"),                       # not a leap year
    ("0000-01-01", "'0000-01-01'"),                       # year 0 does not exist
    ("2026-13-01 10:00:00", "'2026-13-01 10:00:00'"),     # a YAML date-time with month 13
    ("2026-11-30 24:30:00", "'2026-11-30 24:30:00'"),
])
def test_an_unquoted_impossible_date_is_reported_at_its_field(written, shown):
    unquoted = definition_errors(f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, "
                                 f"active: {{from: {written}}}, {EFFECT}}}\n", source="f.yaml")
    quoted = definition_errors(f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, "
                               f"active: {{from: \"{written}\"}}, {EFFECT}}}\n", source="f.yaml")

    assert unquoted == [f"campaigns[0].active.from: {DATE_MESSAGE}{shown}"]
    assert unquoted == quoted


def test_an_impossible_date_hides_no_other_problem():
    errors = errors_of("""
        id: sale
        name: Sale
        kind: promotion
        active: {from: 2026-11-31, until: 2026-02-30}
        effect: {type: percent_off_order, percent: 120}
    """)

    assert errors == [
        "active.from: " + DATE_MESSAGE + "'2026-11-31'",
        "active.until: " + DATE_MESSAGE + "'2026-02-30'",
        "effect.percent: must be between 0 and 100, got 120",
    ]


def test_a_definitions_file_names_the_field_too(tmp_path):
    path = tmp_path / "campaigns.yaml"
    path.write_text(f"campaigns:\n  - {{id: x, name: X, kind: coupon, code: XXX, active: {{until: 2026-04-31}}, {EFFECT}}}\n",
                    encoding="utf-8")

    with pytest.raises(DefinitionError) as caught:
        load_definitions(path)

    assert [str(e) for e in caught.value.errors] == [f"campaigns[0].active.until: {DATE_MESSAGE}'2026-04-31'"]


def test_real_dates_still_read_as_dates_in_every_form():
    loaded = yaml("""
        day: 2026-11-30
        moment: 2026-11-30 18:00:00
        offset: 2026-11-30T18:00:00+07:00
        clock: 16:00
        impossible: 2026-11-31
    """)

    assert loaded["day"] == date(2026, 11, 30)
    assert loaded["moment"] == datetime(2026, 11, 30, 18, 0)
    assert loaded["offset"].utcoffset().total_seconds() == 7 * 3600
    assert loaded["clock"] == "16:00"
    assert loaded["impossible"] == "2026-11-31"


def test_active_accepts_yaml_dates_text_and_python_dates_alike():
    bangkok = ZoneInfo("Asia/Bangkok")
    from_yaml = campaign_with(active=yaml("{from: 2026-11-20, until: 2026-11-30 18:00:00}"))
    from_text = campaign_with(active={"from": "2026-11-20", "until": "2026-11-30 18:00"})
    from_python = campaign_with(active={"from": date(2026, 11, 20), "until": datetime(2026, 11, 30, 18, 0)})

    for campaign in (from_yaml, from_text, from_python):
        assert campaign.starts_at == datetime.combine(date(2026, 11, 20), time(0), tzinfo=bangkok)
        assert campaign.ends_at == datetime(2026, 11, 30, 18, 0, tzinfo=bangkok)
