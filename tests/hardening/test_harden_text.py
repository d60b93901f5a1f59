"""Codes and names are NFKC-normalised at the edges, control characters are refused with a
message, and right-to-left text and emoji are shown as typed but always escaped, each name
isolated from the text around it (dir="auto" or <bdi>). Campaign names and descriptions follow
the same rules however they are saved (the definition reader), and so do customer names saved
through the API or the engine."""
import re

import pytest

from promo.core.domain import Customer
from promo.core.errors import InvalidRequest
from promo.delivery.events import list_events
from promo.format.definition import DefinitionError, parse_campaign
from shop.web.extensions import promo_engine
from tests.support.webkit import as_persona, seeded, visible_text

RTL_EMOJI_NAME = "שרה 🎉 مريم <b>bold</b>"


@pytest.fixture
def store(make_app):
    return seeded(make_app(DEMO_MODE=True))


def cart_with_beans(store):
    client = store.test_client()
    client.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "2"})
    return client


@pytest.mark.parametrize("typed", ["ＨＡＰＰＹ１０", " happy10 ", "ｈａｐｐｙ10"])
def test_a_code_typed_in_full_width_or_any_case_is_the_same_code(store, typed):
    client = cart_with_beans(store)
    response = client.post("/cart/codes", data={"code": typed})
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert session["cart"]["codes"] == ["HAPPY10"]


# A NUL is refused before the form is read (400, test_harden_nul_bytes.py); other control
# characters reach the code form, which explains them.
@pytest.mark.parametrize("typed", ["HAPPY10\x1b[2J", "\u202eHAPPY10", "HAP\u200bPY10", "HAPPY\x0710"])
def test_a_code_with_control_or_invisible_characters_is_refused_clearly(store, typed):
    response = cart_with_beans(store).post("/cart/codes", data={"code": typed})
    assert response.status_code == 422
    assert "invisible or control characters" in visible_text(response.get_data(as_text=True))


def test_a_name_with_control_characters_is_refused_at_checkout_and_registration(store):
    client = cart_with_beans(store)
    client.get("/checkout")
    with client.session_transaction() as session:
        token = session["checkout_token"]
    checkout = client.post("/checkout", data={"name": "Ana\x07", "email": "a@example.com", "checkout_token": token})
    assert checkout.status_code == 422 and "control characters" in visible_text(checkout.get_data(as_text=True))
    register = store.test_client().post("/register", data={"name": "Ana\u202e", "email": "ana@example.com",
                                                          "password": "correct horse battery"})
    assert register.status_code == 422 and "control characters" in visible_text(register.get_data(as_text=True))


