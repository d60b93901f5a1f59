"""customers.accepts_marketing: whether the store may send a customer offers

Existing customers keep what they had before the column existed: notifications on.

Revision ID: b3f1c2d4e5a6
Revises: 9c1e4b7d2a60
Create Date: 2026-12-04 17:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3f1c2d4e5a6'
down_revision = '9c1e4b7d2a60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepts_marketing', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade():
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('accepts_marketing')
