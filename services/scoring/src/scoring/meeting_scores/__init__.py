"""Scores of single meetings: computed from the record, explained criterion by criterion."""
