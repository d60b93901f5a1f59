"""codes (campaign_id, code) index: a page of one campaign's codes in code order is read off it

Without it each page of Engine.list_codes (WHERE campaign_id = ? AND code > ? ORDER BY code)
found the campaign's codes through ix_codes_campaign_id_holder_id and sorted all of them again:
about 0.3 s a page with a million codes on SQLite, the first page as much as the thousandth.

Revision ID: 9c1e4b7d2a60
Revises: 6b6585a2f5c3
Create Date: 2026-11-26 02:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '9c1e4b7d2a60'
down_revision = '6b6585a2f5c3'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Built without blocking checkouts' writes to a table of millions of codes.
        with op.get_context().autocommit_block():
            op.create_index('ix_codes_campaign_id_code', 'codes', ['campaign_id', 'code'], postgresql_concurrently=True)
    else:
        op.create_index('ix_codes_campaign_id_code', 'codes', ['campaign_id', 'code'])


def downgrade():
    op.drop_index('ix_codes_campaign_id_code', table_name='codes')
