"""Campaign list, pause/resume/duplicate/archive, the guided forms and the raw editor."""
from __future__ import annotations

import re

import pytest

from tests.support.consolekit import flagged_lines, sample_cart


def test_list_shows_status_dates_and_usage_bars(marketer, engine):
    engine.redeem(None, sample_cart(), ["HAPPY10"], order_ref="A-1")
    page = marketer.get("/console/campaigns").get_data(as_text=True)

    row = page[page.index('data-campaign="happy10"'):page.index('data-campaign="auto5"')]
    assert "Happy 10" in row and "HAPPY10" in row and "active" in row
    assert "1 / 50" in row                       # redemptions of the total cap
    # $75 cart: the automatic $5 applies first, then 10% of the $70 left.
    assert "$7.00 / $1,000.00" in row
    assert 'aria-label="Discount given of the budget" aria-valuemin="0" aria-valuemax="100" aria-valuenow="1"' in row


def test_list_names_each_kind_in_words_and_keeps_codes_whole(marketer, engine):
    engine.create_campaign({"id": "card", "name": "Gift card", "kind": "gift_card", "codes": {"pattern": "GIFT-####-####-####"},
                            "gift_card": {"balance": 5000}}, actor="test")
    page = marketer.get("/console/campaigns").get_data(as_text=True)

    def kind_line(campaign: str) -> str:
        row = re.search(rf'<tr data-campaign="{campaign}">.*?</tr>', page, re.S).group(0)
        line = re.search(r'<span class="nowrap">(.*?)</span>', row, re.S).group(1)
        return " ".join(re.sub(r"<[^>]+>", " ", line).split())

    assert kind_line("happy10") == "Public code · HAPPY10"
    assert kind_line("auto5") == "Automatic"
    assert kind_line("sorry") == "Bulk codes · SORRY-#####-#####"
    assert kind_line("card") == "Gift card · GIFT-####-####-####"
    assert '<code class="code-chip">GIFT-####-####-####</code>' in page
    assert "gift_card" not in page


def test_pause_stops_the_promotion_at_the_next_evaluation_and_resume_brings_it_back(marketer, engine):
    before = engine.validate(None, sample_cart(), ["HAPPY10"])
    assert "happy10" in [o.campaign_id for o in before.applied]

    response = marketer.post("/console/campaigns/happy10/status", data={"action": "pause"})
    assert response.status_code == 302
    paused = engine.validate(None, sample_cart(), ["HAPPY10"])
    assert "happy10" not in [o.campaign_id for o in paused.applied]
    assert paused.codes["HAPPY10"].reason.value == "campaign_paused"

    marketer.post("/console/campaigns/happy10/status", data={"action": "resume"})
    assert "happy10" in [o.campaign_id for o in engine.validate(None, sample_cart(), ["HAPPY10"]).applied]
    actions = [e.action for e in engine.audit_log(object_type="campaign", object_id="happy10")]
    assert actions[:2] == ["campaign.resume", "campaign.pause"]
    assert engine.audit_log(object_id="happy10")[0].actor == "console:mia@example.com"


def test_archived_campaigns_leave_the_default_list_and_cannot_be_resumed(marketer, engine):
    marketer.post("/console/campaigns/auto5/status", data={"action": "archive"})
    assert 'data-campaign="auto5"' not in marketer.get("/console/campaigns").get_data(as_text=True)
    assert 'data-campaign="auto5"' in marketer.get("/console/campaigns?status=archived").get_data(as_text=True)

    resumed = marketer.post("/console/campaigns/auto5/status", data={"action": "resume"}, follow_redirects=True)
    assert "archived and cannot be resumed" in resumed.get_data(as_text=True)
    assert engine.get_campaign("auto5").status == "archived"


