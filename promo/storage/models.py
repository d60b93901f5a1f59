"""The engine's tables: SQLAlchemy 2.x declarative models on their own MetaData.

Flask-SQLAlchemy in shop/ is bound to `metadata` (so Flask-Migrate sees these tables), but
nothing here imports Flask. Money columns are BigInteger minor units. Timestamps are stored in
UTC and read back timezone-aware on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Deterministic constraint names, so Alembic migrations can alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 64        # campaign slugs, customer ids, SKUs
CODE_LENGTH = 64


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC; naive values are refused, reads come back in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: promo stores timezone-aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


metadata = Base.metadata

Money = BigInteger


class CampaignRow(Base):
    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    # The definition exactly as written (the parsed form is rebuilt from it on load).
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    # Bumped on every definition change; parsed definitions are cached by (id, version).
    version: Mapped[int] = mapped_column(Integer, default=1)
    redemptions_count: Mapped[int] = mapped_column(Integer, default=0)
    budget_used: Mapped[int] = mapped_column(Money, default=0)
    order_value_used: Mapped[int] = mapped_column(Money, default=0)
    # Whether orders take the counters above: the definition has a total, a budget or an
    # order-value budget. An uncapped campaign's orders leave this row alone (no row lock per
    # order); their redemption items say counted=False and the figures add them up.
    capped: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('active', 'paused', 'archived')", name="status"),
        CheckConstraint("redemptions_count >= 0 AND budget_used >= 0 AND order_value_used >= 0", name="counters"),
        # Every engine call asks whether the active set changed (count, sum of versions, latest
        # change: promo.services.active); this covering index answers it without the table rows.
        Index("ix_campaigns_status_kind_version_updated_at", "status", "kind", "version", "updated_at"),
    )


# The campaign kinds the active set holds (promo.services.active.INDEXED_KINDS), and the columns of a
# campaign row that decide whether and how it is in that set: the triggers below watch these.
ACTIVE_SET_KINDS = ("promotion", "coupon")
ACTIVE_SET_COLUMNS = ("id", "kind", "status", "version", "definition", "created_at", "updated_at")


class CampaignRevisionRow(Base):
    """One row (id 1) whose revision the database bumps, in the writing transaction, whenever a
    promotion or coupon row is inserted, deleted, or has one of ACTIVE_SET_COLUMNS written:
    triggers on campaigns do it, so every path (the engine, the console, pack loading, a reset,
    a bulk insert or an edit made in the database) moves it. Every engine call reads it to learn
    whether its parsed active set is still current (promo.services.active): one primary-key
    read, however many campaigns there are. Counter updates (orders) leave it alone."""

    __tablename__ = "campaign_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)


def campaign_revision_triggers(dialect: str) -> list[str]:
    """The statements that make campaigns' writes bump campaign_revisions (SQLite or PostgreSQL).
    The migration that adds the table writes the same ones."""
    kinds = ", ".join(f"'{kind}'" for kind in ACTIVE_SET_KINDS)
    columns = ", ".join(ACTIVE_SET_COLUMNS)
    bump = "UPDATE campaign_revisions SET revision = revision + 1 WHERE id = 1"
    when = {"insert": f"NEW.kind IN ({kinds})", "delete": f"OLD.kind IN ({kinds})",
            "update": f"OLD.kind IN ({kinds}) OR NEW.kind IN ({kinds})"}
    events = {"insert": "INSERT", "delete": "DELETE", "update": f"UPDATE OF {columns}"}
    if dialect == "sqlite":
        return [f"CREATE TRIGGER IF NOT EXISTS campaigns_revision_{name} AFTER {events[name]} ON campaigns "
                f"FOR EACH ROW WHEN {when[name]} BEGIN {bump}; END" for name in events]
    return [
        "CREATE OR REPLACE FUNCTION bump_campaign_revision() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {bump}; RETURN NULL; END $$",
        *(f"CREATE TRIGGER campaigns_revision_{name} AFTER {events[name]} ON campaigns "
          f"FOR EACH ROW WHEN ({when[name]}) EXECUTE FUNCTION bump_campaign_revision()" for name in events),
        "CREATE TRIGGER campaigns_revision_truncate AFTER TRUNCATE ON campaigns "
        "FOR EACH STATEMENT EXECUTE FUNCTION bump_campaign_revision()",
    ]


@event.listens_for(CampaignRow.__table__, "after_create")
def _create_revision_triggers(target: Any, connection: Any, **_: Any) -> None:
    for statement in campaign_revision_triggers(connection.dialect.name):
        connection.exec_driver_sql(statement)


@event.listens_for(CampaignRevisionRow.__table__, "after_create")
def _seed_revision(target: Any, connection: Any, **_: Any) -> None:
    connection.execute(target.insert().values(id=1, revision=0))


class CodeRow(Base):
    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    # Normalised (stripped, upper case); the unique index is the lookup path.
    code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    holder_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    redeemed_count: Mapped[int] = mapped_column(Integer, default=0)
    gift_balance: Mapped[int | None] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The first instant the code is no longer valid, fixed when it is published to its holder
    # (promo.core.timing.code_expiry; campaigns with `codes: {valid_days}`). NULL: no end of its own.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("status IN ('active', 'disabled')", name="status"),
        CheckConstraint("redeemed_count >= 0", name="redeemed_count"),
        # publish() picks an unassigned code of one campaign through this index.
        Index("ix_codes_campaign_id_holder_id", "campaign_id", "holder_id"),
        # Engine.list_codes reads a page of one campaign's codes in code order off this one.
        Index("ix_codes_campaign_id_code", "campaign_id", "code"),
    )


class CustomerRow(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    segments: Mapped[list[str]] = mapped_column(JSON, default=list)
    orders_count: Mapped[int] = mapped_column(Integer, default=0)
    total_spent: Mapped[int] = mapped_column(Money, default=0)
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    birthday: Mapped[date | None] = mapped_column(Date)
    country: Mapped[str | None] = mapped_column(String(2))
    city: Mapped[str | None] = mapped_column(String(120))
    # "metadata" is reserved on declarative classes, hence the attribute name.
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    accepts_marketing: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Sign-in sessions carry the number they were made with; raising it (sign-out, a new
    # password) ends every session made before, cookies captured on the way included.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CategoryRow(Base):
    __tablename__ = "categories"

    slug: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class ProductRow(Base):
    __tablename__ = "products"

    sku: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    price: Mapped[int] = mapped_column(Money)
    # Category slugs (see `categories`) and collection names, as the cart line carries them.
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    collections: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str | None] = mapped_column(String(500))
    extra: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # What one unit costs the store; NULL: unknown, so no margin floor guards it.
    cost: Mapped[int | None] = mapped_column(Money, nullable=True)

    __table_args__ = (CheckConstraint("price >= 0", name="price"), CheckConstraint("cost >= 0", name="cost"))


class OrderRow(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_ref: Mapped[str] = mapped_column(String(128), unique=True)
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(20), default="placed")
    subtotal: Mapped[int] = mapped_column(Money)
    discount: Mapped[int] = mapped_column(Money)
    shipping: Mapped[int] = mapped_column(Money, default=0)
    shipping_discount: Mapped[int] = mapped_column(Money, default=0)
    total: Mapped[int] = mapped_column(Money)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    lines: Mapped[list[OrderLineRow]] = relationship(order_by="OrderLineRow.position", lazy="selectin")

    __table_args__ = (CheckConstraint("status IN ('placed', 'cancelled')", name="status"),)


class OrderLineRow(Base):
    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(ID_LENGTH))
    name: Mapped[str] = mapped_column(String(200))
    unit_price: Mapped[int] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    collections: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The sum of every still-granted offer's share on this line.
    discount: Mapped[int] = mapped_column(Money, default=0)
    added_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))  # campaign of a free gift
    # One unit's cost when the order was placed (NULL: unknown), for the margin it left.
    cost: Mapped[int | None] = mapped_column(Money, nullable=True)


class RedemptionRow(Base):
    __tablename__ = "redemptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), unique=True)
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"), index=True)
    # succeeded / partially_rolled_back / rolled_back
    status: Mapped[str] = mapped_column(String(30), default="succeeded")
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    rollback_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rolled_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[RedemptionItemRow]] = relationship(order_by="RedemptionItemRow.position", lazy="selectin")

    __table_args__ = (
        CheckConstraint("status IN ('succeeded', 'partially_rolled_back', 'rolled_back')", name="status"),
    )


class RedemptionItemRow(Base):
    """One applied offer of a redemption: what it granted and which counters it took."""

    __tablename__ = "redemption_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    redemption_id: Mapped[int] = mapped_column(ForeignKey("redemptions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), index=True)
    code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    discount: Mapped[int] = mapped_column(Money)
    shipping_discount: Mapped[int] = mapped_column(Money, default=0)
    line_discounts: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Per line: what the margin floor kept this offer from taking (all 0 when it was not capped).
    line_capped: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    # The order value this item counted against the campaign's order-value budget.
    order_value: Mapped[int] = mapped_column(Money, default=0)
    # The customer_usage period keys this item incremented, so a rollback restores exactly those.
    usage_keys: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Whether this item is in its campaign row's counters (an uncapped campaign's are not; a
    # rollback gives back to the row only what the row holds).
    counted: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    status: Mapped[str] = mapped_column(String(20), default="succeeded")
    rollback_reason: Mapped[str | None] = mapped_column(Text)
    rolled_back_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("status IN ('succeeded', 'rolled_back')", name="status"),)


class CustomerUsageRow(Base):
    """Redemptions of one campaign by one customer in one period (see promo.core.limits)."""

    __tablename__ = "customer_usage"

    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True, index=True)
    period_key: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("count >= 0", name="count"),)


class PublicationRow(Base):
    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"), index=True)
    code: Mapped[str] = mapped_column(String(CODE_LENGTH))
    source_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # NULL source_ids never collide, so publications without one are all kept.
    __table_args__ = (UniqueConstraint("campaign_id", "source_id"),)


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    operation: Mapped[str] = mapped_column(String(40))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(255))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)


class ApiKeyRow(Base):
    """Server-to-server API keys; only a hash of the secret is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16), index=True)   # shown in lists to tell keys apart
    key_hash: Mapped[str] = mapped_column(String(128), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# ---- referrals, gift cards and loyalty points (promo.referrals, promo.core.giftcards, promo.core.loyalty) ----


class ReferralRow(Base):
    """A friend who ordered with an advocate's referral code, and what the advocate got for it."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"), index=True)
    advocate_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    # Every signed-in cart update looks up the shopper's pending referrals by this column
    # (promo.services.referrals.convert_pending); the unique index below leads with campaign_id.
    friend_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    # pending (waiting for the conversion event) / converted / revoked (the order was rolled back)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reward_code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id"))
    bonus_code_id: Mapped[int | None] = mapped_column(ForeignKey("codes.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Each friend counts once per referral campaign.
    __table_args__ = (
        UniqueConstraint("campaign_id", "friend_id"),
        CheckConstraint("status IN ('pending', 'converted', 'revoked')", name="status"),
    )


class GiftCardLedgerRow(Base):
    """Every change to a gift card's balance, from its `issue` (the starting balance) on; `amount`
    is signed (a redemption is negative), so a card's entries add up to its balance."""

    __tablename__ = "gift_card_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("codes.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(Money)
    balance_after: Mapped[int] = mapped_column(Money)
    actor: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('issue', 'redemption', 'refund', 'top_up')", name="kind"),
        CheckConstraint("balance_after >= 0", name="balance_after"),
    )


class LoyaltyAccountRow(Base):
    """A customer's points in one loyalty programme. Below zero only when a cancelled order took
    back points already spent: a debt later earnings repay (a spend needs points >= its cost)."""

    __tablename__ = "loyalty_accounts"

    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True, index=True)
    points: Mapped[int] = mapped_column(BigInteger, default=0)


class LoyaltyLedgerRow(Base):
    """Every change to a points balance; `points` is signed (earn +, spend and reverse -)."""

    __tablename__ = "loyalty_ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    points: Mapped[int] = mapped_column(BigInteger)
    balance_after: Mapped[int] = mapped_column(BigInteger)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    reward_code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    # A spend's idempotency key: the same key spends once.
    spend_key: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("kind IN ('earn', 'spend', 'reverse')", name="kind"),
        UniqueConstraint("campaign_id", "customer_id", "spend_key"),
    )
