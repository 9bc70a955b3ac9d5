"""drills (övningar): the drill table, and drill_id on the rows a drill creates

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=True),
        sa.Column("speed", sa.Integer(), nullable=False),
        sa.Column("started_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_drill_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by"],
            ["person.id"],
            name=op.f("fk_drill_started_by_person"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill")),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_drill_id"), ["drill_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_drill_id_drill"), "drill", ["drill_id"], ["id"]
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_drill_id"), ["drill_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_drill_id_drill"), "drill", ["drill_id"], ["id"]
        )

    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_report_drill_id"), ["drill_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_report_drill_id_drill"), "drill", ["drill_id"], ["id"]
        )

    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drill_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_timer_drill_id"), ["drill_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_timer_drill_id_drill"), "drill", ["drill_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("timer", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_timer_drill_id_drill"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_timer_drill_id"))
        batch_op.drop_column("drill_id")

    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_report_drill_id_drill"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_report_drill_id"))
        batch_op.drop_column("drill_id")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_drill_id_drill"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_drill_id"))
        batch_op.drop_column("drill_id")

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alert_drill_id_drill"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alert_drill_id"))
        batch_op.drop_column("drill_id")

    op.drop_table("drill")
