"""Dry runs "as of a date", without writing anything: what the rubric in force on that day would
say of a subtree's stored meetings of a period (`service`), and what the classification rule set
in force that day would propose for the subtree's year (`classification`)."""
