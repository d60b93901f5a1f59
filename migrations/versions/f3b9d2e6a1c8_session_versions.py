"""customers.session_version and console_users.session_version: end sessions on sign-out

A signed session cookie names the user and the session version it was made with; sign-out, a
new password or a console role change raises the version, so cookies made before stop working.
Existing rows start at 0, like the sessions already out there.

Revision ID: f3b9d2e6a1c8
Revises: e8a1d5c7b2f4
Create Date: 2026-12-07 03:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f3b9d2e6a1c8'
down_revision = 'e8a1d5c7b2f4'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('customers', 'console_users'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    for table in ('console_users', 'customers'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('session_version')
