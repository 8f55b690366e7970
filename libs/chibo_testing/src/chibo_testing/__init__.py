"""Test tooling, apart from the runtime: real RabbitMQ and PostgreSQL servers, migrated
databases, signed test tokens, a cuttable TCP proxy and the scope property harness."""
