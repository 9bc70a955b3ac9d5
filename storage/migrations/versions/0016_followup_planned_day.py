"""followup planned_day: a call planned "in two weeks" is kept as a day without a time
until one is booked (read as "around Tuesday 8 December", reminded that morning)

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.add_column(sa.Column("planned_day", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_column("planned_day")
