"""Schedules: the meeting each branch owes every month, and noticing when one is missed."""
