"""Test mode: endpoints that let an end-to-end suite (Playwright, in any language) control the store.

PROMOSHOP_TEST_MODE=true with PROMOSHOP_TEST_TOKEN=<secret> adds, under ``/_test``:

* ``POST /_test/reset``   ``{"scenario": "scenarios/arabica.yaml"}`` (optional): wipe and load a pack;
* ``POST /_test/clock``   ``{"now": ISO}`` freezes, ``{"advance_seconds": N}`` moves, ``{"now": null}``
  releases the store's clock (``GET`` reads it);
* ``POST /_test/persona`` ``{"persona": "vip"}``: signs the calling browser in as that persona.

Each needs the header ``X-Test-Token``; without it, or with a wrong one, the answer is a 404
like any unknown page. They take and give JSON, are exempt from CSRF (a test runner has no
form token; the secret header is what stops other sites), and answer 400 with a message for a
body they can't use. The app refuses to start in test mode with PROMOSHOP_ENV=production or
without a token. docs/testing.md is the reference.

The clock is promo.services.test_clock.SharedClock: its state is a database row, read once per request,
so every worker of a multi-process server follows the same clock.
"""
from __future__ import annotations

import hmac
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, g, has_request_context, jsonify, request

from promo.core.errors import InvalidRequest
from promo.packs.scenario import ScenarioError
from promo.packs.store_reset import RESET_SETTING, forget_cached_campaigns
from promo.services.test_clock import SETTING as CLOCK_SETTING
from promo.services.test_clock import ClockState, SharedClock, read_settings
from shop.storefront.model import personas
from shop.storefront.model.customer import set_current_customer
from shop.storefront.model.showcase import forget_shopper
from shop.web import store_admin
from shop.web.extensions import csrf, promo_engine
from shop.web.security import PRODUCTION_ENV_VAR, InsecureConfiguration, is_production

TOKEN_HEADER = "X-Test-Token"
MIN_TOKEN_LENGTH = 16
SCENARIOS_DIR = personas.REPO_ROOT / "scenarios"
_MEMO_KEY = "store_state"          # g: the settings rows read for this request
_GENERATION_KEY = "promo.store_generation"   # app.extensions: the reset this process last saw

bp = Blueprint("test_mode", __name__, url_prefix="/_test")
csrf.exempt(bp)


class BadBody(ValueError):
    """A request body the endpoint can't use; ``str()`` is the message for the 400."""


# ---- start-up ---------------------------------------------------------------------------------


def check_test_mode_config(config: dict[str, Any]) -> None:
    """Refuse test mode where it would be dangerous: in production, or without a token."""
    if not config.get("TEST_MODE"):
        return
    if is_production(config):
        raise InsecureConfiguration(
            f"PROMOSHOP_TEST_MODE=true and {PRODUCTION_ENV_VAR}=production: test mode lets anyone with the token "
            "wipe the store, move its clock and sign in as any persona. Unset PROMOSHOP_TEST_MODE in production."
        )
    token = str(config.get("TEST_TOKEN") or "")
    if len(token.strip()) < MIN_TOKEN_LENGTH:
        raise InsecureConfiguration(
            f"PROMOSHOP_TEST_MODE=true needs PROMOSHOP_TEST_TOKEN, a secret of at least {MIN_TOKEN_LENGTH} characters "
            "that test suites send as the X-Test-Token header, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_hex(16))'`."
        )


def init_test_mode(app: Flask) -> None:
    """Called by create_app after the extensions: checks the settings and, in test mode, puts
    the engine on the shared clock and adds the /_test endpoints."""
    check_test_mode_config(app.config)
    if not app.config.get("TEST_MODE"):
        return
    engine = promo_engine(app)
    engine.clock = SharedClock(engine, memo=_request_memo)
    app.before_request(_follow_store_state)
    app.register_blueprint(bp)


def _request_memo() -> dict[str, Any] | None:
    """A dict that lives as long as the request. None outside one: the CLI and the event
    worker (one long app context) read the clock every time, so they see it move."""
    return g.setdefault(_MEMO_KEY, {}) if has_request_context() else None


def _follow_store_state() -> None:
    """Read the clock and the latest reset in one query, and forget this process's cached
    campaigns when another process reset the store since this one last looked."""
    engine = promo_engine()
    rows = read_settings(engine, (CLOCK_SETTING, RESET_SETTING))
    memo = g.setdefault(_MEMO_KEY, {})
    memo[CLOCK_SETTING] = ClockState.from_json(rows.get(CLOCK_SETTING))
    last_reset = rows.get(RESET_SETTING) if isinstance(rows.get(RESET_SETTING), dict) else {}
    generation = last_reset.get("generation", 0)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.extensions.get(_GENERATION_KEY, 0) != generation:
        forget_cached_campaigns(engine)
        personas.forget(app)
        app.extensions[_GENERATION_KEY] = generation
    if isinstance(last_reset.get("scenario"), str):
        g.setdefault(personas.RESET_SCENARIO_KEY, last_reset["scenario"])


# ---- the endpoints ----------------------------------------------------------------------------


@bp.before_request
def _require_token() -> None:
    expected = str(current_app.config.get("TEST_TOKEN") or "")
    given = request.headers.get(TOKEN_HEADER, "")
    # Constant time, so the answer's timing does not reveal how much of a guess was right.
    if not expected or not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        abort(404)


