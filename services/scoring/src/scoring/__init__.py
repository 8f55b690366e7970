"""The scoring service: meeting scores against a rubric, roll-ups, compliance, classification."""
