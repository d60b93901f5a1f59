"""referrals (friend_id) index: a signed-in cart update finds the shopper's pending referrals off it

Every signed-in cart change records a cart_updated event, which converts the shopper's pending
referrals waiting for it (promo.services.referrals.convert_pending: WHERE friend_id = ? AND
status = 'pending'). The only index holding friend_id is the unique (campaign_id, friend_id),
which cannot serve it, so each update read every referral row: a cost that grew with the
store's referrals, found by bench/pg_scale.py's EXPLAIN.

Revision ID: d1a6f3b8c2e4
Revises: b8e2c6f4a1d9
Create Date: 2026-12-07 17:20:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd1a6f3b8c2e4'
down_revision = 'b8e2c6f4a1d9'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking the referral writes of checkouts meanwhile.
        with op.get_context().autocommit_block():
            op.create_index('ix_referrals_friend_id', 'referrals', ['friend_id'], postgresql_concurrently=True)
    else:
        op.create_index('ix_referrals_friend_id', 'referrals', ['friend_id'])


def downgrade():
    op.drop_index('ix_referrals_friend_id', table_name='referrals')
