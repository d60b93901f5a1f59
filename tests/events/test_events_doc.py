"""docs/events.md: every rule example is a valid rule."""
import re
from pathlib import Path

import pytest

from promo.delivery.distributions import parse_rule
from promo.format.definition import load_yaml

DOC = Path(__file__).resolve().parents[2] / "docs" / "events.md"
EXAMPLES = re.findall(r"```yaml rule\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def test_the_page_has_rule_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("text", EXAMPLES, ids=[re.search(r"id: (\S+)", t).group(1) for t in EXAMPLES])
def test_each_rule_example_is_valid(text):
    rule = parse_rule(load_yaml(text))
    assert rule.id and rule.publish


def test_every_event_type_the_engine_emits_is_documented():
    from promo.delivery.events import EVENT_TYPES

    text = DOC.read_text(encoding="utf-8")
    assert [t for t in EVENT_TYPES if f"`{t}`" not in text] == []
