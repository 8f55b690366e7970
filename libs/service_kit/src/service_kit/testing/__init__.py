"""Test helpers: real RabbitMQ / PostgreSQL servers for tests and a cuttable TCP proxy."""
