"""Console "Store data": download the store as a scenario pack; reset a demo store (admins only)."""
from __future__ import annotations

import pytest
import yaml

from shop.console.models import Role
from shop.web.extensions import promo_engine
from tests.support.consolekit import FAST_HASH, seed, sign_in


def campaign_ids(app) -> set[str]:
    with app.app_context():
        return {c.id for c in promo_engine(app).list_campaigns()}


def test_admins_find_both_buttons(as_role):
    page = as_role(Role.ADMIN).get("/console/store").get_data(as_text=True)
    assert "Download as scenario pack" in page
    assert "Reset demo" in page and 'data-confirm="Reset the demo store?' in page
    assert 'href="/console/store"' in page          # the sidebar link


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
def test_other_roles_may_not(as_role, role):
    client = as_role(role)
    assert "Store data" not in client.get("/console/campaigns").get_data(as_text=True)
    assert client.get("/console/store").status_code == 403
    assert client.get("/console/store/pack.yaml").status_code == 403
    assert client.post("/console/store/reset", data={"confirm": "yes"}).status_code == 403


def test_the_download_is_a_pack_of_the_store(as_role):
    response = as_role(Role.ADMIN).get("/console/store/pack.yaml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="promoshop-pack.yaml"'
    pack = yaml.safe_load(response.get_data(as_text=True))
    assert [c["id"] for c in pack["campaigns"]] == ["happy10", "auto5", "sorry"]
    assert pack["store"]["timezone"] == "America/New_York"


def test_reset_needs_the_ticked_confirmation(console_app, as_role):
    response = as_role(Role.ADMIN).post("/console/store/reset", follow_redirects=True)
    assert "Tick the box to confirm" in response.get_data(as_text=True)
    assert "auto5" in campaign_ids(console_app)


def test_reset_loads_the_demo_pack_and_keeps_the_admin_signed_in(console_app, as_role):
    admin = as_role(Role.ADMIN)
    response = admin.post("/console/store/reset", data={"confirm": "yes"}, follow_redirects=True)
    assert response.status_code == 200
    assert "The demo store is reset to scenarios/arabica.yaml." in response.get_data(as_text=True)
    ids = campaign_ids(console_app)
    assert "auto5" not in ids and {"happy10", "blckfrdy", "happy-hour"} <= ids
    assert admin.get("/console/campaigns").status_code == 200


def test_reset_is_not_offered_outside_demo_mode(make_app):
    app = make_app(CONSOLE_PASSWORD_HASH_METHOD=FAST_HASH, DEMO_MODE=False)
    seed(app)
    admin = sign_in(app.test_client(), Role.ADMIN)
    page = admin.get("/console/store").get_data(as_text=True)
    assert "Download as scenario pack" in page and "Reset demo" not in page
    assert admin.post("/console/store/reset", data={"confirm": "yes"}).status_code == 404
    assert "auto5" in campaign_ids(app)
