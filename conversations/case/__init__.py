"""/arende <ref>: a case after the report — its checklist, follow-up conversations, closing.

The checklist and the follow-up plan come from the municipality's routine pack. Each item
is offered to the role the routine names as responsible; answers are recorded with who
and when. Follow-up notes and the closing evaluation are sealed at rest.
"""

from conversations.case.flow import FLOW
from conversations.case.view import open_case

__all__ = ["FLOW", "open_case"]
