"""alert note author: who wrote a note of an /akut alert (none: the alert's person), so
that a contact who may act on it can write to her through Trygg

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_note", schema=None) as batch_op:
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_note_author_id_person"),
            "person",
            ["author_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_note", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alert_note_author_id_person"), type_="foreignkey")
        batch_op.drop_column("author_id")
