"""One-shot case operations: each does one complete piece of case work in the caller's unit
of work and returns what to say. The /arende chat flow and the web console both call them."""
