"""The active promotions and coupons, parsed once and indexed, reused while the table is unchanged.

Every cart change used to read every active campaign row (definition JSON included) and hand all
of them to the applicator. Now each read asks one question first: what is the campaigns'
revision (promo.storage.models.CampaignRevisionRow)? While it is the one the cached set was
built from, the cached `promo.core.index.CampaignIndex` is used as it is. When it differs, ids
and versions are read again and only the definitions whose version changed are fetched and
parsed.

Why the revision catches every change: triggers on the campaigns table bump it, in the writing
transaction, whenever a promotion or coupon row is inserted, deleted, or has its kind, status,
version, definition or times written, whichever path writes it (the engine, the console, pack
loading, a reset, an edit made in the database). Reading it is one primary-key lookup, so it
costs the same with 10 campaigns or 10,000 (it used to be an index scan of the active rows).
The Engine also forgets the cached set after its own campaign writes. Counters (redemptions,
budget used) are never cached, and writing them does not move the revision:
promo.services.offer_loader reads them live for the candidates.

A definition that no longer parses (promo.core.errors.UnreadableDefinition) is left out of the set:
the other campaigns still price carts, and the console reports the broken one.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from promo.core.campaign import Campaign, Kind
from promo.core.errors import UnreadableDefinition
from promo.core.index import CampaignIndex
from promo.core.visibility import VisibilityIndex
from promo.storage.models import CampaignRevisionRow, CampaignRow
from promo.storage.store_settings import StoreSettingRow

MARGIN_FLOOR_SETTING = "margin_floor"   # the store's margin floor as written ("10%"), when set

INDEXED_KINDS = (Kind.PROMOTION.value, Kind.COUPON.value)
DEFINITION_BATCH = 500   # ids per IN (...) when fetching changed definitions


class StoredDefinition(NamedTuple):
    """What parsing a campaign needs from its row (the attribute names of CampaignRow)."""

    id: str
    version: int
    definition: dict[str, Any]


ParseStored = Callable[[StoredDefinition], Campaign]


@dataclass(frozen=True)
class ActiveSet:
    fingerprint: tuple[Any, ...]
    promotions: CampaignIndex     # in (created_at, id) order, as the applicator applies them
    promotion_hints: CampaignIndex  # the same, for nudges: could apply or hint (promo.core.index)
    coupon_hints: CampaignIndex
    listed_promotions: VisibilityIndex  # for pages that list offers: where and to whom each shows
    listed_coupons: VisibilityIndex
    auto_coupons: CampaignIndex   # listed coupons with auto_apply: their codes apply unasked
    # The store's margin floor setting as stored ("10%", 200, "off"), None when never set. Read
    # in the same statement as the fingerprint, so pricing a cart costs no query for it.
    margin_floor: Any = None
    # What promo.services.offer_loader makes of a promotion without limits, by (campaign id, for
    # a signed-in customer): nothing about it can change while this set is current (its status
    # moves the revision; it has no counters), so it is made once per set, not per cart.
    unlimited_slots: dict[tuple[str, bool], Any] = field(default_factory=dict, compare=False, repr=False)


_CAMPAIGNS = CampaignRow.__table__


def _active(statement: Any) -> Any:
    return statement.where(_CAMPAIGNS.c.kind.in_(INDEXED_KINDS), _CAMPAIGNS.c.status == "active")


def _fingerprint() -> Any:
    """The campaigns' revision and the store's margin floor setting, in one statement of two
    primary-key lookups. Built once, on the tables' columns: every cart is priced after it, and
    building and compiling an ORM statement cost more than running it."""
    settings = StoreSettingRow.__table__
    revisions = CampaignRevisionRow.__table__
    revision = select(revisions.c.revision).where(revisions.c.id == 1).scalar_subquery()
    floor = select(settings.c.value).where(settings.c.name == MARGIN_FLOOR_SETTING).scalar_subquery()
    return select(revision, floor)


_FINGERPRINT = _fingerprint()


def _chunks(items: Sequence[str], size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


class ActiveCampaigns:
    """One per Engine (per worker process); `current(session)` costs one query while unchanged."""

    def __init__(self, parse: ParseStored):
        self._parse = parse
        self._lock = threading.Lock()
        self._set: ActiveSet | None = None
        self._parsed: dict[str, tuple[int, Campaign]] = {}

    def forget(self) -> None:
        self._set = None

    def current(self, session: Session) -> ActiveSet:
        revision, margin_floor = session.execute(_FINGERPRINT).one()
        fingerprint = (revision,)
        cached = self._set
        # No revision row (a database edited by hand): nothing says the set is current.
        if cached is None or cached.fingerprint != fingerprint or revision is None:
            with self._lock:
                cached = self._load(session, fingerprint)
                self._set = cached
        if cached.margin_floor != margin_floor:
            cached = replace(cached, margin_floor=margin_floor)
            self._set = cached
        return cached

    def _load(self, session: Session, fingerprint: tuple[Any, ...]) -> ActiveSet:
        rows = session.execute(_active(
            select(CampaignRow.id, CampaignRow.kind, CampaignRow.version).order_by(CampaignRow.created_at, CampaignRow.id)
        )).all()
        stale = [row.id for row in rows if self._parsed.get(row.id, (None,))[0] != row.version]
        for chunk in _chunks(stale, DEFINITION_BATCH):
            statement = select(CampaignRow.id, CampaignRow.version, CampaignRow.definition).where(CampaignRow.id.in_(chunk))
            for campaign_id, version, definition in session.execute(statement):
                try:
                    self._parsed[campaign_id] = (version, self._parse(StoredDefinition(campaign_id, version, definition)))
                except UnreadableDefinition:
                    # Left out of the set (the parser logs it): one bad row must not stop every cart.
                    self._parsed.pop(campaign_id, None)
        live = {row.id for row in rows}
        for campaign_id in [known for known in self._parsed if known not in live]:
            del self._parsed[campaign_id]
        promotions = [self._parsed[r.id][1] for r in rows if r.kind == Kind.PROMOTION.value and r.id in self._parsed]
        coupons = [self._parsed[r.id][1] for r in rows if r.kind == Kind.COUPON.value and r.id in self._parsed]
        return ActiveSet(fingerprint, CampaignIndex(promotions), CampaignIndex(promotions, hints=True),
                         CampaignIndex(coupons, hints=True), VisibilityIndex(promotions),
                         VisibilityIndex(c for c in coupons if c.code),
                         CampaignIndex([c for c in coupons if c.auto_apply and c.code and c.visibility.listed]))
