"""Demo personas: the shoppers the header switches between in one click (demo mode only).

They come from the ``personas`` section of the scenario pack the demo store was seeded from
(``DEMO_SCENARIO``, scripts/demo loads the same file), read once per app. A persona whose
customer is not in the database (the pack was never loaded) is left out rather than offered
as a button that cannot work.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from promo.core.errors import NotFound
from promo.format.scenario import Persona, ScenarioError, read_pack
from shop.extensions import promo_engine

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = "scenarios/arabica.yaml"
GUEST = Persona(key="guest", label="Guest")
_CACHE_KEY = "shop.personas"


def scenario_path(app: Flask) -> Path:
    path = Path(app.config.get("DEMO_SCENARIO") or DEFAULT_SCENARIO)
    return path if path.is_absolute() else REPO_ROOT / path


def _declared(app: Flask) -> tuple[Persona, ...]:
    if _CACHE_KEY not in app.extensions:
        try:
            personas = read_pack(scenario_path(app)).personas
        except ScenarioError as error:
            app.logger.warning("demo personas unavailable: %s", error)
            personas = ()
        if not any(p.customer_id is None for p in personas):
            personas = (GUEST, *personas)
        app.extensions[_CACHE_KEY] = personas
    return app.extensions[_CACHE_KEY]


def personas() -> tuple[Persona, ...]:
    """The personas whose customers exist, guest first as the pack lists them."""
    engine = promo_engine()
    available = []
    for persona in _declared(current_app):
        if persona.customer_id is not None:
            try:
                engine.get_customer(persona.customer_id)
            except NotFound:
                continue
        available.append(persona)
    return tuple(available)


def find(key: str) -> Persona | None:
    return next((p for p in personas() if p.key == key), None)


def key_for(customer_id: str | None) -> str | None:
    """The persona a signed-in customer id corresponds to (for the pressed button)."""
    return next((p.key for p in _declared(current_app) if p.customer_id == customer_id), None)
