"""Stored definitions the parser no longer accepts, written behind the engine's back as a database
edit (or a row from an older version) would be. Used by the storage, web, console and API tests."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy import select, update

from promo.storage.models import CampaignRow

# What an older version might have stored: an effect type that no longer exists.
OLD_EFFECT = {"type": "percent_of_order", "pct": 10}
OLD_EFFECT_PROBLEM = "effect.type: unknown effect type 'percent_of_order'"


def store_unreadable(sql_engine: SqlEngine, campaign_id: str, **changes: Any) -> None:
    """Merge `changes` (default: OLD_EFFECT as the effect) into the stored definition and bump its
    version, as a migration script editing the row would."""
    with sql_engine.begin() as connection:
        definition = connection.scalar(select(CampaignRow.definition).where(CampaignRow.id == campaign_id))
        connection.execute(
            update(CampaignRow).where(CampaignRow.id == campaign_id)
            .values(definition={**definition, **(changes or {"effect": OLD_EFFECT})}, version=CampaignRow.version + 1)
        )
