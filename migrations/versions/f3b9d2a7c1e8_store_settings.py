"""store_settings: store-wide settings every worker shares (the test clock, the reset pack)

Test mode freezes and moves the store's clock through POST /_test/clock; keeping that in the
database is what makes all workers of a multi-process server agree on "now" (docs/testing.md).

Revision ID: f3b9d2a7c1e8
Revises: a7c3e1f9b5d2
Create Date: 2026-12-07 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3b9d2a7c1e8'
down_revision = 'a7c3e1f9b5d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'store_settings',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_store_settings')),
    )


def downgrade():
    op.drop_table('store_settings')
