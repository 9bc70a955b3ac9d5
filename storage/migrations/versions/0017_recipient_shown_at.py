"""alert recipient shown_at: an alert still waiting for a contact is shown to her again when
she comes back to the chat, once, not on every message

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shown_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_recipient", schema=None) as batch_op:
        batch_op.drop_column("shown_at")
