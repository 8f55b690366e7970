"""From an event to notifications: rules → recipients → inbox entries and pending deliveries."""
