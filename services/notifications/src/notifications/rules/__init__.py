"""Notification rules as versioned data: event type + filter → recipients → channels, urgency."""
