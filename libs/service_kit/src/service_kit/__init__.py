"""Mechanics every chibo service shares: bus, outbox, inbox, database, web, settings, metrics."""
