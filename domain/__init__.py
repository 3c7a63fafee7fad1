"""Aggregates, events, value objects and domain errors of privatelink."""

import sys

from eventsourcing.utils import register_topic

# Events stored before the layers became subpackages of ``privatelink`` name their classes
# ``domain.<module>:<Class>``; this resolves those topics to the same classes.
register_topic("domain", sys.modules[__name__])

# The part events' old topics (``…connections:ConnectionBook.ConnectionRequested``) are
# registered by the events module: importing any of the domain registers them.
from privatelink.domain import events as _events  # noqa: F401
