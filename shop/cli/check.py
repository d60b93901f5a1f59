"""``flask promo check``: every stored counter, budget and balance agrees with the rows behind it.

Exits 0 and says so, or exits 1 and lists each problem (one per line), so a deploy script or a
cron job can alert on it. The invariants are in promo/services/consistency.py.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from promo.services.consistency import find_problems
from shop.web.extensions import db


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Verify counters = redemptions, orders <-> redemptions, budgets, gift card and points ledgers."""
    with Session(db.engine) as session:
        problems = find_problems(session)
    if not problems:
        click.echo("OK: counters match redemptions, every order has its redemption, no budget or limit is exceeded, "
                   "balances match their ledgers.")
        return
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found:", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(1)