def test_duplicate_makes_a_paused_copy_with_its_own_code(marketer, engine):
    response = marketer.post("/console/campaigns/happy10/duplicate")
    assert response.headers["Location"] == "/console/campaigns/happy10-copy/edit"
    copy = engine.get_campaign("happy10-copy")
    assert copy.status == "paused" and copy.name == "Happy 10 (copy)"
    assert copy.definition["code"] == "HAPPY10-COPY"
    assert copy.definition["effect"] == engine.get_campaign("happy10").definition["effect"]
    marketer.post("/console/campaigns/happy10/duplicate")
    assert engine.get_campaign("happy10-copy-2").definition["code"] == "HAPPY10-2"


def test_unknown_campaign_is_404(marketer):
    assert marketer.get("/console/campaigns/nope").status_code == 404
    assert marketer.post("/console/campaigns/nope/status", data={"action": "pause"}).status_code == 404


# ---- raw editor ---------------------------------------------------------------------------


def test_raw_editor_saves_a_valid_yaml_change(marketer, engine):
    text = "id: happy10\nname: Happy 12\nkind: coupon\ncode: HAPPY10\neffect: {type: percent_off_order, percent: 12}\n"
    response = marketer.post("/console/campaigns/happy10/edit", data={"definition": text})
    assert response.status_code == 302
    info = engine.get_campaign("happy10")
    assert info.name == "Happy 12" and info.version == 2


def test_raw_editor_shows_each_error_at_its_line_and_saves_nothing(marketer, engine):
    text = ("id: happy10\nname: Happy 10\nkind: coupon\ncode: HAPPY10\n"
            "effect:\n  type: percent_off_order\n  percent: 500\nlimits:\n  budgett: 100\n")
    response = marketer.post("/console/campaigns/happy10/edit", data={"definition": text})
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert flagged_lines(page) == ["7", "9"]
    assert "effect.percent</code>: must be between 0 and 100" in page
    assert "limits.budgett" in page
    # The summary above the editor says what each problem is, as "path: message", with its line.
    summary = re.search(r'<ul class="problem-list" id="editor-problems">(.*?)</ul>', page, re.S).group(1)
    items = [" ".join(re.sub(r"<[^>]+>", " ", li).replace(" :", ":").split())
             for li in re.findall(r"<li>(.*?)</li>", summary, re.S)]
    assert len(items) == 2
    assert items[0].startswith("line 7 effect.percent: must be between 0 and 100")
    assert items[1].startswith("line 9 limits.budgett:")
    assert re.findall(r'href="#line-(\d+)"', summary) == ["7", "9"]
    assert 'aria-invalid="true" aria-describedby="editor-problems"' in page
    assert engine.get_campaign("happy10").version == 1


def test_raw_editor_reports_yaml_syntax_errors_at_their_line(marketer):
    response = marketer.post("/console/campaigns/new/raw", data={"definition": "id: x\nname: [unclosed\nkind: coupon\n"})
    assert response.status_code == 422
    assert re.search(r'annotated__line--bad"><span class="annotated__no">\d+</span>', response.get_data(as_text=True))


def test_raw_editor_creates_from_json(marketer, engine):
    text = '{"id": "json-one", "name": "From JSON", "kind": "promotion", "effect": {"type": "percent_off_order", "percent": 5}}'
    assert marketer.post("/console/campaigns/new/raw", data={"definition": text, "format": "json"}).status_code == 302
    assert engine.get_campaign("json-one").name == "From JSON"


def test_editor_offers_json_as_well_as_yaml(marketer):
    page = marketer.get("/console/campaigns/happy10/edit?format=json").get_data(as_text=True)
    assert "&#34;percent_off_order&#34;" in page or '"percent_off_order"' in page


