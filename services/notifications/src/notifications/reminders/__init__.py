"""Reminders before a branch's meeting window and before observer reports are due."""
