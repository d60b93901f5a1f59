"""Any condition the parser accepts evaluates and describes itself on any cart, customer and
context without raising: conditions run inside every checkout."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from promo.core.conditions import FACTS, OPERATORS_FOR, Op, ValueType
from promo.core.domain import CartLine, Context, Customer
from promo.core.facts import Facts
from promo.core.reasons import Reason
from tests.support.formatkit import campaign_with

SLUGS = ["arabica", "merch", "vip", "staff", "gold", "web", "app", "category", "product", "cart"]
money = st.integers(min_value=0, max_value=10**7)
count = st.integers(min_value=0, max_value=50)
VALUES = {
    ValueType.MONEY: money,
    ValueType.COUNT: count,
    ValueType.BOOL: st.booleans(),
    ValueType.TEXT: st.sampled_from(SLUGS),
    ValueType.SEGMENT: st.sampled_from(SLUGS),
    ValueType.COUNTRY: st.sampled_from(["TH", "PL", "US", "NO"]),
    ValueType.WEEKDAY: st.sampled_from(["mon", "sun", "weekdays", "weekends"]),
    ValueType.TIME: st.sampled_from(["00:00", "09:30", "16:00", "23:59"]),
    ValueType.ANY: st.one_of(st.integers(-5, 5), st.sampled_from(["gold", "x"]), st.booleans(), st.floats(-1, 1)),
}
selectors = st.one_of(st.just({}), st.fixed_dictionaries({"categories": st.sampled_from([["arabica"], ["merch", "arabica"]])}),
                      st.fixed_dictionaries({"skus": st.just(["A"]), "label": st.just("item A")}))


@st.composite
def fact_conditions(draw) -> dict:
    name = draw(st.sampled_from([*FACTS, "customer.metadata.tier", "cart.lines"]))
    if name == "cart.lines":
        return {"fact": name, "items": draw(selectors), "match": draw(st.sampled_from(["any", "every", "none"]))}
    kind = ValueType.ANY if name.startswith("customer.metadata.") else FACTS[name].type
    op = draw(st.sampled_from(sorted(OPERATORS_FOR[kind])))
    if name == "context.page":
        values = st.sampled_from(["home", "category", "product", "cart"])
    else:
        values = VALUES[kind]
    if op in (Op.IN, Op.NOT_IN):
        value = draw(st.lists(values, min_size=1, max_size=3))
    elif op is Op.BETWEEN:
        if kind is ValueType.ANY:
            values = st.integers(-5, 5)
        value = sorted(draw(st.lists(values, min_size=2, max_size=2)))
    else:
        value = draw(values)
    condition = {"fact": name, op.value: value}
    if name in ("cart.subtotal", "cart.initial_subtotal", "cart.quantity") and draw(st.booleans()):
        condition["items"] = draw(selectors)
    return condition


conditions = st.recursive(
    fact_conditions(),
    lambda inner: st.one_of(
        st.fixed_dictionaries({"all": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"any": st.lists(inner, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"not": inner}),
    ),
    max_leaves=6,
)
lines = st.lists(st.builds(
    CartLine, st.sampled_from(["A", "B", "C"]), st.just("Item"), st.integers(0, 10_000), st.integers(1, 12),
    st.sampled_from([frozenset(), frozenset({"arabica"}), frozenset({"merch"})]),
), max_size=4)
customers = st.builds(
    Customer, id=st.none() | st.just("c-1"), segments=st.sampled_from([frozenset(), frozenset({"VIP"})]),
    orders_count=count, total_spent=money,
    last_order_at=st.none() | st.datetimes(datetime(2020, 1, 1), datetime(2026, 11, 1), timezones=st.just(ZoneInfo("UTC"))),
    birthday=st.none() | st.dates(date(1950, 1, 1), date(2010, 12, 31)),
    country=st.none() | st.sampled_from(["th", "PL"]), city=st.none() | st.just("Bangkok"),
    metadata=st.sampled_from([{}, {"tier": "gold"}, {"tier": 3}, {"tier": None}]),
)
moments = st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1), timezones=st.just(ZoneInfo("Asia/Bangkok")))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conditions, lines, customers, moments, st.sampled_from([None, "home", "category"]),
       st.sampled_from(["USD", "THB", "JPY"]), st.data())
def test_accepted_conditions_always_evaluate_and_describe(written, cart, customer, now, page, currency, data):
    condition = campaign_with(eligibility=written).eligibility
    facts = Facts.initial(customer, Context(now=now, page=page), tuple(cart), currency)
    if cart:
        earlier = tuple(data.draw(st.integers(0, line.subtotal)) for line in cart)
        facts = facts.with_totals(earlier)
    result = condition.evaluate(facts)
    if result.ok:
        assert result.reason is None and result.hint is None
    else:
        assert isinstance(result.reason, Reason) and result.message
        if result.hint is not None:
            assert result.reason is Reason.MINIMUM_NOT_MET and 0.0 <= result.hint.progress <= 1.0
            assert (result.hint.missing_amount or 0) > 0 or (result.hint.missing_quantity or 0) > 0
    assert condition.describe(currency, "en_US")
    assert all(condition.restrictions(currency, "th_TH"))
