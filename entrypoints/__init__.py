"""privatelink: a local, event-sourced emulator of Alibaba Cloud PrivateLink.

This folder is the package root. The layers are its subpackages, kept as top-level folders of
the repository and mapped by ``package-dir`` in ``pyproject.toml``:
``privatelink.domain``, ``privatelink.application``, ``privatelink.projections``,
``privatelink.api``, ``privatelink.infra``. The root itself holds the entry points: the
composition root (``privatelink.composition``) and the CLI (``privatelink.cli``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("privatelink")
except PackageNotFoundError:  # pragma: no cover - running from a tree that is not installed
    __version__ = "0.0.0"
