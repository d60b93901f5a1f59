"""codes.expires_at: a published code's own end (campaigns with codes: {valid_days})

Revision ID: 6b6585a2f5c3
Revises: 20f2c495ad49
Create Date: 2026-11-26 02:05:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6b6585a2f5c3'
down_revision = '20f2c495ad49'
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: codes published before this column existed, and codes of campaigns without
    # valid_days, have no end of their own.
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('codes', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
