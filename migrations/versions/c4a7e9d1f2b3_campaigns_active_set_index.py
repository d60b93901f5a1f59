"""campaigns (status, kind, version, updated_at) index: the active set's fingerprint off the index

Every engine call reads the count, version sum and latest change of the active campaigns
(promo.services.active) to know whether its parsed set is still current. Without this index that
query visits every campaign row; with it, only index entries.

Revision ID: c4a7e9d1f2b3
Revises: b3f1c2d4e5a6
Create Date: 2026-12-04 17:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4a7e9d1f2b3'
down_revision = 'b3f1c2d4e5a6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_campaigns_status_kind_version_updated_at',
                              ['status', 'kind', 'version', 'updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_campaigns_status_kind_version_updated_at')
