"""The data plane inside a composed runtime: off unless asked for, and a taken DNS port is an
error that leaves nothing running."""

from __future__ import annotations

import socket
import threading

import pytest

from privatelink.composition import open_runtime
from privatelink.infra.dataplane import DataPlaneError
from privatelink.infra.settings import Settings
from tests.dataplane.conftest import free_dns_port


def data_plane_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("dataplane-")]


def test_an_in_process_runtime_has_no_data_plane_unless_asked(settings: Settings) -> None:
    with open_runtime(settings):
        assert data_plane_threads() == []


def test_data_plane_stops_with_the_runtime_and_frees_its_port(settings: Settings) -> None:
    port = free_dns_port()
    asked = settings.model_copy(
        update={
            "dns_enabled": True,
            "dns_port": port,
            "forwarders_enabled": True,
            "probe_interval": 0.5,
        }
    )
    with open_runtime(asked):
        assert sorted(data_plane_threads()) == ["dataplane-follower", "dataplane-loop"]
    assert data_plane_threads() == []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind(("127.0.0.1", port))


def test_a_taken_dns_port_is_a_clear_error_and_leaves_nothing_running(settings: Settings) -> None:
    port = free_dns_port()
    asked = settings.model_copy(update={"dns_enabled": True, "dns_port": port})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        with (
            pytest.raises(DataPlaneError, match=f"cannot answer DNS on 127.0.0.1:{port}"),
            open_runtime(asked),
        ):
            pass
    assert data_plane_threads() == []
