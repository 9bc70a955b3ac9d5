"""The incident report: the form as data (form), asking and answering it (answering), the
summary, evidence, and sending; the flow's table is report.flow.FLOW."""
