"""What the meetings service consumes: queue → routing key → handler."""

from meetings.replica import handlers as replica
from meetings.signals import handlers as signals
from org_tree import handlers as tree
from org_tree import observers
from service_kit.bus.consumer import Subscription

SUBSCRIPTIONS = [
    Subscription(
        purpose="registry-events",
        handlers={
            **dict.fromkeys(tree.ORGANISATION_KEYS, tree.on_organisation_event),
            **dict.fromkeys(observers.OBSERVER_KEYS, observers.on_observer_event),
            **dict.fromkeys(replica.MEMBER_KEYS, replica.on_member_event),
            **dict.fromkeys(replica.CLUSTER_KEYS, replica.on_cluster_event),
        },
        description="replica of the organisation tree, rosters, observer assignments and "
        "rotation clusters",
    ),
    Subscription(
        purpose="formality",
        handlers=dict.fromkeys(signals.MEETING_KEYS, signals.on_meeting_recorded),
        description="signals that a meeting was held for form's sake, computed after it was "
        "submitted or amended and announced to scoring",
    ),
]
