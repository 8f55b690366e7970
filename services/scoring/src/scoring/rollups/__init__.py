"""Roll-ups of meeting scores per branch for a month, quarter, half-year or year."""
