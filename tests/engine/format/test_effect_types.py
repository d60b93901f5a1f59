"""The effect registry covers every effect type: each module of promo.core.effects declares its
type, and each type's worked example in docs/campaigns.md parses into its dataclass, reads as a
headline and a hint ending, has banner words that fit the box, and has a JSON Schema."""
from __future__ import annotations

import pkgutil

import pytest

import promo.core.effects as effects_package
from promo.banners import MAX_DISCOUNT, banner_discount, can_draw, offer_label
from promo.core.effects import EFFECT_TYPES, effect_type
from promo.core.index import requirements
from promo.core.wording import effect_label, unlock_phrase
from promo.format.campaign_schema import campaign_schema
from promo.format.definition import parse_campaign
from tests.engine.format.test_docs_examples import EXAMPLES, STORE_TIMEZONE


def test_every_effect_module_is_a_registered_type():
    modules = {m.name for m in pkgutil.iter_modules(effects_package.__path__)} - {"base", "effect_type"}
    assert modules == {kind.name for kind in EFFECT_TYPES}
    assert len({kind.effect for kind in EFFECT_TYPES}) == len(EFFECT_TYPES)


def _examples_of(name: str) -> list:
    return [e for e in EXAMPLES if e.definition.get("effect", {}).get("type") == name]


@pytest.mark.parametrize("kind", EFFECT_TYPES, ids=lambda kind: kind.name)
def test_every_type_has_an_example_that_parses_labels_and_has_banner_words(kind):
    examples = _examples_of(kind.name)
    assert examples, f"docs/campaigns.md needs a `yaml campaign` example of effect type {kind.name}"
    for example in examples:
        campaign = parse_campaign(example.definition, timezone=STORE_TIMEZONE)
        assert type(campaign.effect) is kind.effect
        assert effect_type(campaign.effect) is kind
        assert effect_label(campaign.effect).strip()
        assert unlock_phrase(campaign.effect).strip()
        words = offer_label(campaign.effect, "USD")
        assert 0 < len(words) <= MAX_DISCOUNT and can_draw(words)
        assert banner_discount(campaign, "USD")
        requirements(campaign)
        requirements(campaign, hints=True)


@pytest.mark.parametrize("kind", EFFECT_TYPES, ids=lambda kind: kind.name)
def test_every_type_is_in_the_published_schema(kind):
    schema = campaign_schema()["$defs"][f"effect_{kind.name}"]
    assert schema["properties"]["type"] == {"const": kind.name}
    assert set(schema["properties"]) == {"type", *kind.keys}
