"""Redemptions (filters, per-line detail, rollback), try-it, statistics and the audit log."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from promo.core.domain import Customer
from promo.core.errors import RedemptionRefused
from tests.support.consolekit import sample_cart


def _customer(engine, customer_id: str) -> None:
    engine.upsert_customer(Customer(id=customer_id, email=f"{customer_id}@example.com", name=customer_id.title()))


def test_list_filters_by_campaign_customer_and_date(marketer, engine):
    _customer(engine, "ana")
    _customer(engine, "bo")
    with_code = engine.redeem("ana", sample_cart(), ["HAPPY10"], order_ref="A-1")
    auto_only = engine.redeem("bo", sample_cart(), [], order_ref="B-1")

    def ids(query: str) -> list[str]:
        page = marketer.get(f"/console/redemptions?{query}").get_data(as_text=True)
        return re.findall(r"<code>([AB]-1)</code>", page)

    assert ids("") == ["B-1", "A-1"]
    assert ids("campaign=happy10") == ["A-1"]
    assert ids("campaign=auto5") == ["B-1", "A-1"]
    assert ids("customer=bo") == ["B-1"]
    today = engine.now().date()
    assert ids(f"from={today}&to={today}") == ["B-1", "A-1"]
    assert ids(f"from={today + timedelta(days=1)}") == []
    assert with_code.id != auto_only.id


def test_bad_dates_are_explained(marketer):
    response = marketer.get("/console/redemptions?from=yesterday")
    assert response.status_code == 400
    assert "enter a date like" in response.get_data(as_text=True)


def test_detail_shows_each_offers_share_of_each_line(marketer, engine):
    result = engine.redeem(None, sample_cart(), ["HAPPY10"], order_ref="A-1")
    page = marketer.get(f"/console/redemptions/{result.id}").get_data(as_text=True)
    # $75: auto $5 split 4000/1000 by line value ... then 10% of what is left.
    auto = next(i for i in result.items if i.campaign_id == "auto5")
    code = next(i for i in result.items if i.code == "HAPPY10")
    bean_row = page[page.index("House beans"):page.index("Mug <span")]
    assert f"−${auto.line_discounts[0] / 100:.2f}" in bean_row
    assert f"−${code.line_discounts[0] / 100:.2f}" in bean_row
    assert "Total" in page and f"${result.order.total / 100:,.2f}" in page


def test_rolling_back_the_whole_order_makes_a_single_use_code_usable_again(marketer, engine):
    engine.generate_codes("sorry", 1)
    code = engine.list_codes("sorry").codes[0].code
    _customer(engine, "ana")
    result = engine.redeem("ana", sample_cart(), [code], order_ref="A-1")
    try:
        engine.validate("ana", sample_cart(), [code]).codes[code]
        engine.redeem("ana", sample_cart(), [code], order_ref="A-2")
        raise AssertionError("a used single-use code was accepted")
    except RedemptionRefused:
        pass

    no_reason = marketer.post(f"/console/redemptions/{result.id}/rollback", data={"reason": " "}, follow_redirects=True)
    assert "Say why" in no_reason.get_data(as_text=True)
    assert engine.get_redemption(result.id).status == "succeeded"

    marketer.post(f"/console/redemptions/{result.id}/rollback", data={"reason": "payment failed"})
    rolled = engine.get_redemption(result.id)
    assert rolled.status == "rolled_back" and rolled.rollback_reason == "payment failed"
    assert engine.validate("ana", sample_cart(), [code]).codes[code].status.value == "applied"
    entry = engine.audit_log(object_type="redemption")[0]
    assert entry.actor == "console:mia@example.com" and entry.after["reason"] == "payment failed"


def test_rolling_back_one_stacked_offer_keeps_the_others(marketer, engine):
    result = engine.redeem(None, sample_cart(), ["HAPPY10"], order_ref="A-1")
    code_item = next(i for i in result.items if i.code == "HAPPY10")
    marketer.post(f"/console/redemptions/{result.id}/rollback", data={"reason": "wrong code", "item_id": code_item.id})

    after = engine.get_redemption(result.id)
    assert after.status == "partially_rolled_back"
    assert {i.campaign_id: i.status.value for i in after.items} == {"auto5": "succeeded", "happy10": "rolled_back"}
    assert after.order.total == result.order.total + code_item.discount
    page = marketer.get(f"/console/redemptions/{result.id}").get_data(as_text=True)
    assert "“wrong code”" in page


def test_redemptions_export_streams_one_row_per_offer(marketer, engine):
    engine.redeem(None, sample_cart(), ["HAPPY10"], order_ref="A-1")
    engine.redeem(None, sample_cart(), [], order_ref="A-2")
    response = marketer.get("/console/redemptions.csv?campaign=auto5")
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted((r["order_ref"], r["campaign_id"]) for r in rows) == [
        ("A-1", "auto5"), ("A-1", "happy10"), ("A-2", "auto5")]


def test_try_it_shows_what_a_customer_would_get_and_why(marketer, engine):
    from promo.core.records import Product

    engine.upsert_product(Product("BEAN", "House beans", 3000))
    engine.upsert_product(Product("MUG", "Mug", 1500))
    _customer(engine, "ana")
    small = marketer.post("/console/try", data={"customer": "ana", "qty_MUG": "1", "codes": "HAPPY10 NOPE"})
    page = small.get_data(as_text=True)
    assert small.status_code == 200
    assert "Five off fifty" in page and "minimum_not_met" in page and "Add $35 more to get $5 off" in page
    assert "code_not_found" in page
    assert re.search(r"Happy 10</strong> <code>HAPPY10</code>\s*<span class=\"badge badge--applied\">", page)
    assert engine.list_redemptions() == []          # nothing redeemed


def test_try_it_refuses_bad_quantities_and_unknown_customers(marketer, engine):
    from promo.core.records import Product

    engine.upsert_product(Product("MUG", "Mug", 1500))
    assert "quantity must be a whole number" in marketer.post("/console/try", data={"qty_MUG": "-1"}).get_data(as_text=True)
    assert "no customer" in marketer.post("/console/try", data={"customer": "ghost", "qty_MUG": "1"}).get_data(as_text=True)


def test_stats_draw_redemptions_per_day_and_top_codes_as_svg(marketer, engine):
    for n in range(3):
        engine.redeem(None, sample_cart(), ["HAPPY10"], order_ref=f"A-{n}")
    page = marketer.get("/console/campaigns/happy10").get_data(as_text=True)
    start = page.index('<svg class="chart"')
    svg = page[start:page.index("</svg>", start)]
    assert len(re.findall(r'<rect class="chart-bar"', svg)) == 30
    today = engine.now().date()
    assert f"{today:%b %d}: 3 redemptions, $21.00 off" in svg
    assert re.search(r"<td><code>HAPPY10</code></td><td class=\"num\">3</td><td class=\"num\">\$21.00</td>", page)
    assert "$21.00 of $1,000.00 budget used (2%)" in page
    assert "<script" not in svg


def test_audit_log_filters_and_offers_no_way_to_change_it(marketer, engine, console_app):
    marketer.post("/console/campaigns/happy10/status", data={"action": "pause"})
    marketer.post("/console/codes/status", data={"action": "disable", "code": "HAPPY10"})

    def actions(query: str) -> list[str]:
        return re.findall(r"<td><code>([a-z_.]+)</code></td>", marketer.get(f"/console/audit?{query}").get_data(as_text=True))

    assert actions("")[:2] == ["code.disabled", "campaign.pause"]
    assert actions("action=campaign.")[0] == "campaign.pause"
    assert "code.disabled" not in actions("type=campaign")
    assert actions("actor=console:mia") == ["code.disabled", "campaign.pause"]
    assert actions("object=happy10&type=campaign")[0] == "campaign.pause"
    page = marketer.get("/console/audit?action=campaign.pause").get_data(as_text=True)
    assert '<dt>status</dt><dd><del>"active"</del> → <ins>"paused"</ins></dd>' in page
    # One entry shown: its change is open. Several: each is folded under what it changed.
    assert re.findall(r'<details class="change"( open)?>\s*<summary class="small">([^<]*)</summary>', page) == [
        (" open", "Changed: status")]
    many = marketer.get("/console/audit").get_data(as_text=True)
    folded = re.findall(r'<details class="change"( open)?>\s*<summary class="small">([^<]*)</summary>', many)
    assert len(folded) > 1 and not any(opened for opened, _ in folded)
    assert ("", "Changed: status") in folded
    assert re.search(r'<td class="small nowrap">[A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2}:\d{2}</td>', many)   # with the year
    audit_rules = [r for r in console_app.url_map.iter_rules() if r.rule.startswith("/console/audit")]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in audit_rules)


def test_redemption_pages_keep_the_filters(marketer, engine):
    for n in range(51):
        engine.redeem(None, sample_cart(), [], order_ref=f"P-{n}")
    today = engine.now().date()
    page = marketer.get(f"/console/redemptions?campaign=auto5&from={today}&to={today}").get_data(as_text=True)
    older = re.search(r'href="([^"]*before=\d+[^"]*)"', page).group(1).replace("&amp;", "&")
    assert f"from={today}" in older and f"to={today}" in older and "campaign=auto5" in older
    assert "<code>P-0</code>" in marketer.get(older).get_data(as_text=True)


def test_the_audit_page_counts_wrong_codes_per_day_and_source(marketer, engine):
    from datetime import UTC, timedelta

    from promo.storage import attempts

    now = engine.now()
    for source, at, count in ((attempts.STOREFRONT, now, 3), (attempts.api_source("psk_abc"), now, 2),
                              (attempts.STOREFRONT, now - timedelta(days=20), 7)):      # too old to show
        engine.work.write(lambda session, s=source, a=at, c=count: attempts.count_wrong_codes(session, s, at=a, count=c))

    page = marketer.get("/console/audit").get_data(as_text=True)

    assert "Wrong codes entered, last 14 days:</strong> 5" in page
    rows = sorted(" ".join(re.sub(r"<[^>]+>", " ", row).split())
                  for row in re.findall(r'<tr data-testid="wrong-code-tally">(.*?)</tr>', page, re.S))
    day = now.astimezone(UTC).strftime("%b %d, %Y")     # tallies are kept per UTC day
    assert [row.split(" ", 3)[3].rsplit(" ", 2)[0] for row in rows] == ["API key psk_abc 2", "Storefront 3"]
    assert all(row.startswith(day) for row in rows)
