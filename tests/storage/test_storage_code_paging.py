"""Paging a campaign's codes by key: every code once, in code order, while codes are added,
disabled or published between pages; `total` only where it is counted."""
from __future__ import annotations

from tests.support.storagekit import bulk, customer


def walk(engine, campaign_id: str, between=lambda after: None, **filters) -> list[str]:
    """Every page of list_codes, calling `between(after)` before each page after the first."""
    seen, after = [], None
    while True:
        page = engine.list_codes(campaign_id, limit=7, after=after, **filters)
        seen += [c.code for c in page.codes]
        if page.next_after is None:
            return seen
        after = page.next_after
        between(after)


def codes_of(engine, campaign_id: str) -> set[str]:
    return {c.code for c in engine.list_codes(campaign_id, limit=1000).codes}


def test_codes_added_between_pages_neither_repeat_nor_hide_others(engine):
    engine.create_campaign(bulk("sorry"))
    engine.create_campaign(bulk("other", pattern="OTHER-########"))
    engine.generate_codes("sorry", 60)
    engine.generate_codes("other", 20)
    at_start = codes_of(engine, "sorry")
    added_after_cursor, added_before_cursor = set(), set()

    def add_codes(after: str) -> None:
        before = codes_of(engine, "sorry")
        engine.generate_codes("sorry", 5)
        for code in codes_of(engine, "sorry") - before:
            (added_after_cursor if code > after else added_before_cursor).add(code)

    seen = walk(engine, "sorry", add_codes)

    assert len(seen) == len(set(seen))                      # none twice
    assert seen == sorted(seen)                             # in code order
    assert at_start <= set(seen)                            # none of the first 60 skipped
    assert added_after_cursor <= set(seen)                  # new codes still ahead are reached
    assert not added_before_cursor & set(seen)              # and the ones behind are not read back
    assert set(seen) == at_start | added_after_cursor       # nothing else (no other campaign's)
    assert added_before_cursor and added_after_cursor       # random codes landed on both sides


def test_a_filtered_walk_skips_only_codes_that_left_the_filter(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 50)
    everything = sorted(codes_of(engine, "sorry"))
    disabled = set(everything[30:50:3])   # ahead of the first pages

    def disable_some(after: str) -> None:
        for code in disabled:
            engine.set_code_status(code, "disable")

    seen = walk(engine, "sorry", disable_some, status="active")

    assert len(seen) == len(set(seen)) and seen == sorted(seen)
    assert set(seen) == set(everything) - disabled


def test_published_codes_page_by_holder_and_prefix(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 40)
    engine.upsert_customer(customer("ana"))
    held = {engine.publish("sorry", "ana", source_id=f"t-{n}").code for n in range(9)}

    assert walk(engine, "sorry", holder_id="ana") == sorted(held)
    start = sorted(held)[0][:7]   # "SORRY-" and a random character
    with_prefix = walk(engine, "sorry", prefix=start.lower())
    assert with_prefix == sorted(code for code in codes_of(engine, "sorry") if code.startswith(start))
    assert engine.list_codes("sorry", prefix="SORRY_").codes == ()   # _ is not a wildcard
    # A cursor before the prefix starts at the prefix; one past it, after the cursor.
    assert engine.list_codes("sorry", prefix=start, after="A").codes == engine.list_codes("sorry", prefix=start).codes
    assert [c.code for c in engine.list_codes("sorry", prefix=start, after=with_prefix[0]).codes] == with_prefix[1:]


def test_total_is_counted_on_the_first_page_or_when_asked(engine):
    engine.create_campaign(bulk("sorry"))
    engine.generate_codes("sorry", 25)
    first = engine.list_codes("sorry", limit=10)

    later = engine.list_codes("sorry", limit=10, after=first.next_after)
    asked = engine.list_codes("sorry", limit=10, after=first.next_after, count_total=True)

    assert first.total == 25 and later.total is None and asked.total == 25
    assert later.codes == asked.codes
    assert engine.list_codes("sorry", limit=10, count_total=False).total is None
    assert engine.list_codes("sorry", status="disabled").total == 0
