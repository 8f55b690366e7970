"""Fatigue control: a daily digest per person, immediate e-mail only within a daily budget."""
