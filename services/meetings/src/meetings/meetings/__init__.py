"""Meeting records: submission, validation against the rules, storage, events."""
