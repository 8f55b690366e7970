"""One module per producing service; one data model per event type and major version."""
