"""FastAPI pieces every service uses: problem+json, idempotency, pagination, health, metrics."""
