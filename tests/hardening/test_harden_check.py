"""`flask promo check` passes on a store used normally and names each broken invariant."""
from sqlalchemy import update
from sqlalchemy.orm import Session

from promo.storage.models import CampaignRow, CodeRow, OrderRow
from shop.extensions import db
from hardenkit import place_order
from webkit import seeded


def run_check(app):
    return app.test_cli_runner().invoke(args=["promo", "check"])


def test_check_passes_after_orders_and_a_cancellation(make_app):
    app = seeded(make_app(DEMO_MODE=True))
    place_order(app, "vip", "HAPPY10")
    place_order(app, "birthday")
    result = run_check(app)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK")


def test_check_lists_each_broken_invariant_and_exits_non_zero(make_app):
    app = seeded(make_app(DEMO_MODE=True))
    place_order(app, "vip", "HAPPY10")
    with app.app_context(), Session(db.engine) as session, session.begin():
        session.execute(update(CampaignRow).where(CampaignRow.id == "happy10").values(redemptions_count=5))
        code_id = session.query(CodeRow.id).filter(CodeRow.code == "HAPPY10").scalar()
        session.execute(update(CodeRow).where(CodeRow.id == code_id).values(redeemed_count=0))
        order = session.query(OrderRow).first()
        session.add(OrderRow(order_ref="ORPHAN-1", customer_id=None, currency="USD", status="placed", subtotal=100,
                             discount=0, shipping=0, shipping_discount=0, total=100, created_at=order.created_at))
    result = run_check(app)
    assert result.exit_code == 1
    assert "campaign happy10: redemptions_count is 5 but 1 redemptions are recorded" in result.output
    assert "code HAPPY10: redeemed_count is 0 but 1 redemptions are recorded" in result.output
    assert "order ORPHAN-1: has no redemption record" in result.output