# ---- guided forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "form", "expected"),
    [
        ("public_code", {"name": "Spring Sale", "code": "spring15", "discount_type": "percent", "discount_value": "15",
                         "min_subtotal": "40", "ends": "2027-04-30", "per_customer": "1", "budget": "2500"},
         {"id": "spring-sale", "kind": "coupon", "code": "SPRING15",
          "effect": {"type": "percent_off_order", "percent": 15},
          "eligibility": {"fact": "cart.subtotal", "gte": 4000}, "active": {"until": "2027-04-30"},
          "limits": {"per_customer": 1, "budget": 250000}}),
        ("bulk_codes", {"name": "Apology", "pattern": "OOPS-####-####", "per_code": "1", "discount_type": "amount",
                        "discount_value": "7.50"},
         {"kind": "bulk", "codes": {"pattern": "OOPS-####-####"}, "effect": {"type": "amount_off_order", "amount": 750},
          "limits": {"per_code": 1}}),
        ("auto", {"name": "Ten off", "discount_type": "amount", "discount_value": "10", "min_subtotal": "100",
                  "priority": "-5", "stacking": "exclusive"},
         {"kind": "promotion", "effect": {"type": "amount_off_order", "amount": 1000}, "priority": -5,
          "stacking": "exclusive"}),
        ("tiers", {"name": "Tiered", "tier_min_1": "100", "tier_percent_1": "10", "tier_min_2": "200", "tier_percent_2": "15"},
         {"kind": "promotion", "effect": {"type": "tiers", "tiers": [{"min_subtotal": 10000, "percent": 10},
                                                                     {"min_subtotal": 20000, "percent": 15}]}}),
        ("bxgy", {"name": "Mug with beans", "buy_skus": "bean", "buy_quantity": "2", "get_skus": "MUG",
                  "get_quantity": "1", "get_percent": "50"},
         {"kind": "promotion", "effect": {"type": "buy_x_get_y", "buy": {"quantity": 2, "items": {"skus": ["BEAN"]}},
                                          "get": {"quantity": 1, "items": {"skus": ["MUG"]}}, "percent": 50}}),
    ],
)
def test_guided_form_produces_the_definition(marketer, engine, kind, form, expected):
    response = marketer.post("/console/campaigns/new", data={"kind": kind, **form})
    assert response.status_code == 302, response.get_data(as_text=True)
    campaign_id = response.headers["Location"].rsplit("/", 1)[-1]
    stored = engine.get_campaign(campaign_id).definition
    for key, value in expected.items():
        assert stored[key] == value, key


def test_guided_bxgy_discounts_the_cart(marketer, engine):
    engine.set_campaign_status("auto5", "pause")   # so the mug's full price is left to discount
    marketer.post("/console/campaigns/new", data={"kind": "bxgy", "name": "Mug with beans", "buy_skus": "BEAN",
                                                  "buy_quantity": "2", "get_skus": "MUG", "get_quantity": "1",
                                                  "get_percent": "100"})
    evaluation = engine.validate(None, sample_cart(quantity=2))
    offer = next(o for o in evaluation.offers if o.campaign_id == "mug-with-beans")
    assert offer.discount == 1500


