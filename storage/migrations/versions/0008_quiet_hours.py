"""quiet hours per municipality, from the org file

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('quiet_hours', sa.String(length=5), nullable=False, server_default='21-08')
        )


def downgrade() -> None:
    with op.batch_alter_table('municipality', schema=None) as batch_op:
        batch_op.drop_column('quiet_hours')
