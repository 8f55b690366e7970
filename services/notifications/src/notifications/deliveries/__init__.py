"""Deliveries by e-mail and webhook: one record per (event, recipient, channel), retried, logged."""
