"""RabbitMQ through aio-pika: connection, topology, publishing with confirms, consuming."""
