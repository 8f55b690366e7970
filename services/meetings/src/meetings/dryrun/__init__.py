"""Dry run of escalation "as of a date": what the request sweeper and the missed-meeting sweeper
would do to a subtree if they ran that day, without writing anything."""
