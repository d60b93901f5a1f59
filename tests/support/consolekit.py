"""Console test kit: campaigns, one console user per role, and signing in. Shared with tests/e2e."""
from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient

from promo.core.domain import Cart, CartLine
from shop.console.models import Role
from shop.console.users import create_user
from shop.web.extensions import promo_engine

PASSWORD = "correct horse battery"
# Production hashes with scrypt (~0.3 s each); tests only need *a* salted hash.
FAST_HASH = "pbkdf2:sha256:1000"
# The console apps' engine clock starts on a Wednesday morning in New York (SteppingClock), so a
# test that redeems and then filters or charts "today" can never straddle a midnight.
CONSOLE_NOW = datetime(2026, 11, 25, 10, 30, tzinfo=ZoneInfo("America/New_York"))
EMAILS = {Role.ADMIN: "admin@example.com", Role.MARKETER: "mia@example.com", Role.VIEWER: "vic@example.com"}

HAPPY10 = {"id": "happy10", "name": "Happy 10", "kind": "coupon", "code": "HAPPY10",
           "effect": {"type": "percent_off_order", "percent": 10}, "limits": {"budget": 100000, "total": 50}}
AUTO5 = {"id": "auto5", "name": "Five off fifty", "kind": "promotion",
         "eligibility": {"fact": "cart.subtotal", "gte": 5000}, "effect": {"type": "amount_off_order", "amount": 500}}
SORRY = {"id": "sorry", "name": "Sorry about that", "kind": "bulk", "codes": {"pattern": "SORRY-#####-#####"},
         "effect": {"type": "amount_off_order", "amount": 1000}, "limits": {"per_code": 1}}


class SteppingClock:
    """Starts at `start` and moves one millisecond forward at every reading: records keep the
    order they were made in (lists sorted by creation), and every reading in a test falls on
    the same store day, whenever the suite runs."""

    def __init__(self, start: datetime) -> None:
        self._start = start
        self._readings = itertools.count()   # next() is atomic: code jobs read it from their thread

    def __call__(self) -> datetime:
        return self._start + timedelta(milliseconds=next(self._readings))


def sample_cart(quantity: int = 2) -> Cart:
    return Cart((CartLine("BEAN", "House beans", 3000, quantity), CartLine("MUG", "Mug", 1500, 1)))


def create_console_users(app: Flask) -> None:
    """One console user per role, all with PASSWORD."""
    with app.app_context():
        for role, email in EMAILS.items():
            create_user(email, PASSWORD, role, actor="test")


def seed(app: Flask) -> None:
    """Three campaigns and the console users, on an engine clock that starts at CONSOLE_NOW."""
    with app.app_context():
        engine = promo_engine()
        engine.clock = SteppingClock(CONSOLE_NOW)
        for definition in (HAPPY10, AUTO5, SORRY):
            engine.create_campaign(definition, actor="test")
    create_console_users(app)


def sign_in(client: FlaskClient, role: Role) -> FlaskClient:
    response = client.post("/console/login", data={"email": EMAILS[role], "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def flagged_lines(page: str) -> list[str]:
    """The line numbers the raw editor's annotated copy marks as having a problem."""
    return re.findall(r'<li class="annotated__line--bad"><span class="annotated__no">(\d+)</span>', page)
