"""Points balances may go below zero; gift card ledgers record a card's issue

loyalty_accounts loses CHECK (points >= 0): cancelling an order takes back all the points it
earned, even those already spent, so the balance becomes a debt later earnings repay (a spend
still needs `points >= cost`). gift_card_ledger.kind also allows 'issue', the entry holding a
card's starting balance, so a card's entries add up to its balance. Cards issued before this
revision have no such entry; the consistency check reads their starting balance off their
first entry instead.

Downgrading removes the 'issue' entries (the old schema has no place for them) and fails while
any points balance is negative.

Revision ID: e5d8a3c1b7f9
Revises: c4a7e9d1f2b3
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5d8a3c1b7f9'
down_revision = 'c4a7e9d1f2b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loyalty_accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_loyalty_accounts_points'), type_='check')
    with op.batch_alter_table('gift_card_ledger', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_gift_card_ledger_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_gift_card_ledger_kind'),
                                         "kind IN ('issue', 'redemption', 'refund', 'top_up')")


def downgrade():
    op.execute("DELETE FROM gift_card_ledger WHERE kind = 'issue'")
    with op.batch_alter_table('gift_card_ledger', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_gift_card_ledger_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_gift_card_ledger_kind'), "kind IN ('redemption', 'refund', 'top_up')")
    with op.batch_alter_table('loyalty_accounts', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_loyalty_accounts_points'), 'points >= 0')