def test_right_to_left_and_emoji_names_are_shown_as_typed_and_escaped(store):
    client = store.test_client()
    response = client.post("/register", data={"name": RTL_EMOJI_NAME, "email": "sara@example.com",
                                              "password": "correct horse battery"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "שרה 🎉 مريم &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<b>bold</b>" not in html


def test_a_full_width_name_is_stored_normalised(store):
    client = cart_with_beans(store)
    client.get("/checkout")
    with client.session_transaction() as session:
        token = session["checkout_token"]
    placed = client.post("/checkout", data={"name": "Ａｎａ", "email": "ａｎａ@example.com", "checkout_token": token})
    assert placed.status_code == 303
    confirmation = client.get(placed.headers["Location"]).get_data(as_text=True)
    assert "Thank you, Ana!" in visible_text(confirmation) and "a receipt goes to ana@example.com" in confirmation
    assert "Ａｎａ" not in confirmation


# ---- shown safely: right-to-left and emoji names are isolated from the text around them --------

SHOWN_NAME = "שרה 🎉 مريم &lt;b&gt;bold&lt;/b&gt;"


def isolated_everywhere(html: str, shown: str) -> bool:
    """Each element whose text is the name lets the browser pick its direction (dir="auto"), or
    is a <bdi>, so a right-to-left name cannot reorder the words around it; and there is one."""
    found = re.findall(r"<(\w+)([^>]*)>\s*" + re.escape(shown) + r"\s*<", html)
    return bool(found) and all(tag == "bdi" or 'dir="auto"' in attributes for tag, attributes in found)


def test_a_right_to_left_customer_name_is_isolated_in_the_wallet_heading_and_the_header(make_app):
    store = seeded(make_app(DEMO_MODE=False))
    client = store.test_client()
    client.post("/register", data={"name": "שרה בן-דוד", "email": "sara@example.com"})
    [event] = list_events(promo_engine(store), pattern="customer.registration_requested").events
    client.post(event.payload["link"].removeprefix("http://localhost"), data={"password": "correct horse battery"})
    wallet = client.get("/wallet").get_data(as_text=True)
    assert "<h1><bdi>שרה</bdi>&#39;s wallet</h1>" in wallet
    assert '<span class="signed-in" dir="auto">שרה</span>' in client.get("/").get_data(as_text=True)


def test_right_to_left_and_emoji_campaign_names_are_isolated_wherever_offers_are_listed(store):
    engine = promo_engine(store)
    for campaign_id in ("happy10", "arabica-lovers"):
        definition = dict(engine.get_campaign(campaign_id).definition)
        engine.update_campaign(campaign_id, {**definition, "name": RTL_EMOJI_NAME})
    vip = store.test_client()
    as_persona(vip, "vip")
    vip.post("/cart/add", data={"sku": "ARA-ETH-YIRG", "quantity": "2"})
    for page in ("/", "/deals", "/wallet", "/shop/arabica", "/share/HAPPY10"):
        html = vip.get(page).get_data(as_text=True)
        assert "<b>bold</b>" not in html, page
        assert isolated_everywhere(html, SHOWN_NAME), page


# ---- the same rules wherever a campaign or a customer is saved -------------------------------

SPOOFS = {
    "right-to-left override": "50% off\u202e%05",
    "bidi isolate": "\u2067Sale\u2069",
    "bell": "Sale\x07",
    "zero-width space": "Sa\u200ble",
}
PROMOTION = {"id": "spoof", "name": "Sale", "kind": "promotion", "effect": {"type": "percent_off_order", "percent": 5}}


@pytest.mark.parametrize("field", ["name", "description"])
@pytest.mark.parametrize("value", list(SPOOFS.values()), ids=list(SPOOFS))
def test_the_definition_refuses_spoofing_characters_in_names_and_descriptions(field, value):
    with pytest.raises(DefinitionError) as refused:
        parse_campaign({**PROMOTION, field: value})
    assert [error.path for error in refused.value.errors] == [field]
    assert "must not contain control or invisible formatting characters; found U+" in str(refused.value)


def test_the_definition_reads_names_nfkc_and_keeps_emoji_and_right_to_left_text():
    campaign = parse_campaign({**PROMOTION, "name": "Ｆｌａｓｈ Ｓａｌｅ ﬁnal", "description": "Line one\nשלום 👩‍👩‍👧 ❤️"})
    assert campaign.name == "Flash Sale final"
    assert campaign.description == "Line one\nשלום 👩‍👩‍👧 ❤️"


def test_campaigns_saved_through_the_api_console_and_scenario_packs_get_the_same_rules(store, tmp_path):
    from promo.packs.scenario import ScenarioError, read_pack
    from shop.console.models import Role
    from tests.support.apikit import ApiClient, make_keys
    from tests.support.consolekit import FAST_HASH, create_console_users, sign_in

    api = ApiClient(store, make_keys(store))
    refused = api.post("/campaigns", json={**PROMOTION, "name": SPOOFS["right-to-left override"]})
    assert refused.status_code == 400
    assert [e["path"] for e in refused.get_json()["error"]["details"]["errors"]] == ["name"]
    created = api.ok("POST", "/campaigns", 201, json={**PROMOTION, "name": "Ｆｌａｓｈ Ｓａｌｅ"})
    assert created["name"] == "Flash Sale" and promo_engine(store).load_campaign("spoof").name == "Flash Sale"

    store.config["CONSOLE_PASSWORD_HASH_METHOD"] = FAST_HASH
    create_console_users(store)
    marketer = sign_in(store.test_client(), Role.MARKETER)
    console = marketer.post("/console/campaigns/new/raw",
                            data={"definition": '{"id": "spoof2", "name": "Sale\\u202e", "kind": "promotion", '
                                                '"effect": {"type": "percent_off_order", "percent": 5}}',
                                  "format": "json"})
    assert console.status_code == 422
    assert "name : must not contain control or invisible formatting characters" in visible_text(
        console.get_data(as_text=True))

    pack = tmp_path / "pack.yaml"
    pack.write_text('campaigns:\n  - {id: spoof3, name: "Sale\\a", kind: promotion,\n'
                    '     effect: {type: percent_off_order, percent: 5}}\n', encoding="utf-8")
    with pytest.raises(ScenarioError) as unreadable:
        read_pack(pack)
    assert "campaigns[0].name: must not contain control or invisible formatting characters" in str(unreadable.value)


@pytest.mark.parametrize("value", list(SPOOFS.values()), ids=list(SPOOFS))
def test_customer_names_saved_through_the_api_or_the_engine_refuse_spoofing_characters(store, value):
    from tests.support.apikit import ApiClient, make_keys

    api = ApiClient(store, make_keys(store))
    response = api.put("/customers/spoofer", json={"name": value})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert [e["path"] for e in response.get_json()["error"]["details"]["errors"]] == ["name"]
    with pytest.raises(InvalidRequest, match="name must not contain control or invisible formatting characters"):
        promo_engine(store).upsert_customer(Customer(id="spoofer", name=value))


def test_customer_names_saved_through_the_api_or_the_engine_are_nfkc(store):
    from tests.support.apikit import ApiClient, make_keys

    api = ApiClient(store, make_keys(store))
    assert api.ok("PUT", "/customers/wide", json={"name": "Ａｎａ 🎉"})["name"] == "Ana 🎉"
    assert promo_engine(store).upsert_customer(Customer(id="wide2", name="Ｌｅｅ", city="Ｔｏｋｙｏ")).name == "Lee"
    assert promo_engine(store).get_customer("wide2").city == "Tokyo"


@pytest.mark.parametrize("value, message", [
    ("Ana\u202e", "must not contain invisible formatting characters (found U+202E RIGHT-TO-LEFT OVERRIDE)"),
    ("\u2066Ana\u2069", "must not contain invisible formatting characters (found U+2066 LEFT-TO-RIGHT ISOLATE)"),
    ("A\u200bna", "must not contain invisible formatting characters (found U+200B ZERO WIDTH SPACE)"),
    ("Ana\x07", "must not contain control characters"),
])
def test_every_api_string_refuses_bidi_and_other_format_characters(value, message):
    from shop.api.framework.schema import FieldError, Str

    errors: list = []
    Str(allow_newlines=True).check(value, "reason", errors)
    assert errors == [FieldError("reason", message)]
    assert Str().check("👩‍👩‍👧 ❤️ שלום", "reason", errors) == "👩‍👩‍👧 ❤️ שלום" and len(errors) == 1
