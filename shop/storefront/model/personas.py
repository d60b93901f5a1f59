"""Demo personas: the shoppers the header switches between in one click (demo mode only).

They come from the ``personas`` section of the scenario pack the demo store was seeded from
(``DEMO_SCENARIO``, scripts/demo loads the same file), read once per app. In test mode they
come from the pack the store was last reset to (``POST /_test/reset``), so a suite that loads
its own pack signs in as its own personas. A persona whose customer is not in the database
(the pack was never loaded) is left out rather than offered as a button that cannot work.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g

from promo.core.errors import NotFound
from promo.packs.scenario import Persona, ScenarioError, read_pack
from shop.web.extensions import promo_engine

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_SCENARIO = "scenarios/arabica.yaml"
GUEST = Persona(key="guest", label="Guest")
_CACHE_KEY = "shop.storefront.model.personas"


def configured_scenario_path(app: Flask) -> Path:
    path = Path(app.config.get("DEMO_SCENARIO") or DEFAULT_SCENARIO)
    return path if path.is_absolute() else REPO_ROOT / path


# Set for the request by test mode (shop/web/test_mode.py): the pack of the store's latest reset.
RESET_SCENARIO_KEY = "reset_scenario"


def scenario_path(app: Flask) -> Path:
    reset_to = g.get(RESET_SCENARIO_KEY)
    return Path(reset_to) if reset_to else configured_scenario_path(app)


def forget(app: Flask) -> None:
    """Read the packs again on next use (after a reset, the file may have changed)."""
    app.extensions.pop(_CACHE_KEY, None)


def _declared(app: Flask) -> tuple[Persona, ...]:
    cache: dict[Path, tuple[Persona, ...]] = app.extensions.setdefault(_CACHE_KEY, {})
    path = scenario_path(app)
    if path not in cache:
        try:
            personas = read_pack(path).personas
        except ScenarioError as error:
            app.logger.warning("demo personas unavailable: %s", error)
            personas = ()
        if not any(p.customer_id is None for p in personas):
            personas = (GUEST, *personas)
        cache[path] = personas
    return cache[path]


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
