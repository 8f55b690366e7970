"""Requests (kiến nghị): lifecycle, deadlines in working days, and escalation up the tree."""
