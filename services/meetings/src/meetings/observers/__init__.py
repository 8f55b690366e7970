"""Observer reports: the assigned upper-level committee member reports on each meeting."""
