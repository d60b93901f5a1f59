"""Tables of the event side of the engine: the outbox, webhook endpoints and their deliveries,
distribution rules with their firings, and the last known cart of each customer.

They sit on the engine's MetaData (promo.storage.Base) like every other table, in a module of
their own so the events work (promo.delivery.events, promo.delivery.webhooks, promo.delivery.distributions) does not
crowd promo/storage/models.py.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import CODE_LENGTH, ID_LENGTH, Base, Money, UTCDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")   # SQLite autoincrements INTEGER keys only


class OutboxEventRow(Base):
    """One event, written in the transaction of the change it reports (see promo.delivery.events)."""

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # The public id receivers deduplicate on ("evt_" + 24 hex digits).
    event_id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(80), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(ID_LENGTH), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Set once a worker has made the event's webhook deliveries.
    fanned_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_events_fan_out", "fanned_out_at", "id"),)


class WebhookEndpointRow(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    # Event type patterns: "redemption.succeeded", "redemption.*" or "*".
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Kept in clear: signing needs it. Shown to the API client once, when the endpoint is made.
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WebhookDeliveryRow(Base):
    """One event for one endpoint: pending until delivered, or dead after the last attempt."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox_events.id"), index=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A worker that claimed the delivery holds it until lease_until (a crashed worker's
    # claims are picked up again after that).
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("outbox_id", "endpoint_id"),
        CheckConstraint("status IN ('pending', 'delivered', 'dead')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )


class DistributionRuleRow(Base):
    """"On event E, if conditions C, publish a code of campaign K" (see promo.delivery.distributions)."""

    __tablename__ = "distribution_rules"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(80), index=True)
    # The rule exactly as written; the parsed form is rebuilt from it.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DistributionFiringRow(Base):
    """A rule fired for a customer in a period. The unique key is what makes a rule fire once
    per customer per period, however many workers race for it."""

    __tablename__ = "distribution_firings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(ForeignKey("distribution_rules.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    period_key: Mapped[str] = mapped_column(String(64))
    # published, or failed (e.g. the campaign's pool was empty); `error` says why.
    status: Mapped[str] = mapped_column(String(20))
    campaign_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    code: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    error: Mapped[str | None] = mapped_column(Text)
    event_id: Mapped[str | None] = mapped_column(String(40))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("rule_id", "customer_id", "period_key"),
        CheckConstraint("status IN ('published', 'failed')", name="status"),
    )


class CartActivityRow(Base):
    """A signed-in customer's cart as last tracked (``Engine.track(id, "cart_updated", ...)``),
    for the abandoned-cart trigger."""

    __tablename__ = "cart_activity"

    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    # [[sku, name, unit_price, quantity, [categories]], ...]
    lines: Mapped[list[Any]] = mapped_column(JSON, default=list)
    subtotal: Mapped[int] = mapped_column(Money, default=0)
    items_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
