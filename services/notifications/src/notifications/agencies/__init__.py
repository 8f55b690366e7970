"""Agencies subscribing to public events: by signed webhook, or by their own AMQP queue."""
