"""What the meetings service consumes: routing key → handler (the registry replica comes next)."""

from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS: list[Subscription] = []