@bp.errorhandler(BadBody)
def _bad_body(error: BadBody) -> tuple[Response, int]:
    return jsonify({"error": str(error)}), 400


@bp.post("/reset")
def reset() -> Response:
    body = _body(allowed=("scenario", "now"))
    path = _allowed_scenario(body["scenario"]) if body.get("scenario") is not None else None
    engine = promo_engine()
    keep_clock = "now" in body and body["now"] is not None
    if keep_clock:
        _clock().freeze(_moment(body["now"]))
    try:
        report = store_admin.reset(path, actor="test-mode", release_clock=not keep_clock)
    except ScenarioError as error:
        raise BadBody(f"the scenario pack could not be loaded:\n{error}") from None
    g.pop(_MEMO_KEY, None)
    setattr(g, personas.RESET_SCENARIO_KEY, report.scenario)
    current_app.extensions[_GENERATION_KEY] = report.generation   # this process's caches are fresh already
    return jsonify({**report.as_json(), "scenario": store_admin.shown_path(report.scenario),
                    "personas": [p.key for p in personas.personas()], **_clock_json(engine)})


@bp.get("/clock")
def read_clock() -> Response:
    return jsonify(_clock_json(promo_engine()))


@bp.post("/clock")
def set_clock() -> Response:
    body = _body(allowed=("now", "advance_seconds"))
    if ("now" in body) == ("advance_seconds" in body):
        raise BadBody('send either {"now": "2026-12-01T16:30:00-05:00"} (null releases the clock) '
                      'or {"advance_seconds": 3600}')
    clock = _clock()
    try:
        if "advance_seconds" in body:
            seconds = body["advance_seconds"]
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                raise BadBody(f"advance_seconds must be a number of seconds, got {seconds!r}")
            clock.advance(seconds)
        elif body["now"] is None:
            clock.release()
        else:
            clock.freeze(_moment(body["now"]))
    except InvalidRequest as error:
        raise BadBody(error.message) from None
    return jsonify(_clock_json(promo_engine()))


@bp.post("/persona")
def sign_in_persona() -> Response:
    body = _body(allowed=("persona",), required=("persona",))
    key = body["persona"]
    available = personas.personas()
    persona = next((p for p in available if p.key == key), None) if isinstance(key, str) else None
    if persona is None:
        raise BadBody(f"no persona {key!r} in this store; its personas are: {', '.join(p.key for p in available)}")
    # The storefront's own sign-in helper, so a persona is signed in exactly as a shopper is.
    set_current_customer(persona.customer_id)
    forget_shopper()
    return jsonify({"persona": persona.key, "label": persona.label, "customer": persona.customer_id})


# ---- helpers ----------------------------------------------------------------------------------


def _body(*, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict[str, Any]:
    if not request.get_data(cache=True).strip():
        body: Any = {}
    else:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadBody("the body must be a JSON object (Content-Type: application/json)")
    unknown = sorted(set(body) - set(allowed))
    if unknown:
        raise BadBody(f"unknown field {unknown[0]!r}; this endpoint takes: {', '.join(allowed)}")
    missing = [name for name in required if name not in body]
    if missing:
        raise BadBody(f"{missing[0]!r} is required")
    return body


def _moment(raw: Any) -> datetime:
    if not isinstance(raw, str) or len(raw) > 40:
        raise BadBody(f'now must be an ISO 8601 date and time like "2026-12-01T16:30:00-05:00", got {raw!r}')
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise BadBody(f'now must be an ISO 8601 date and time like "2026-12-01T16:30:00-05:00", got {raw!r}') from None
    if moment.tzinfo is None:
        # A time without an offset is the store's local time, as a shopper would read it.
        moment = moment.replace(tzinfo=promo_engine().tz)
    return moment


def scenario_dirs(app: Flask) -> tuple[Path, ...]:
    """The folders /_test/reset may read packs from: the repository's scenarios/ and the
    folder of the configured pack (PROMOSHOP_SCENARIO), so a suite can ship packs of its own."""
    return tuple(dict.fromkeys((SCENARIOS_DIR.resolve(), store_admin.default_scenario(app).resolve().parent)))


def _allowed_scenario(raw: Any) -> Path:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 500 or "\x00" in raw:
        raise BadBody(f"scenario must be the path of a pack, like scenarios/arabica.yaml, got {raw!r}")
    candidate = Path(raw.strip())
    if not candidate.is_absolute():
        candidate = personas.REPO_ROOT / candidate
    resolved = candidate.resolve()
    folders = scenario_dirs(current_app)
    if not any(resolved.is_relative_to(folder) for folder in folders):
        raise BadBody(f"scenario must be a pack in {' or '.join(store_admin.shown_path(f) for f in folders)}; got {raw!r}")
    if resolved.suffix.lower() not in (".yaml", ".yml", ".json") or not resolved.is_file():
        raise BadBody(f"no scenario pack (.yaml, .yml or .json) at {raw!r}")
    return resolved


def _clock() -> SharedClock:
    return promo_engine().clock  # type: ignore[return-value]


def _clock_json(engine: Any) -> dict[str, Any]:
    state = _clock().read_state()
    return {"now": engine.now().isoformat(), "frozen": state.frozen_at is not None,
            "offset_seconds": state.offset_seconds}
