"""Identifiers: time-ordered UUIDv7 text, the same kind as event ids."""

from event_contracts.envelope import new_event_id as new_id

__all__ = ["new_id"]
