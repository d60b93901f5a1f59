"""campaigns.capped and redemption_items.counted: uncapped campaigns' orders leave the row alone

Every order used to update the campaign row of every applied offer, so orders sharing a free
shipping offer queued for that row. Only capped campaigns (a total, a budget or an order-value
budget) now take their row's counters; an uncapped campaign's redemption items are marked
counted=False and its figures add them to the row's. Existing items are all in their rows'
counters (counted=True); existing campaigns are marked capped from their definitions.

Revision ID: c2d9e4f7a3b1
Revises: d1a6f3b8c2e4
Create Date: 2026-12-07 17:00:00.000000

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c2d9e4f7a3b1'
down_revision = 'd1a6f3b8c2e4'
branch_labels = None
depends_on = None

CAPS = ('total', 'budget', 'order_value_budget')
_UNCOUNTED = "WHERE i.campaign_id = campaigns.id AND i.counted = false AND i.status = 'succeeded'"


def upgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capped', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('redemption_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counted', sa.Boolean(), nullable=False, server_default=sa.true()))
    connection = op.get_bind()
    campaigns = sa.table('campaigns', sa.column('id', sa.String), sa.column('definition', sa.JSON),
                         sa.column('capped', sa.Boolean))
    uncapped = []
    for campaign_id, definition in connection.execute(sa.select(campaigns.c.id, campaigns.c.definition)):
        if isinstance(definition, str):
            definition = json.loads(definition)
        limits = definition.get('limits') if isinstance(definition, dict) else None
        if not isinstance(limits, dict) or all(limits.get(cap) is None for cap in CAPS):
            uncapped.append(campaign_id)
    for start in range(0, len(uncapped), 500):
        connection.execute(campaigns.update().where(campaigns.c.id.in_(uncapped[start:start + 500])).values(capped=False))


def downgrade():
    # Before the schema forgets which items are not in their rows, put them there.
    op.execute(
        "UPDATE campaigns SET "
        "redemptions_count = redemptions_count + (SELECT count(*) FROM redemption_items i " + _UNCOUNTED + "), "
        "budget_used = budget_used + (SELECT coalesce(sum(i.discount + i.shipping_discount), 0) FROM redemption_items i "
        + _UNCOUNTED + "), "
        "order_value_used = order_value_used + (SELECT coalesce(sum(i.order_value), 0) FROM redemption_items i "
        + _UNCOUNTED + ")"
    )
    with op.batch_alter_table('redemption_items', schema=None) as batch_op:
        batch_op.drop_column('counted')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_column('capped')
