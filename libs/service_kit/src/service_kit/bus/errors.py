"""How a handler says what kind of failure it met; the consumer routes the message accordingly."""


class PermanentError(Exception):
    """Can never succeed (a rule that will not pass, data that makes no sense): DLQ at once."""


class TransientError(Exception):
    """May succeed later (a dependency down, a lock): retried with back-off, then DLQ."""
