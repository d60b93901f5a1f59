"""The promotion engine's public Python API: one object, one short transaction per call.

    engine = Engine(session_factory, timezone="America/New_York", currency="USD")
    engine.create_campaign(definition, actor="ana@example.com")
    evaluation = engine.validate(customer, cart, ["HAPPY10"])
    result = engine.redeem(customer, cart, ["HAPPY10"], order_ref="A-1001", idempotency_key="...")
    engine.rollback(result.id, reason="payment failed")

The storefront, the JSON API and the CLI all go through these methods; none of them computes a
discount or touches a counter itself. Errors are promo.core.errors exceptions with a stable `code`.

The Engine is a facade: each method delegates to one service of promo.services (campaigns,
codes, customers, catalogue, offers, redemptions, publications, incentives), which all share
one UnitOfWork (settings, clock, transactions, parsed campaigns). Redemption is atomic: the
order, its redemption, every counter and the budget are written in one transaction, and every
cap sits in the WHERE clause of the UPDATE that takes it (promo.storage.counters), so concurrent
checkouts cannot pass a limit, not even by one cent. Rollback: see promo.services.redemptions.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from promo.core.campaign import AT_COST, Campaign, MarginFloor
from promo.core.domain import Cart, Context, Customer
from promo.core.incentive_records import (
    GiftCardBalance,
    GiftCardPayment,
    PointsAccount,
    PointsSpend,
    ReferralCode,
    ReferralConversion,
    ReferralSummary,
)
from promo.core.records import (
    AuditEntry,
    CampaignInfo,
    CartQuote,
    Category,
    CodeInfo,
    CodePage,
    Offer,
    Product,
    Publication,
    RedemptionResult,
)
from promo.core.results import Evaluation
from promo.delivery import tracking, wiring
from promo.delivery.distributions import Distributions
from promo.delivery.events import Event
from promo.delivery.tracking import TrackedEvent
from promo.delivery.webhooks import Webhooks
from promo.services.api_keys import ApiKeys
from promo.services.audit_trail import AuditTrail
from promo.services.bulk import Progress
from promo.services.campaigns import Campaigns
from promo.services.catalogue import Catalogue
from promo.services.codes import Codes
from promo.services.customers import Customers
from promo.services.incentives import Incentives
from promo.services.offers import Pricing
from promo.services.outbox import announce
from promo.services.publications import Publications
from promo.services.redemptions import Redemptions
from promo.services.reports import Reports
from promo.services.unit_of_work import UnitOfWork, WorkSetting, utc_now
from promo.storage.attempts import WrongCodeTally


class Engine:
    clock = WorkSetting()
    tz = WorkSetting()
    timezone = WorkSetting()
    currency = WorkSetting()
    locale = WorkSetting()
    max_offers = WorkSetting()
    margin_floor = WorkSetting()      # the default until the store settings save one
    webhook_targets = WorkSetting()   # promo.delivery.webhook_targets.TargetPolicy

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        timezone: str = "UTC",
        currency: str = "USD",
        locale: str = "en_US",
        max_offers: int = 5,
        clock: Callable[[], datetime] = utc_now,
        margin_floor: MarginFloor = AT_COST,
    ):
        wiring.install()   # the engine's own event listeners (distribution rules, referrals)
        self.work = UnitOfWork(session_factory, timezone=timezone, currency=currency, locale=locale,
                               max_offers=max_offers, clock=clock, margin_floor=margin_floor)
        self.campaigns = Campaigns(self.work)
        self.codes = Codes(self.work)
        self.customers = Customers(self.work)
        self.catalogue = Catalogue(self.work)
        self.incentives = Incentives(self.work)
        self.pricing = Pricing(self.work)
        self.redemptions = Redemptions(self.work, self.pricing, self.incentives)
        self.publications = Publications(self.work)
        self.audit_trail = AuditTrail(self.work)
        self.reports = Reports(self.work)      # the console's read-only reports
        self.api_keys = ApiKeys(self.work)     # the web API's keys, stored as hashes

    # ------------------------------------------------------------------ time and transactions

    def now(self) -> datetime:
        """The current time in the store's time zone (from the injected clock)."""
        return self.work.now()

    def context(self, **fields: Any) -> Context:
        """A Context at the store's current time: ``engine.context(page="cart")``."""
        return self.work.context(**fields)

    # ------------------------------------------------------------------ campaigns

    def parse(self, definition: Mapping[str, Any]) -> Campaign:
        """Validate a definition without storing it. Raises InvalidRequest listing every problem."""
        return self.campaigns.parse(definition)

    def create_campaign(self, definition: Mapping[str, Any], *, actor: str = "system") -> CampaignInfo:
        return self.campaigns.create_campaign(definition, actor=actor)

    def update_campaign(self, campaign_id: str, definition: Mapping[str, Any], *, actor: str = "system") -> CampaignInfo:
        """Replace a campaign's definition. Its id cannot change; its counters are kept."""
        return self.campaigns.update_campaign(campaign_id, definition, actor=actor)

    def set_campaign_status(self, campaign_id: str, action: str, *, actor: str = "system") -> CampaignInfo:
        """``action`` is ``pause``, ``resume`` or ``archive``. Archived campaigns stay archived."""
        return self.campaigns.set_campaign_status(campaign_id, action, actor=actor)

    def get_campaign(self, campaign_id: str) -> CampaignInfo:
        return self.campaigns.get_campaign(campaign_id)

    def load_campaign(self, campaign_id: str) -> Campaign:
        """The parsed campaign (frozen dataclasses), e.g. for describing it in the UI."""
        return self.campaigns.load_campaign(campaign_id)

    def load_campaigns(self, campaign_ids: Iterable[str]) -> dict[str, Campaign]:
        """load_campaign for several campaigns in one query (per 500 ids), by id."""
        return self.campaigns.load_campaigns(campaign_ids)

    def campaign_names(self, campaign_ids: Iterable[str]) -> dict[str, str]:
        """The names of these campaigns (whatever their status), by id, in one query per 500 ids;
        unknown ids are left out. For naming past redemptions without reading every campaign."""
        return self.campaigns.campaign_names(campaign_ids)

    def list_campaigns(self, *, status: str | None = None, kind: str | None = None) -> list[CampaignInfo]:
        return self.campaigns.list_campaigns(status=status, kind=kind)

    # ------------------------------------------------------------------ codes

    def generate_codes(
        self,
        campaign_id: str,
        count: int,
        *,
        batch_size: int = 10_000,
        progress: Progress | None = None,
        gift_balance: int | None = None,
        actor: str = "system",
    ) -> int:
        """Add `count` unique random codes to a campaign with a code pattern; returns the number made.

        Streams in batches of `batch_size`, each its own transaction; `progress(done, total)` is
        called after each. Refused (InvalidRequest ``keyspace_too_small``) when the campaign's
        codes would fill more than 1 in 10^6 of the pattern's keyspace.
        """
        return self.codes.generate_codes(campaign_id, count, batch_size=batch_size, progress=progress, gift_balance=gift_balance, actor=actor)

    def get_code(self, code: str) -> CodeInfo:
        return self.codes.get_code(code)

    def list_codes(
        self,
        campaign_id: str,
        *,
        prefix: str | None = None,
        status: str | None = None,
        holder_id: str | None = None,
        limit: int = 100,
        after: str | None = None,
        count_total: bool | None = None,
    ) -> CodePage:
        """A page of a campaign's codes in code order, paged by key; pass `next_after` back as
        `after`. Filters, paging and `total`: promo.services.codes.Codes.list_codes."""
        return self.codes.list_codes(campaign_id, prefix=prefix, status=status, holder_id=holder_id, limit=limit,
                                     after=after, count_total=count_total)

    def customer_codes(self, customer_id: str) -> list[CodeInfo]:
        """Every code published to the customer (their wallet), oldest first."""
        return self.codes.customer_codes(customer_id)

    def set_code_status(self, code: str, status: str, *, actor: str = "system") -> CodeInfo:
        """``status`` is ``active``/``disabled`` (or the actions ``enable``/``disable``)."""
        return self.codes.set_code_status(code, status, actor=actor)

    # ------------------------------------------------------------------ customers and catalogue

    def upsert_customer(self, customer: Customer, *, actor: str = "system") -> Customer:
        """Create or replace a customer's profile (the password hash, if any, is kept)."""
        return self.customers.upsert_customer(customer, actor=actor)

    def get_customer(self, customer_id: str) -> Customer:
        return self.customers.get_customer(customer_id)

    def find_customer_by_email(self, email: str) -> tuple[Customer, str | None]:
        """(profile, password hash) of the customer with this email, for signing in."""
        return self.customers.find_customer_by_email(email)

    def set_password_hash(self, customer_id: str, password_hash: str | None, *, actor: str = "system") -> None:
        return self.customers.set_password_hash(customer_id, password_hash, actor=actor)

    def customer_for_session(self, customer_id: str, session_version: int) -> Customer | None:
        """The customer a sign-in session names, or None when the customer is gone or the session
        was made before the last sign-out or password change (its version is older)."""
        return self.customers.customer_for_session(customer_id, session_version)

    def customer_session_version(self, customer_id: str) -> int:
        """The version a new sign-in session of this customer carries."""
        return self.customers.customer_session_version(customer_id)

    def end_customer_sessions(self, customer_id: str, *, actor: str = "system") -> None:
        """Sign the customer out everywhere: sessions made before (any cookie) stop working."""
        self.customers.end_customer_sessions(customer_id, actor=actor)

    def set_accepts_marketing(self, customer_id: str, accepts: bool, *, actor: str = "system") -> Customer:
        """Record whether the customer may be sent offers, and nothing else of the profile (a
        read-then-upsert could put back counters an order changed in between)."""
        return self.customers.set_accepts_marketing(customer_id, accepts, actor=actor)

    def upsert_category(self, category: Category) -> Category:
        return self.catalogue.upsert_category(category)

    def upsert_product(self, product: Product) -> Product:
        return self.catalogue.upsert_product(product)

    def list_categories(self) -> list[Category]:
        return self.catalogue.list_categories()

    def list_products(self, *, category: str | None = None) -> list[Product]:
        return self.catalogue.list_products(category=category)

    def get_product(self, sku: str) -> Product:
        return self.catalogue.get_product(sku)

    def reading(self) -> AbstractContextManager[None]:
        """Every read inside shares one read-only transaction; nothing inside may write."""
        return self.work.reading()

    def products_by_sku(self, skus: Iterable[str]) -> dict[str, Product]:
        """The products among `skus` (unknown SKUs left out), read in one query."""
        return self.catalogue.products_by_sku(skus)

    def set_product_cost(self, sku: str, cost: int | None) -> Product:
        return self.catalogue.set_product_cost(sku, cost)

    def store_margin_floor(self) -> MarginFloor:
        """The margin floor of campaigns without their own (docs/discount-policy.md)."""
        return self.catalogue.margin_floor()

    def margin_warnings(self, definition: Mapping[str, Any]) -> list[str]:
        """Where this definition's headline discount is more than the margin floor leaves on a
        product it targets: the floor will cap it there. Warnings, never a refusal."""
        return self.catalogue.margin_warnings(definition)

    def set_store_margin_floor(self, floor: MarginFloor | None) -> MarginFloor:
        """Save the store's margin floor; None goes back to the configured default."""
        return self.catalogue.set_margin_floor(floor)

    # ------------------------------------------------------------------ referrals, gift cards, points (promo.services.incentives)

    def referral_code_for(self, customer_id: str, campaign_id: str | None = None) -> ReferralCode:
        """The customer's personal referral code (of the first active referral campaign unless
        one is named), made on the first call; later calls return the same code."""
        return self.incentives.referral_code_for(customer_id, campaign_id)

    def referral_summary(self, customer_id: str, campaign_id: str | None = None) -> ReferralSummary:
        return self.incentives.referral_summary(customer_id, campaign_id)

    def referral_event(self, customer_id: str, event: str) -> list[ReferralConversion]:
        """Convert the friend's referrals that wait for `event` (campaign option ``conversion``)."""
        return self.incentives.referral_event(customer_id, event)

    def gift_card_balance(self, code: str) -> GiftCardBalance:
        """The card's balance and its ledger, newest first."""
        return self.incentives.gift_card_balance(code)

    def customer_gift_cards(self, customer_id: str) -> list[GiftCardBalance]:
        return self.incentives.customer_gift_cards(customer_id)

    def gift_card_payments(self, codes: Iterable[str], total: int, customer_id: str | None = None, *,
                           currency: str | None = None) -> list[GiftCardPayment]:
        """What the gift cards among `codes` would pay towards `total`, in entry order; with the
        order's `currency`, cards in another currency are left out, as redeem refuses them."""
        return self.incentives.gift_card_payments(list(codes), total, customer_id, currency=currency)

    def order_gift_card_payments(self, order_ref: str) -> list[GiftCardPayment]:
        return self.incentives.order_gift_card_payments(order_ref)

    def issue_gift_card(self, campaign_id: str, *, balance: int | None = None, code: str | None = None,
                        customer_id: str | None = None, actor: str = "system") -> GiftCardBalance:
        """A new gift card (its code drawn from the pattern unless given), optionally in a wallet."""
        return self.incentives.issue_gift_card(campaign_id, balance=balance, code=code, customer_id=customer_id,
                                               actor=actor)

    def top_up_gift_card(self, code: str, amount: int, *, actor: str = "system") -> GiftCardBalance:
        return self.incentives.top_up_gift_card(code, amount, actor=actor)

    def points_accounts(self, customer_id: str) -> list[PointsAccount]:
        """The customer's points in every running loyalty programme, with rewards and ledger."""
        return self.incentives.points_accounts(customer_id)

    def points_account(self, customer_id: str, campaign_id: str) -> PointsAccount:
        return self.incentives.points_account(customer_id, campaign_id)

    def spend_points(self, customer_id: str, campaign_id: str, reward: int, *,
                     idempotency_key: str | None = None) -> PointsSpend:
        """Spend points on reward number `reward`; its code goes to the wallet. Conflict
        ``insufficient_points`` when the balance is short; the same key spends once."""
        return self.incentives.spend_points(customer_id, campaign_id, reward, idempotency_key=idempotency_key)

    # ------------------------------------------------------------------ qualify / validate

    def qualify(
        self, customer: Customer | str | None, cart: Cart, context: Context | None = None,
        *, touching_cart: bool = False, visible_only: bool = False,
    ) -> list[Offer]:
        """Every offer the customer could use now, each evaluated on this cart alone, best first.

        Auto promotions, listed public codes and the codes in the customer's wallet. Eligible
        offers come first by discount, then near misses (an unmet minimum, with a hint) by
        progress, then the rest. Counters are read live, so an exhausted budget shows at once.

        With `touching_cart`, promotions and public codes are only those that could apply to this
        cart's items and this customer's segments, or hint at what to add (promo.core.index), as a
        cart's nudges need. With `visible_only`, they are only those whose visibility shows them
        to this customer in this context (`Offer.visible`; promo.core.visibility), as pages that list
        offers need. Either way the wallet is listed whole. Without them every offer is listed.
        """
        return self.pricing.qualify(customer, cart, context, touching_cart=touching_cart, visible_only=visible_only)

    def validate(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        context: Context | None = None,
        *,
        declined_codes: Iterable[str] = (),
        promotions: Iterable[str] | None = None,
    ) -> Evaluation:
        """The evaluation redeem() would make now, with no side effects.

        Coupons with ``auto_apply`` apply their public code when it helps, as if entered, except
        those in `declined_codes` (the shopper removed them); they are among the applied offers
        (with their code) but not in ``Evaluation.codes``, which reports the entered ones.
        With `promotions` (campaign ids) only those active promotions and the entered codes are
        evaluated (a client that names every offer it wants, as the Voucherify dialect does)."""
        return self.pricing.validate(customer, cart, codes, context, declined_codes=declined_codes, promotions=promotions)

    def price(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        context: Context | None = None,
        *,
        declined_codes: Iterable[str] = (),
        with_offers: bool = True,
    ) -> CartQuote:
        """One evaluation of the cart for every page that talks about it: what validate() gives,
        and (`with_offers`) each offer touching the cart or held in the customer's wallet, told
        against that same evaluation: the cart's own result for offers it holds, otherwise the
        result and the extra saving of adding it to the cart as it is. One read transaction."""
        return self.pricing.price(customer, cart, codes, context, declined_codes=declined_codes,
                                  with_offers=with_offers)

    # ------------------------------------------------------------------ redeem

    def redeem(
        self,
        customer: Customer | str | None,
        cart: Cart,
        codes: Iterable[str] = (),
        *,
        order_ref: str | None = None,
        idempotency_key: str | None = None,
        context: Context | None = None,
        declined_codes: Iterable[str] = (),
        promotions: Iterable[str] | None = None,
    ) -> RedemptionResult:
        """Evaluate again and, in one transaction, record the order and its redemption, take every
        counter and consume the budgets.

        Raises RedemptionRefused (``code`` = the reason, e.g. ``code_not_found``) when an entered
        code does not apply, LimitExceeded (``quantity_exceeded``, ``customer_limit_reached``,
        ``campaign_limit_reached``, ``budget_exhausted``) when a limit is used up, Conflict for a
        reused order_ref or an idempotency key reused with another payload. The same key with the
        same payload returns the first result (``replayed=True``) and redeems nothing again.
        Auto promotions that cannot apply are simply left out of the order, and so are auto_apply
        codes (validate() says which apply); `declined_codes` are not applied for the shopper.
        `promotions` limits the promotions to those campaign ids, as in validate(); each of
        them must apply (or be set aside by stacking) like an entered code, or the order is
        refused with its reason (``campaign_paused`` when it is no longer active).
        """
        return self.redemptions.redeem(customer, cart, codes, order_ref=order_ref, idempotency_key=idempotency_key,
                                       context=context, declined_codes=declined_codes, promotions=promotions)

    # ------------------------------------------------------------------ rollback

    def rollback(
        self, redemption_id: int, *, reason: str, item_id: int | None = None, actor: str = "system"
    ) -> RedemptionResult:
        """Withdraw a whole redemption (item_id=None) or one stacked child; see the module doc.

        Idempotent: what is already rolled back stays as it is and the current state is returned.
        """
        return self.redemptions.rollback(redemption_id, reason=reason, item_id=item_id, actor=actor)

    def get_redemption(self, redemption_id: int) -> RedemptionResult:
        return self.redemptions.get_redemption(redemption_id)

    def list_redemptions(self, *, customer_id: str | None = None, limit: int = 50) -> list[RedemptionResult]:
        """Newest first; `customer_id` narrows to one customer's orders (the wallet's history)."""
        return self.redemptions.list_redemptions(customer_id=customer_id, limit=limit)

    # ------------------------------------------------------------------ publish

    def publish(
        self, campaign_id: str, customer_id: str, *, source_id: str | None = None, actor: str = "system"
    ) -> Publication:
        """Give the customer a code of the campaign: an unassigned code from its pool, or its
        public code. The same `source_id` returns the same publication (and code) every time.
        Raises PoolEmpty (409, ``pool_empty``) when no unassigned code is left.
        """
        return self.publications.publish(campaign_id, customer_id, source_id=source_id, actor=actor)

    def renew_publication(
        self, publication_id: int, *, as_of: datetime | None = None, actor: str = "system"
    ) -> Publication:
        """Give a still unused published code the end a publication at `as_of` (default now) would
        give it; audited and announced when it moves. See Publications.renew_publication."""
        return self.publications.renew_publication(publication_id, as_of=as_of, actor=actor)

    def list_publications(self, customer_id: str) -> list[Publication]:
        return self.publications.list_publications(customer_id)

    # ------------------------------------------------------------------ audit

    def audit_log(self, *, object_type: str | None = None, object_id: str | None = None, limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
        return self.audit_trail.audit_log(object_type=object_type, object_id=object_id, limit=limit)

    def wrong_code_tallies(self, *, days: int = 14) -> list[WrongCodeTally]:
        """Wrong codes entered per UTC day and source (storefront, or api:<key prefix>), for the
        last `days` days including today, newest first: guessing shows up here in aggregate."""
        return self.audit_trail.wrong_code_tallies(days=days)

    # ------------------------------------------------------------------ parsed definitions

    def campaign_of(self, info: CampaignInfo) -> Campaign:
        """The parsed form of a campaign already read (get_campaign, list_campaigns); raises
        UnreadableDefinition (with every problem) when its stored definition cannot be parsed."""
        return self.campaigns.campaign_of(info)

    def definition_errors(self, info: CampaignInfo) -> list[dict[str, str]]:
        """Why the campaign's stored definition cannot be parsed, ``{path, message}`` each; empty
        when it can. Such a campaign is skipped when carts are priced until it is replaced."""
        return self.campaigns.definition_errors(info)

    # ------------------------------------------------------------------ events (promo.delivery, docs/events.md)

    def track(self, customer_id: str, event: str, properties: Mapping[str, Any] | None = None,
              *, actor: str = "system") -> TrackedEvent:
        """Record that something happened to a customer: ``signup``, ``review_left``,
        ``cart_updated`` (properties ``lines``) or any custom event (``order_shipped``). The
        outbox gets ``tracked.<event>``, and distribution rules on it fire in the same transaction."""
        return tracking.track(self.work, customer_id, event, properties, actor=actor)

    def notify(self, event_type: str, payload: Mapping[str, Any], *, customer_id: str | None = None) -> Event:
        """Write an event to the outbox in a transaction of its own, for webhooks to deliver:
        what the store asks the merchant's systems to do (``customer.registration_requested``:
        email this link)."""
        return self.work.write(lambda session: announce(self.work, session, event_type, payload, customer_id=customer_id))

    @property
    def distributions(self) -> Distributions:
        """Distribution rules: "on event E, if conditions C, publish a code of campaign K"."""
        return Distributions(self.work)

    @property
    def webhooks(self) -> Webhooks:
        """Webhook endpoints and their deliveries."""
        return Webhooks(self.work)
