"""The demo store's two scenario packs: valid, and the THB pack the same store as the USD one."""
from datetime import date
from pathlib import Path

from promo.scenario import read_pack

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
TODAY = date(2026, 11, 25)


def test_usd_pack_has_the_demo_catalogue_and_personas():
    pack = read_pack(SCENARIOS / "arabica.yaml", today=TODAY)

    assert pack.store is not None and (pack.store.currency, pack.store.locale) == ("USD", "en_US")
    assert [c.slug for c in pack.categories] == ["arabica", "blends", "brewing-gear", "merch", "gift-cards"]
    assert 20 <= len(pack.products) <= 30
    assert all(p.categories for p in pack.products)
    assert [p.key for p in pack.personas] == ["guest", "new", "vip", "dormant", "birthday", "referred"]
    customers = {c.id: c for c in pack.customers}
    assert (customers["vip"].orders_count, customers["vip"].total_spent) == (12, 140000)
    assert customers["new-customer"].orders_count == 0
    assert customers["birthday"].is_birthday(TODAY)
    dormant_days = (TODAY - customers["dormant"].last_order_at.date()).days
    assert dormant_days in (119, 120)  # noon New York time, read back in UTC


def test_thb_pack_is_the_same_store_priced_in_baht():
    usd = read_pack(SCENARIOS / "arabica.yaml", today=TODAY)
    thb = read_pack(SCENARIOS / "arabica-thb.yaml", today=TODAY)

    assert thb.store is not None and (thb.store.currency, thb.store.locale) == ("THB", "th_TH")
    assert [p.sku for p in thb.products] == [p.sku for p in usd.products]
    assert [(p.categories, p.collections) for p in thb.products] == [(p.categories, p.collections) for p in usd.products]
    assert [c.slug for c in thb.categories] == [c.slug for c in usd.categories]
    assert thb.personas == usd.personas
    assert [(c.id, c.kind, type(c.effect)) for c, _ in thb.campaigns] == [(c.id, c.kind, type(c.effect)) for c, _ in usd.campaigns]
    assert [(p.campaign_id, p.customer_id) for p in thb.publications] == [(p.campaign_id, p.customer_id) for p in usd.publications]
    # Prices are set for Thailand, not left in cents: a bag costs hundreds of baht.
    ethiopia = next(p for p in thb.products if p.sku == "ARA-ETH-YIRG")
    assert ethiopia.price == 68000
    referral = next(c for c, _ in thb.campaigns if c.id == "referral")
    assert referral.options["referral"]["reward"].amount == 20000   # a 200 THB reward
