"""``flask promo reset`` and ``flask promo export``: a demo or test store back to a pack, and
the store written out as one. Thin clients of shop.web.store_admin and promo.packs.scenario_export."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from promo.packs.scenario import ScenarioError
from shop.cli.commands import CLI_ACTOR
from shop.web.store_admin import ResetRefused, export_text, reset, shown_path


@click.command("reset")
@click.option("--scenario", "scenario", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The pack to load after wiping (default: PROMOSHOP_SCENARIO, scenarios/arabica.yaml).")
@with_appcontext
def reset_command(scenario: Path | None) -> None:
    """Wipe orders, redemptions, counters, codes, wallets, customers, campaigns, events and
    webhook deliveries, then load the scenario pack again. Demo or test mode only.

    Console users, API keys and webhook endpoints are kept. Shoppers' carts live in their
    cookies: items no longer sold are dropped from them with a note on their next page.
    """
    try:
        report = reset(scenario, actor=CLI_ACTOR)
    except ResetRefused as refusal:
        raise click.ClickException(str(refusal)) from None
    except ScenarioError as error:
        raise click.ClickException(f"{scenario} is not a valid scenario pack:\n{error}") from None
    wiped = sum(report.wiped.values())
    click.echo(f"Wiped {wiped:,} rows.")
    for line in report.loaded.summary():
        click.echo(line)
    click.echo(f"Reset the store to {shown_path(report.scenario)}.")


@click.command("export")
@with_appcontext
def export_command() -> None:
    """Print the store as a scenario pack (YAML): `flask promo export > pack.yaml`.

    Catalogue, running campaigns with their codes, customers and personas, wallets (gift
    cards, personal codes) and distribution rules. Loading it into an empty store gives the
    same offers and cart prices; the file's header says what a pack cannot carry.
    """
    try:
        click.echo(export_text(current_app), nl=False)
    except ScenarioError as error:
        raise click.ClickException(f"the store cannot be written as a pack:\n{error}") from None


COMMANDS = (reset_command, export_command)
