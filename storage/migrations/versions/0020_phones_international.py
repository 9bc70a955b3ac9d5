"""phones international: a number typed or given by the platform before storage.phones read
it whole is kept in the form it had ("+46 70-123 45 67") and shown so; write it as the org
file writes its numbers ("+46 70 123 45 67"); one that cannot be read for sure stays as it
is. The org file's own people and the municipalities' numbers are the org file's, and are
written again as it gives them at every load: left alone. Phones are not sealed columns.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.phones import international

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_person = sa.table(
    "person",
    sa.column("id", sa.Integer),
    sa.column("phone", sa.String(40)),
    sa.column("in_org_file", sa.Boolean),
)


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_person.c.id, _person.c.phone).where(
            _person.c.phone.is_not(None), _person.c.in_org_file.is_(sa.false())
        )
    ).all()
    for person_id, phone in rows:
        shown = international(phone)[:40]
        if shown != phone:
            bind.execute(
                sa.update(_person).where(_person.c.id == person_id).values(phone=shown)
            )


def downgrade() -> None:
    pass  # the old form is not kept; the international one reads as well before this
