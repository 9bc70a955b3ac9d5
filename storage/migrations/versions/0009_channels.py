"""several channels per person: binding states, per-channel outbox rows, choices, sent ids

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('channel_binding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_used_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('dead_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('held_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', storage.models.UTCDateTime(), nullable=True))
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), nullable=True))
    op.create_table(
        'transport_status',
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('detail', sa.String(length=200), nullable=True),
        sa.Column('since', storage.models.UTCDateTime(), nullable=False),
        sa.Column('updated_at', storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('channel', name=op.f('pk_transport_status')),
    )
    op.create_table(
        'offered_choices',
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('address', sa.String(length=128), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('buttons', sa.JSON(), nullable=False),
        sa.Column('offered_at', storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('channel', 'address', name=op.f('pk_offered_choices')),
    )
    op.create_table(
        'sent_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('address', sa.String(length=128), nullable=False),
        sa.Column('platform_id', sa.String(length=32), nullable=False),
        sa.Column('sent_at', storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_message')),
    )
    with op.batch_alter_table('sent_message', schema=None) as batch_op:
        batch_op.create_index('ix_sent_message_address', ['channel', 'address', 'platform_id'])
        batch_op.create_index(batch_op.f('ix_sent_message_sent_at'), ['sent_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_message_sent_at'))
        batch_op.drop_index('ix_sent_message_address')
    op.drop_table('sent_message')
    op.drop_table('offered_choices')
    op.drop_table('transport_status')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('channel_binding', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('held_at')
        batch_op.drop_column('dead_at')
        batch_op.drop_column('last_used_at')
