"""alert recipient took_at: who took an alert stays in its history when it is handed on

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("took_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.drop_column("took_at")
