"""Insecure direct object references: naming another customer's points, codes or referral by id
in a URL, a form field or an API body never reaches them. The wallet's actions work on the
signed-in customer alone, someone else's personal code answers exactly like a typo (in the cart,
at checkout, on the share page and when redeemed through the API), and a share page never shows
whose code it is. (Orders, rollbacks and API scopes: test_harden_access.py.)"""
from __future__ import annotations

import re

import pytest

from shop.web.extensions import promo_engine
from tests.support.apikit import BEANS_40, make_keys
from tests.support.webkit import as_persona, seeded, visible_text

PROGRAMME = "beans-club"
VICTOR = ("Victor", "Valdez", "victor@example.com")


@pytest.fixture
def store(make_app):
    return seeded(make_app(DEMO_MODE=True))


def checkout(client) -> None:
    page = client.get("/checkout").get_data(as_text=True)
    token = re.search(r'name="checkout_token" value="(\w+)"', page).group(1)
    response = client.post("/checkout", data={"name": "Ada", "email": "ada@example.com", "checkout_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def points(app, customer_id: str) -> int:
    return promo_engine(app).points_account(customer_id, PROGRAMME).points


def reward_codes(app, customer_id: str) -> list[str]:
    return sorted(c.code for c in promo_engine(app).customer_codes(customer_id) if c.code.startswith("RWD-"))


def held_code(app, customer_id: str) -> str:
    return next(c.code for c in promo_engine(app).customer_codes(customer_id) if c.code.startswith("SORRY-"))


def test_spending_points_names_no_customer_and_touches_only_the_signed_in_one(store):
    victor = store.test_client()
    as_persona(victor, "vip")
    victor.post("/cart/add", data={"sku": "GIFT-L", "quantity": "6"})   # $600: enough points for any reward
    checkout(victor)
    victor_points = points(store, "vip")
    assert victor_points >= 500

    intruder = store.test_client()
    as_persona(intruder, "birthday")
    intruder_points = points(store, "birthday")
    for reward in (0, 1, 2, 99):
        response = intruder.post(f"/wallet/points/{PROGRAMME}/{reward}",
                                 data={"spend_key": f"k{reward}", "customer": "vip", "customer_id": "vip"})
        assert response.status_code in (303, 404, 409)

    assert points(store, "vip") == victor_points and reward_codes(store, "vip") == []
    assert points(store, "birthday") == intruder_points and reward_codes(store, "birthday") == []
    assert "Not enough points" in visible_text(intruder.get("/wallet").get_data(as_text=True))


def test_publishing_a_referral_code_is_for_the_signed_in_customer_only(store):
    victors = promo_engine(store).referral_code_for("vip").code
    intruder = store.test_client()
    as_persona(intruder, "birthday")

    assert intruder.post("/wallet/referral-code", data={"customer": "vip", "customer_id": "vip"}).status_code == 303

    engine = promo_engine(store)
    assert engine.referral_summary("vip").code == victors
    assert engine.referral_summary("birthday").code not in (None, victors)


def test_someone_elses_personal_code_is_a_typo_at_checkout_and_stays_theirs(store):
    code = held_code(store, "vip")
    intruder = store.test_client()
    as_persona(intruder, "birthday")
    intruder.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "2"})
    intruder.get("/checkout")   # shows (and so clears) the persona switch's message

    theirs = intruder.post("/checkout/codes", data={"code": code})
    typo = intruder.post("/checkout/codes", data={"code": "SORRY-ZZZZZZ"})
    assert theirs.status_code == typo.status_code == 422
    assert (visible_text(theirs.get_data(as_text=True)).replace(code, "<CODE>")
            == visible_text(typo.get_data(as_text=True)).replace("SORRY-ZZZZZZ", "<CODE>"))
    checkout(intruder)

    info = promo_engine(store).get_code(code)
    assert info.holder_id == "vip" and info.redeemed_count == 0


def test_a_share_page_for_someone_elses_code_is_not_found_and_names_nobody(store):
    client = store.test_client()
    as_persona(client, "birthday")
    client.get("/")   # shows (and so clears) the persona switch's message
    personal = client.get(f"/share/{held_code(store, 'vip')}")
    unknown = client.get("/share/SORRY-ZZZZZZ")
    assert personal.status_code == unknown.status_code == 404
    assert visible_text(personal.get_data(as_text=True)) == visible_text(unknown.get_data(as_text=True))
    assert not any(word in personal.get_data(as_text=True) for word in VICTOR)

    # A referral code is meant to be shared, so its page exists: it still says nothing of whose it is.
    referral = client.get(f"/share/{promo_engine(store).referral_code_for('vip').code}")
    assert referral.status_code == 200
    assert not any(word in referral.get_data(as_text=True) for word in VICTOR)


def test_redeeming_someone_elses_code_through_the_api_is_refused_as_an_unknown_code(store):
    code = held_code(store, "vip")
    key = make_keys(store)["redeem"]
    client = store.test_client()

    def redeem(customer, entered, attempt):
        response = client.post("/api/v1/redemptions",
                               json={"customer": {"id": customer}, "order": BEANS_40, "codes": [entered]},
                               headers={"Authorization": f"Bearer {key}", "Idempotency-Key": attempt,
                                        "X-Request-Id": "same-for-both"})   # echoed in error bodies
        return response.status_code, response.get_data(as_text=True).replace(entered, "<CODE>")

    assert redeem("birthday", code, "a-1") == redeem("birthday", "SORRY-ZZZZZZ", "a-2")
    status, body = redeem("birthday", code, "a-3")
    assert status == 422 and '"code_not_found"' in body
    info = promo_engine(store).get_code(code)
    assert info.holder_id == "vip" and info.redeemed_count == 0
    # The holder can redeem it: the refusal was about who asked, not about the code.
    assert redeem("vip", code, "a-4")[0] == 201
