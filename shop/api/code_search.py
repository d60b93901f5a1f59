"""Keyset-paged search of a campaign's codes by prefix, status and holder.

``Engine.list_codes`` pages by status and holder but has no prefix filter; this is the same
query with one, kept thin and read-only until the engine grows the parameter.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from promo.codes import normalise_code
from promo.records import CodePage
from promo.storage import CodeRow
from promo.storage.convert import code_info
from promo.storage.database import READ_ONLY
from shop.extensions import db, promo_engine


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_codes(campaign_id: str, *, prefix: str | None, status: str | None, holder_id: str | None,
                 limit: int, after: str | None) -> CodePage:
    if not prefix:
        return promo_engine().list_codes(campaign_id, status=status, holder_id=holder_id, limit=limit, after=after)
    promo_engine().get_campaign(campaign_id)  # 404 campaign_not_found for an unknown campaign
    conditions = [CodeRow.campaign_id == campaign_id,
                  CodeRow.code.like(_escape_like(normalise_code(prefix)) + "%", escape="\\")]
    if status is not None:
        conditions.append(CodeRow.status == status)
    if holder_id is not None:
        conditions.append(CodeRow.holder_id == holder_id)
    with Session(db.engine) as session:
        session.connection(execution_options=READ_ONLY)
        total = session.scalar(select(func.count()).select_from(CodeRow).where(*conditions)) or 0
        page = select(CodeRow).where(*conditions).order_by(CodeRow.code).limit(limit + 1)
        if after is not None:
            page = page.where(CodeRow.code > normalise_code(after))
        rows = list(session.scalars(page))
    more = len(rows) > limit
    rows = rows[:limit]
    return CodePage(tuple(code_info(row) for row in rows), total, rows[-1].code if more and rows else None)
