"""Issue 17: how far the log needs nothing more from the provisioner's follower. A commit
extends it only when it follows on from it and called for no step the writer did not take;
the follower tells how far it processed, and where it starts again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from privatelink.application.provisioner import Provisioner


class ConnectionAllowed:  # named as an event that calls for a step
    pass


class EndpointDescriptionChanged:  # calls for none
    pass


def provisioner() -> Provisioner:
    return Provisioner(uow=None, provision_delay=timedelta(0))  # type: ignore[arg-type]


def test_issue17_a_commit_whose_steps_were_taken_extends_what_is_followed() -> None:
    p = provisioner()
    allowed: Any = ConnectionAllowed()
    p.covered((0, 10), [allowed, EndpointDescriptionChanged()], [allowed])
    assert p.followed() == 10


def test_issue17_a_commit_after_a_gap_or_with_a_step_left_extends_nothing() -> None:
    p = provisioner()
    p.followed(10, restart=True)
    p.covered((12, 20), [EndpointDescriptionChanged()], [])  # 11-12: not known to need nothing
    assert p.followed() == 10
    p.covered((10, 20), [ConnectionAllowed()], [])  # its step was left to the follower
    assert p.followed() == 10
    p.covered((10, 20), [EndpointDescriptionChanged()], [])
    assert p.followed() == 20


def test_issue17_the_follower_moves_it_forward_and_restarts_it() -> None:
    p = provisioner()
    assert p.followed(15) == 15
    assert p.followed(12) == 15  # the writer may have covered more meanwhile
    assert p.followed(3, restart=True) == 3  # a reset or a reconnection: the log may be new
