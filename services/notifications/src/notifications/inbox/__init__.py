"""The in-app inbox: one notification per (event, recipient, channel)."""
