"""unsent replies: a committed reply reaches the person after a crash

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_no', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('sent_no', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('replies', sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column('resent_at', storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_column('resent_at')
        batch_op.drop_column('replies')
        batch_op.drop_column('sent_no')
        batch_op.drop_column('reply_no')
