"""The registry's audit log, all in one place: the table (`models`), adding an entry
(`record`), the entry every routed write gets (`trail`), the write edge that runs a write once
with its entry (`edge`), and reading the log (`router`)."""
