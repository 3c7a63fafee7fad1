"""Rebuild read views from the event log alone, with the projection's own code (AUD-3)."""

from __future__ import annotations

from collections.abc import Callable

from application.app import PrivateLinkApp
from infra.view_store import PostgresViews
from projections.ops import Op
from projections.views import ViewsProjection

BATCH = 1000


def rebuild_views(app: PrivateLinkApp, target: PostgresViews,
                  progress: Callable[[int], None] | None = None, until: int | None = None) -> int:
    """Project every event (up to ``until``) into ``target``, a batch per transaction.

    Returns the position reached.
    """
    target.create_tables()
    projection = ViewsProjection()
    position = target.position()
    while True:
        batch = list(app.recorder.select_notifications(start=position + 1, limit=BATCH,
                                                       stop=until))
        if not batch:
            return position
        ops: list[Op] = []
        for notification in batch:
            ops.extend(projection.ops(app.mapper.to_domain_event(notification)))
        position = batch[-1].id
        target.apply(ops, position)
        if progress is not None:
            progress(len(batch))
