"""Bulk code generation and lookup."""
from __future__ import annotations

import pytest

import promo.services.bulk
from promo.core.campaign import DEFAULT_CHARSET, CodePattern
from promo.core.codes import check_capacity, draw_code, keyspace, max_codes, normalise_code
from promo.core.errors import InvalidRequest, NotFound
from promo.core.results import Status
from promo.engine import Engine
from promo.storage import create_schema, make_engine, make_session_factory
from tests.support.storagekit import CART_40, bulk, customer


def test_codes_follow_pattern_charset_prefix_and_postfix():
    pattern = CodePattern("##-##", charset="ABCDEFGHJK", prefix="VIP-", postfix="-X")
    for _ in range(200):
        code = draw_code(pattern)
        assert code.startswith("VIP-") and code.endswith("-X") and code[6] == "-"
        assert set(code[4:6] + code[7:9]) <= set("ABCDEFGHJK")


def test_default_charset_leaves_out_look_alikes():
    assert not set("0O1IL5S") & set(DEFAULT_CHARSET)
    assert keyspace(CodePattern("######")) == 29**6


def test_normalised_code_ignores_case_and_surrounding_spaces():
    assert normalise_code("  sorry-ab12 \n") == "SORRY-AB12"


def test_capacity_allows_one_in_a_million_of_the_keyspace_and_not_one_more():
    pattern = CodePattern("######")           # 29^6 = 594,823,321 codes -> 594 allowed
    assert max_codes(pattern) == 594
    check_capacity(pattern, existing=500, requested=94)
    with pytest.raises(InvalidRequest) as refused:
        check_capacity(pattern, existing=500, requested=95)
    assert refused.value.code == "keyspace_too_small"
    assert "at most 594 codes" in refused.value.message
    assert refused.value.details == {"existing": 500, "requested": 95, "allowed": 594, "keyspace": 29**6}


def test_generation_refuses_oversized_requests_counting_existing_codes(engine):
    engine.create_campaign(bulk("small", pattern="SMALL-######"))
    assert engine.generate_codes("small", 590) == 590
    with pytest.raises(InvalidRequest) as refused:
        engine.generate_codes("small", 5)
    assert refused.value.code == "keyspace_too_small"
    assert engine.list_codes("small").total == 590


def test_generation_streams_in_batches_and_reports_progress(engine):
    engine.create_campaign(bulk("sorry"))
    reports: list[tuple[int, int]] = []

    made = engine.generate_codes("sorry", 2_500, batch_size=1_000, progress=lambda done, total: reports.append((done, total)))

    assert made == 2_500
    assert reports == [(1_000, 2_500), (2_000, 2_500), (2_500, 2_500)]
    page = engine.list_codes("sorry", limit=1000)
    assert page.total == 2_500
    assert len({c.code for c in page.codes}) == 1000
    assert all(c.code.startswith("SORRY-") and len(c.code) == 14 for c in page.codes)


def test_collisions_with_stored_codes_are_skipped_and_drawn_again(engine, monkeypatch):
    engine.create_campaign(bulk("first"))
    engine.create_campaign(bulk("second"))
    engine.generate_codes("first", 3)
    taken = [c.code for c in engine.list_codes("first").codes]
    fresh = iter(["SORRY-NEW00001", "SORRY-NEW00002", "SORRY-NEW00003"])
    # The first draws repeat stored codes (and each other); then fresh ones come.
    draws = iter(taken + taken[:1] + ["SORRY-NEW00001"])
    monkeypatch.setattr(promo.services.bulk, "draw_codes",
                        lambda pattern, count: [next(draws, None) or next(fresh) for _ in range(count)])

    assert engine.generate_codes("second", 3, batch_size=10) == 3

    assert sorted(c.code for c in engine.list_codes("second").codes) == [
        "SORRY-NEW00001", "SORRY-NEW00002", "SORRY-NEW00003",
    ]
    assert sorted(c.code for c in engine.list_codes("first").codes) == sorted(taken)


def test_lookup_ignores_case_and_spaces(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 1)
    code = engine.list_codes("sorry").codes[0].code

    assert engine.get_code(f"  {code.lower()} ").code == code
    evaluation = engine.validate(customer("ana"), CART_40, [f" {code.lower()}"])
    assert evaluation.codes[code].status is Status.APPLIED
    with pytest.raises(NotFound):
        engine.get_code("SORRY-NOTACODE")


def test_code_pages_walk_every_code_once(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 25)
    seen, after = [], None
    while True:
        page = engine.list_codes("sorry", limit=10, after=after)
        seen += [c.code for c in page.codes]
        if page.next_after is None:
            break
        after = page.next_after
    assert len(seen) == 25 == len(set(seen))
    assert seen == sorted(seen)


def test_campaign_without_a_pattern_cannot_generate(engine):
    engine.create_campaign({"id": "auto", "name": "Auto", "kind": "promotion",
                            "effect": {"type": "amount_off_order", "amount": 100}})
    with pytest.raises(InvalidRequest) as refused:
        engine.generate_codes("auto", 10)
    assert refused.value.code == "no_code_pattern"
    with pytest.raises(InvalidRequest):
        engine.generate_codes("auto", 0)


@pytest.mark.slow
def test_no_per_campaign_cap_at_100k(tmp_path, clock):
    # One database is enough to show there is no count cap; SQLite is the faster one here.
    database = make_engine(f"sqlite:///{tmp_path / 'many.db'}")
    create_schema(database)
    engine = Engine(make_session_factory(database), clock=clock)
    engine.create_campaign(bulk("many", pattern="M-##########"))
    assert engine.generate_codes("many", 100_001, batch_size=50_000) == 100_001
    assert engine.list_codes("many", limit=1).total == 100_001


def test_gift_card_codes_start_with_the_defined_balance(engine):
    engine.create_campaign({"id": "gift", "name": "Gift card", "kind": "gift_card",
                            "codes": {"pattern": "GIFT-########"}, "gift_card": {"balance": 5000}})
    engine.generate_codes("gift", 2)
    assert {c.gift_balance for c in engine.list_codes("gift").codes} == {5000}
