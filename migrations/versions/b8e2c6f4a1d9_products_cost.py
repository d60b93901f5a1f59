"""products.cost: what one unit costs the store, for the margin floor

A discount must not take a line below its floor (cost plus the store's or the campaign's
margin, docs/discount-policy.md). NULL: the cost is unknown and the line is not guarded.

Revision ID: b8e2c6f4a1d9
Revises: f3b9d2a7c1e8
Create Date: 2026-12-07 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8e2c6f4a1d9'
down_revision = 'f3b9d2a7c1e8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cost', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_products_cost'), 'cost >= 0')


def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_products_cost'), type_='check')
        batch_op.drop_column('cost')
