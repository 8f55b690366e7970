"""The registry's organisation tree as a local replica, shared by every service that needs it:
tables, order-independent application of the registry's facts, and dated tree queries."""
