"""privatelink: a local, event-sourced emulator of Alibaba Cloud PrivateLink.

This folder is the package root. The layers are its subpackages, kept as top-level folders of
the repository and mapped by ``package-dir`` in ``pyproject.toml``:
``privatelink.domain``, ``privatelink.application``, ``privatelink.projections``,
``privatelink.api``, ``privatelink.infra``. The root itself holds the entry points: the
composition root (``privatelink.composition``) and the CLI (``privatelink.cli``).
"""

from typing import Any


def __getattr__(name: str) -> Any:
    """``__version__`` is read from the installed distribution when asked for, not at import
    (importing ``importlib.metadata`` costs start-up time)."""
    if name != "__version__":
        raise AttributeError(f"module 'privatelink' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("privatelink")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
        return "0.0.0"
