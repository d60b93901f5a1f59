"""``flask promo ...`` commands for API keys, scenario packs and bulk code generation.

Thin clients: scenario files are read and loaded by promo.packs.scenario, codes made by the Engine.
Failures print one clear message and exit non-zero, never a traceback.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from promo.core.errors import PromoError
from promo.packs.scenario import ScenarioError, StoreSettings, load_pack, read_pack
from shop.api.framework.auth import create_api_key, list_api_keys, revoke_api_key
from shop.api.framework.keys import SCOPES, parse_scopes
from shop.web.extensions import promo_engine

CLI_ACTOR = "cli"
_STORE_SETTINGS = {
    "name": ("STORE_NAME", "PROMOSHOP_STORE_NAME"),
    "currency": ("STORE_CURRENCY", "PROMOSHOP_STORE_CURRENCY"),
    "locale": ("STORE_LOCALE", "PROMOSHOP_STORE_LOCALE"),
    "timezone": ("STORE_TIMEZONE", "PROMOSHOP_STORE_TIMEZONE"),
}


# --- API keys ----------------------------------------------------------------------------------


@click.command("create-api-key")
@click.option("--name", required=True, help="Who or what uses the key, e.g. 'checkout service'.")
@click.option("--scope", "scopes", multiple=True, default=("read",), show_default=True,
              help=f"Repeat or comma-separate: {', '.join(SCOPES)}, or all.")
@click.option("--voucherify", is_flag=True,
              help="Also print the key as the X-App-Id and X-App-Token the Voucherify SDK sends to /v1.")
@with_appcontext
def create_api_key_command(name: str, scopes: tuple[str, ...], voucherify: bool) -> None:
    """Make an API key and print it once; only its hash is stored."""
    name = name.strip()
    if not name or len(name) > 200:
        raise click.BadParameter("must be 1 to 200 characters", param_hint="--name")
    try:
        chosen = parse_scopes(scopes)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--scope") from None
    info, plaintext = create_api_key(name, chosen, actor=CLI_ACTOR)
    click.echo(f"Created API key {info.prefix} '{info.name}' with scopes: {', '.join(info.scopes)}")
    click.echo("Copy it now; it is stored hashed and cannot be shown again:")
    click.echo(plaintext)
    if voucherify:
        # The /v1 dialect checks the token as the key and the app id as its public prefix.
        click.echo("For a Voucherify SDK integration (api_key in voucherify.Configuration; docs/voucherify.md):")
        click.echo(f"X-App-Id: {info.prefix}")
        click.echo(f"X-App-Token: {plaintext}")


@click.command("list-api-keys")
@with_appcontext
def list_api_keys_command() -> None:
    """List API keys (prefixes only; the keys themselves are never stored)."""
    keys = list_api_keys()
    if not keys:
        click.echo("No API keys yet. Make one with: flask promo create-api-key --name NAME --scope read")
        return
    for key in keys:
        state = "active" if key.active else "revoked"
        used = key.last_used_at.strftime("%Y-%m-%d %H:%M UTC") if key.last_used_at else "never"
        click.echo(f"{key.prefix}  {state:8}  {','.join(key.scopes):18}  last used {used:20}  {key.name}")


@click.command("revoke-api-key")
@click.argument("prefix")
@with_appcontext
def revoke_api_key_command(prefix: str) -> None:
    """Revoke the key with this PREFIX (as list-api-keys shows it, e.g. psk_rw_3f9a0c1e)."""
    info = revoke_api_key(prefix.strip(), actor=CLI_ACTOR)
    if info is None:
        raise click.ClickException(f"no API key with prefix {prefix!r}; see flask promo list-api-keys")
    click.echo(f"Revoked {info.prefix} '{info.name}'. Requests with it now get 401.")


# --- scenario packs ----------------------------------------------------------------------------


@click.command("load")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Anchor relative dates (birthday: today, last_order_days_ago) to this day.")
@with_appcontext
def load_command(path: Path, today: object) -> None:
    """Load a scenario pack (.yaml or .json): store, catalogue, customers, campaigns, codes.

    Running it again changes nothing; change the file and run it again to update the store.
    """
    anchor: date | None = today.date() if today is not None else None  # type: ignore[attr-defined]
    try:
        pack = read_pack(path, today=anchor, default_timezone=current_app.config["STORE_TIMEZONE"])
    except ScenarioError as error:
        raise click.ClickException(f"{path} is not a valid scenario pack:\n{error}") from None
    if pack.store is not None:
        _warn_about_store_settings(pack.store)
    with _ProgressBars() as bars:
        try:
            report = load_pack(promo_engine(), pack, actor=CLI_ACTOR, progress=bars.update)
        except ScenarioError as error:
            raise click.ClickException(f"loading {path} stopped:\n{error}") from None
    for line in report.summary():
        click.echo(line)
    click.echo(f"Loaded {path}." if report.changed else f"Loaded {path}: nothing changed.")


def _warn_about_store_settings(store: StoreSettings) -> None:
    """Store settings come from the environment when the app starts; say which ones to set."""
    differing = [
        (key, env, getattr(store, key), current_app.config.get(config_key))
        for key, (config_key, env) in _STORE_SETTINGS.items()
        if current_app.config.get(config_key) != getattr(store, key)
    ]
    if not differing:
        return
    click.echo("Note: this pack is written for other store settings than the app runs with:", err=True)
    for key, env, wanted, running in differing:
        click.echo(f"  {key}: pack {wanted!r}, app {running!r} (set {env}={wanted})", err=True)


class _ProgressBars:
    """One click progress bar per long step (code generation), opened when the step starts."""

    def __init__(self) -> None:
        self._bar = None
        self._step: str | None = None
        self._shown = 0

    def __enter__(self) -> _ProgressBars:
        return self

    def update(self, step: str, done: int, total: int) -> None:
        if step != self._step:
            self._close()
            self._step, self._shown = step, 0
            self._bar = click.progressbar(length=total, label=step, show_pos=True, show_eta=True)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __exit__(self, *exc: object) -> None:
        self._close()


# --- codes -------------------------------------------------------------------------------------


@click.command("generate")
@click.argument("campaign")
@click.option("--count", type=click.IntRange(min=1, max=100_000_000), required=True, help="How many codes to add.")
@click.option("--batch-size", type=click.IntRange(min=100, max=100_000), default=10_000, show_default=True,
              help="Codes per transaction.")
@with_appcontext
def generate_command(campaign: str, count: int, batch_size: int) -> None:
    """Add COUNT random codes to CAMPAIGN's pool, streaming in batches with a progress bar."""
    with _ProgressBars() as bars:
        try:
            made = promo_engine().generate_codes(
                campaign, count, batch_size=batch_size, actor=CLI_ACTOR,
                progress=lambda done, total: bars.update(f"codes for {campaign}", done, total),
            )
        except PromoError as error:
            raise click.ClickException(error.message) from None
    click.echo(f"Generated {made:,} codes for {campaign}.")


COMMANDS = (create_api_key_command, list_api_keys_command, revoke_api_key_command, load_command, generate_command)