def test_guided_form_puts_engine_errors_next_to_their_fields(marketer, engine):
    response = marketer.post("/console/campaigns/new", data={
        "kind": "tiers", "name": "Bad tiers", "tier_min_1": "100", "tier_percent_1": "150", "ends": "2027-01-01",
        "starts": "2027-02-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'name="tier_percent_1"[^>]*aria-invalid="true"', page)
    assert '<p class="field-error" id="tier_percent_1-error">must be between 0 and 100' in page
    assert '<p class="field-error" id="ends-error">must be after from' in page
    assert 'value="Bad tiers"' in page             # what was typed is kept
    assert "bad-tiers" not in [c.id for c in engine.list_campaigns()]


def test_guided_form_refuses_unreadable_numbers_before_the_engine(marketer):
    response = marketer.post("/console/campaigns/new", data={"kind": "auto", "name": "X", "discount_value": "ten",
                                                             "priority": "1.5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a number, not &#39;ten&#39;" in page
    assert '<p class="field-error" id="priority-error">Enter a whole number such as 10 or -5' in page


def test_guided_public_code_clash_is_shown_at_the_form(marketer):
    response = marketer.post("/console/campaigns/new", data={"kind": "public_code", "name": "Other", "code": "HAPPY10",
                                                             "discount_value": "5"})
    assert response.status_code == 422
    assert "already belongs to campaign" in response.get_data(as_text=True)


# ---- guided editing -------------------------------------------------------------------------


def test_guided_edit_shows_the_stored_values_and_saves_a_change(marketer, engine):
    page = marketer.get("/console/campaigns/happy10/edit/guided").get_data(as_text=True)
    assert 'name="discount_value" value="10"' in page and 'name="budget" value="1000"' in page
    assert 'name="total" value="50"' in page and 'name="code" value="HAPPY10"' in page

    form = {"name": "Happy 15", "code": "HAPPY10", "discount_type": "percent", "discount_value": "15",
            "budget": "1000", "total": "50", "id": "sneaky-new-id"}
    assert marketer.post("/console/campaigns/happy10/edit/guided", data=form).status_code == 302
    info = engine.get_campaign("happy10")
    assert info.name == "Happy 15" and info.version == 2
    assert info.definition["effect"] == {"type": "percent_off_order", "percent": 15}
    assert info.definition["limits"] == {"budget": 100000, "total": 50}


def test_guided_edit_errors_stay_at_their_fields(marketer, engine):
    response = marketer.post("/console/campaigns/happy10/edit/guided", data={
        "name": "Happy 10", "code": "HAPPY10", "discount_type": "percent", "discount_value": "120"})
    assert response.status_code == 422
    assert '<p class="field-error" id="discount_value-error">must be between 0 and 100' in response.get_data(as_text=True)
    assert engine.get_campaign("happy10").version == 1


def test_campaigns_the_form_cannot_show_are_edited_as_text(marketer, engine):
    engine.create_campaign({"id": "capped", "name": "Capped", "kind": "coupon", "code": "CAP20",
                            "effect": {"type": "percent_off_order", "percent": 20, "cap": 5000}})
    response = marketer.get("/console/campaigns/capped/edit/guided")
    assert response.headers["Location"] == "/console/campaigns/capped/edit"
    assert "/edit/guided" not in marketer.get("/console/campaigns/capped").get_data(as_text=True)


@pytest.mark.parametrize("kind", ["public_code", "bulk_codes", "auto", "tiers", "bxgy"])
def test_every_guided_kind_round_trips_through_the_edit_form(kind):
    from shop.console.guided import form_from_definition, read_form

    forms = {
        "public_code": {"name": "P", "code": "P10", "discount_type": "percent", "discount_value": "12.5",
                        "min_subtotal": "49.99", "starts": "2027-01-01", "ends": "2027-01-31", "per_customer": "2"},
        "bulk_codes": {"name": "B", "pattern": "B-#####-#####", "per_code": "1", "discount_type": "amount",
                       "discount_value": "7.5", "budget": "250"},
        "auto": {"name": "A", "discount_type": "amount", "discount_value": "5", "total": "100", "priority": "-10",
                 "stacking": "always"},
        "tiers": {"name": "T", "tier_min_1": "100", "tier_percent_1": "10", "tier_min_2": "200", "tier_percent_2": "15"},
        "bxgy": {"name": "X", "buy_skus": "A, B", "buy_quantity": "2", "get_skus": "C", "get_quantity": "1",
                 "get_percent": "100"},
    }
    store = {"currency": "USD", "locale": "en_US"}
    _, definition = read_form(kind, forms[kind], **store)
    shown = form_from_definition(definition, **store)
    assert shown is not None and shown.kind == kind
    _, again = read_form(kind, shown.values, **store)
    assert again == definition


def test_actions_return_to_console_pages_only(marketer):
    inside = marketer.post("/console/campaigns/happy10/status", data={"action": "pause", "back": "/console/campaigns?status=all"})
    outside = marketer.post("/console/campaigns/happy10/status", data={"action": "resume", "back": "https://evil.example/"})
    sneaky = marketer.post("/console/codes/status", data={"action": "enable", "code": "HAPPY10", "back": "//evil.example/console"})
    assert inside.headers["Location"] == "/console/campaigns?status=all"
    assert outside.headers["Location"] == "/console/campaigns/happy10"
    assert sneaky.headers["Location"] == "/console/codes"
