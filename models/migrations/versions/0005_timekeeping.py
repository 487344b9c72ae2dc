"""timekeeping: due items (reminders, breaches, ladder steps, snoozes, follow-ups, digests)

Revision ID: 0005_timekeeping
Revises: 0001
Create Date: 2026-11-23 09:50:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0005_timekeeping'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('due_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('ref', sa.String(length=128), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_until', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_due_item_case_id_case'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_due_item_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_due_item')),
    sa.UniqueConstraint('ref', name=op.f('uq_due_item_ref'))
    )
    op.create_index('ix_due_item_due', 'due_item', ['state', 'due_at'], unique=False)
    op.create_index('ix_due_item_case', 'due_item', ['case_id', 'state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_due_item_case', table_name='due_item')
    op.drop_index('ix_due_item_due', table_name='due_item')
    op.drop_table('due_item')
