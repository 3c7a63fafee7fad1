"""Aggregates, events, value objects and domain errors of privatelink."""

import sys

from eventsourcing.utils import register_topic

# Events stored before the layers became subpackages of ``privatelink`` name their classes
# ``domain.<module>:<Class>``; this resolves those topics to the same classes.
register_topic("domain", sys.modules[__name__])
