"""``flask promo ...``: the terminal side of promoshop, one group registered by ``register(app)``."""
from __future__ import annotations

from flask import Flask
from flask.cli import AppGroup

from shop.cli import check, commands, console, events, store


def register(app: Flask) -> None:
    """Add the ``flask promo`` group with every command to ``app``."""
    group = AppGroup("promo", help="Promotion engine tasks: API keys, scenario packs, bulk codes, workers, checks.")
    for command in (*commands.COMMANDS, check.check_command, *events.COMMANDS, *store.COMMANDS, console.create_admin_command):
        group.add_command(command)
    app.cli.add_command(group)
