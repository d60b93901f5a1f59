"""Reset a demo or test store: wipe what shoppers and campaigns produced, then load a pack again.

    report = reset_store(engine, "scenarios/arabica.yaml", actor="cli")

Wiping empties every table of the engine's schema except access and configuration that is
not store data: API keys, webhook endpoints, the store settings (the test clock) and whatever
the caller adds to ``keep`` (the console's users). Orders, redemptions, counters, codes,
wallets (publications, gift card and points ledgers, referrals), events, webhook deliveries,
the audit log, customers, the catalogue and campaigns all go, in one transaction, so a second
worker never sees half a store. The pack is read and validated before anything is deleted: a
broken pack leaves the store as it was.

Flask-free: ``flask promo reset``, the console's "Reset demo" and ``POST /_test/reset`` are
thin clients. Whether a reset is allowed at all (demo or test mode, never production) is
theirs to decide.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.orm import Session

from promo.engine import Engine
from promo.packs.scenario import LoadProgress, LoadReport, ScenarioPack, load_pack, read_pack
from promo.services.active import MARGIN_FLOOR_SETTING
from promo.services.test_clock import SharedClock
from promo.storage import audit, metadata, store_settings

# Access and configuration a reset leaves alone: keys other systems hold, where events go, settings;
# and the campaigns' revision, which only grows (workers compare it with the one their cached set has).
KEPT_TABLES = frozenset({"api_keys", "webhook_endpoints", "store_settings", "campaign_revisions"})
# What the store was last reset to: {"scenario": path, "generation": n}. Workers compare the
# generation with the one they saw last and forget their caches when it moved (shop/web/test_mode.py).
RESET_SETTING = "last_reset"


@dataclass(frozen=True)
class ResetReport:
    scenario: str
    generation: int
    wiped: dict[str, int]        # table -> rows deleted
    loaded: LoadReport

    def as_json(self) -> dict[str, Any]:
        loaded = self.loaded
        return {
            "scenario": self.scenario,
            "generation": self.generation,
            "loaded": {section: loaded.created.get(section, 0) + loaded.updated.get(section, 0)
                                   + loaded.unchanged.get(section, 0)
                       for section in ("categories", "products", "customers", "campaigns", "codes", "publications",
                                       "distributions")},
            "wiped": {table: count for table, count in self.wiped.items() if count},
        }


def read_reset_pack(engine: Engine, path: str | Path) -> ScenarioPack:
    """Read a pack the way a reset loads it: relative dates anchored to the store's today, which
    follows the test clock (so "birthday: today" is the frozen day). Raises ScenarioError."""
    return read_pack(path, today=engine.now().date(), default_timezone=engine.timezone)


def reset_store(engine: Engine, path: str | Path, *, actor: str = "system", keep: Iterable[str] = (),
                release_clock: bool = True, progress: LoadProgress | None = None) -> ResetReport:
    """Wipe the store and load the pack at ``path``. Raises ScenarioError, before wiping, for a
    pack that does not read; and after wiping if the engine refuses one of its entries.

    ``release_clock`` puts the test clock back to real time first, so every reset starts a test
    from the same place; pass False to keep a clock frozen on purpose (the pack's relative
    dates are then anchored to that frozen day).
    """
    if release_clock and isinstance(engine.clock, SharedClock):
        engine.clock.release()
    pack = read_reset_pack(engine, path)
    path = Path(path).resolve()
    kept = KEPT_TABLES | set(keep)

    def wipe(session: Session) -> tuple[dict[str, int], int]:
        counts: dict[str, int] = {}
        # Children before parents, so foreign keys hold at every statement.
        for table in reversed(metadata.sorted_tables):
            if table.name not in kept:
                counts[table.name] = cast(CursorResult[Any], session.execute(table.delete())).rowcount or 0
        # The store's margin floor is the pack's (or the configured default), like its catalogue.
        store_settings.clear(session, MARGIN_FLOOR_SETTING)
        previous = store_settings.read(session, RESET_SETTING, lock=True)
        generation = (previous.get("generation", 0) if isinstance(previous, dict) else 0) + 1
        store_settings.write(session, RESET_SETTING, {"scenario": str(path), "generation": generation},
                             at=engine.clock())
        audit.record(session, at=engine.clock(), actor=actor, action="store.reset", object_type="store",
                     object_id="store", after={"scenario": str(path), "generation": generation})
        return counts, generation

    wiped, generation = engine.work.write(wipe)
    forget_cached_campaigns(engine)
    loaded = load_pack(engine, pack, actor=actor, progress=progress)
    return ResetReport(scenario=str(path), generation=generation, wiped=wiped, loaded=loaded)


def last_reset(engine: Engine) -> dict[str, Any]:
    """{"scenario": path, "generation": n} of the latest reset, or {} before the first one."""
    with engine.work.read() as session:
        value = store_settings.read(session, RESET_SETTING)
    return value if isinstance(value, dict) else {}


def forget_cached_campaigns(engine: Engine) -> None:
    """Drop the engine's parsed campaigns and its active set. After a reset, campaign ids and
    versions start again at 1, so a cache keyed by (id, version) could return the definition
    of the campaign that stood there before."""
    engine.work.forget_parsed_campaigns()

