"""The roll-out view of a province (or any subtree): who is live, planned, not yet planned."""
