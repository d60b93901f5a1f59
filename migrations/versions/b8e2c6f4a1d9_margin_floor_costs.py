"""products.cost, order_lines.cost, redemption_items.line_capped: the margin floor

A discount must not take a line below its floor (cost plus the store's or the campaign's
margin, docs/discount-policy.md). NULL cost: unknown, and the line is not guarded. Orders keep
each line's cost and each offer what the floor capped, so the console can show the margin a
campaign left and where the floor held.

Revision ID: b8e2c6f4a1d9
Revises: f3b9d2a7c1e8
Create Date: 2026-12-07 14:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8e2c6f4a1d9'
down_revision = 'f3b9d2a7c1e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_products_cost'), 'cost >= 0')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost', sa.BigInteger(), nullable=True))
    with op.batch_alter_table('redemption_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('line_capped', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('redemption_items', schema=None) as batch_op:
        batch_op.drop_column('line_capped')
    with op.batch_alter_table('order_lines', schema=None) as batch_op:
        batch_op.drop_column('cost')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_products_cost'), type_='check')
        batch_op.drop_column('cost')
