"""points: volunteer claims, events and check-ins, the append-only ledger, the points supermarket

Revision ID: 0003_points
Revises: 0001
Create Date: 2026-11-23 09:32:06.277032
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0003_points'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('shop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_shop_community_id_community'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shop')),
    sa.UniqueConstraint('code', name=op.f('uq_shop_code'))
    )
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shop_community_id'), ['community_id'], unique=False)

    op.create_table('reward',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('cost', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('reserved', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('reserved >= 0 AND reserved <= stock', name=op.f('ck_reward_reserved_within_stock')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_reward_stock_not_negative')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_reward_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reward')),
    sa.UniqueConstraint('shop_id', 'code', name=op.f('uq_reward_shop_id'))
    )
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reward_shop_id'), ['shop_id'], unique=False)

    op.create_table('points_account',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('leaderboard', sa.Boolean(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_points_account_balance_not_negative')),
    sa.CheckConstraint('held >= 0', name=op.f('ck_points_account_held_not_negative')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_points_account_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_points_account'))
    )
    op.create_table('points_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('activity', sa.String(length=32), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('starts_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('confirmed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_points_event_community_id_community')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_points_event_grid_id_grid')),
    sa.ForeignKeyConstraint(['organiser_id'], ['person.id'], name=op.f('fk_points_event_organiser_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_event')),
    sa.UniqueConstraint('code', name=op.f('uq_points_event_code'))
    )
    with op.batch_alter_table('points_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_event_organiser_id'), ['organiser_id'], unique=False)

    op.create_table('redemption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('reward_id', sa.Integer(), nullable=False),
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('qr_file', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['closed_by'], ['person.id'], name=op.f('fk_redemption_closed_by_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_redemption_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reward_id'], ['reward.id'], name=op.f('fk_redemption_reward_id_reward')),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_redemption_shop_id_shop')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_redemption')),
    sa.UniqueConstraint('code', name=op.f('uq_redemption_code'))
    )
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_redemption_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_redemption_status_exp', ['status', 'expires_at'], unique=False)

    op.create_table('shop_keeper',
    sa.Column('shop_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_shop_keeper_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shop_id'], ['shop.id'], name=op.f('fk_shop_keeper_shop_id_shop'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shop_id', 'person_id', name=op.f('pk_shop_keeper'))
    )
    op.create_table('volunteer_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('activity', sa.String(length=32), nullable=False),
    sa.Column('hours', sa.Float(), nullable=True),
    sa.Column('done_on', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('verify', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_hours', sa.Float(), nullable=True),
    sa.Column('awarded', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('last_reminded_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_volunteer_claim_community_id_community')),
    sa.ForeignKeyConstraint(['decided_by'], ['person.id'], name=op.f('fk_volunteer_claim_decided_by_person')),
    sa.ForeignKeyConstraint(['grid_id'], ['grid.id'], name=op.f('fk_volunteer_claim_grid_id_grid')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_volunteer_claim_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_claim'))
    )
    with op.batch_alter_table('volunteer_claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_state_grid', ['status', 'grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteer_claim_person_id'), ['person_id'], unique=False)

    op.create_table('event_checkin',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['points_event.id'], name=op.f('fk_event_checkin_event_id_points_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_event_checkin_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'person_id', name=op.f('pk_event_checkin'))
    )
    op.create_table('ledger_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('held', sa.Integer(), nullable=False),
    sa.Column('idem_key', sa.String(length=96), nullable=False),
    sa.Column('activity', sa.String(length=32), nullable=True),
    sa.Column('day', sa.String(length=10), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('redemption_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['person.id'], name=op.f('fk_ledger_entry_actor_id_person')),
    sa.ForeignKeyConstraint(['claim_id'], ['volunteer_claim.id'], name=op.f('fk_ledger_entry_claim_id_volunteer_claim')),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], name=op.f('fk_ledger_entry_community_id_community')),
    sa.ForeignKeyConstraint(['event_id'], ['points_event.id'], name=op.f('fk_ledger_entry_event_id_points_event')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_ledger_entry_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['redemption_id'], ['redemption.id'], name=op.f('fk_ledger_entry_redemption_id_redemption')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entry')),
    sa.UniqueConstraint('idem_key', name=op.f('uq_ledger_entry_idem_key'))
    )
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_person_at', ['person_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ledger_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_person_at')

    op.drop_table('ledger_entry')
    op.drop_table('event_checkin')
    with op.batch_alter_table('volunteer_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_claim_person_id'))
        batch_op.drop_index('ix_claim_state_grid')

    op.drop_table('volunteer_claim')
    op.drop_table('shop_keeper')
    with op.batch_alter_table('redemption', schema=None) as batch_op:
        batch_op.drop_index('ix_redemption_status_exp')
        batch_op.drop_index(batch_op.f('ix_redemption_person_id'))

    op.drop_table('redemption')
    with op.batch_alter_table('points_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_event_organiser_id'))

    op.drop_table('points_event')
    op.drop_table('points_account')
    with op.batch_alter_table('reward', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reward_shop_id'))

    op.drop_table('reward')
    with op.batch_alter_table('shop', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shop_community_id'))

    op.drop_table('shop')
