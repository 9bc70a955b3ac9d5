"""One-shot case operations: each does one complete piece of case work in the caller's unit
of work and returns what to say (in ctx's language). The /arende chat flow and the web console
both call them. The ``access`` a caller passes is only what it believes: every operation asks
storage again, and raises ``desk.errors.Refused`` for input or access it does not allow."""
