"""Codes and names are NFKC-normalised at the edges, control characters are refused with a
message, and right-to-left text and emoji are shown as typed but always escaped."""
import pytest

from webkit import seeded, visible_text

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


@pytest.mark.parametrize("typed", ["HAPPY\x0010", "HAPPY10\x1b[2J", "\u202eHAPPY10", "HAP\u200bPY10"])
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
