"""audit alert: the alert an audit entry is about, so that only people who may see that
alert read the entry (the unit must not learn of a party-only alert from /logg); entries
written to a person about her alert before this are kept from the unit

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_id", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_alert_id"), ["alert_id"], unique=False)
    # which alert an older entry was about is not known: nobody but the operator reads it
    op.execute(
        sa.text("UPDATE audit SET restricted = :yes WHERE action = 'alert_written'").bindparams(
            yes=True
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_alert_id"))
        batch_op.drop_column("alert_id")
