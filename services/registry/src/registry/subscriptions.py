"""The registry consumes nothing: it is the source of truth others replicate."""

from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS: list[Subscription] = []
