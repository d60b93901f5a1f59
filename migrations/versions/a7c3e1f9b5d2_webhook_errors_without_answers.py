"""webhook_deliveries.last_error: forget the receivers' answers kept so far

Deliveries used to keep the first 200 characters of a refusing receiver's answer ("HTTP 500:
<body>"), readable with any read-scope API key; behind an internal address that body could be
another service's secret. From now on only the status is kept (promo/delivery/webhook_targets.py); this
cuts the answers already stored down to their status.

Revision ID: a7c3e1f9b5d2
Revises: f3b9d2e6a1c8
Create Date: 2026-12-07 03:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c3e1f9b5d2'
down_revision = 'f3b9d2e6a1c8'
branch_labels = None
depends_on = None


def upgrade():
    deliveries = sa.table('webhook_deliveries', sa.column('last_error', sa.Text), sa.column('last_status', sa.Integer))
    op.execute(deliveries.update()
               .where(deliveries.c.last_error.like('HTTP %'), deliveries.c.last_status.isnot(None))
               .values(last_error=sa.literal('HTTP ') + sa.cast(deliveries.c.last_status, sa.String)))


def downgrade():
    pass        # the answers are gone for good, which is the point
