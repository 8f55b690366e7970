"""A deterministic demo province shaped like the source districts, for `make run` and load tests."""
