"""Signals that a meeting was held for form's sake, as meetings announced them: kept beside the
score (never changing it) and listed per month for a commune's branches whose signals persist."""
