"""wrong_code_tallies: wrong codes counted per (UTC day, source), not logged one by one

A code-guessing bot must not add a row per guess anywhere; each wrong code adds 1 to its day's
row for its source (the storefront, or the API key that sent it). See docs/reliability.md, Audit.

Revision ID: e8a1d5c7b2f4
Revises: e5d8a3c1b7f9
Create Date: 2026-12-05 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e8a1d5c7b2f4'
down_revision = 'e5d8a3c1b7f9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'wrong_code_tallies',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('wrong_codes', sa.BigInteger(), nullable=False),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('day', 'source'),
    )


def downgrade():
    op.drop_table('wrong_code_tallies')
