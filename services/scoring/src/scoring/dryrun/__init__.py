"""Dry run of scoring "as of a date": what the rubric in force on that day would say of a
subtree's stored meetings of a period, without writing anything."""
