"""Settings, from flags, the environment (``PRIVATELINK_*``, ``DATABASE_URL``) or defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything the composition root needs to build the product."""

    model_config = SettingsConfigDict(env_prefix="PRIVATELINK_", extra="ignore")

    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "PRIVATELINK_DATABASE_URL")
    )
    data_dir: Path = Path(".privatelink")
    # The embedded PostgreSQL's own output on the console too (it always goes to
    # DATA_DIR/postgres.log); and whether a server restarts it when it dies.
    verbose: bool = False
    supervise_store: bool = True
    store_check_interval: float = Field(default=0.5, gt=0)
    db_schema: str = Field(default="public", pattern=r"^[a-z_][a-z0-9_]{0,40}$")
    host: str = "127.0.0.1"
    port: int = 8080
    inventory: Path | None = None
    provision_delay: float = Field(default=0.0, ge=0)
    run_projector: bool = True
    view_wait_timeout: float = Field(default=5.0, gt=0)
    store_timeout: float = Field(default=2.0, gt=0)
    pool_size: int = Field(default=8, ge=1)
    # The /_privatelink/ admin routes answer loopback callers, or callers presenting this key.
    admin_key: str | None = None
    # The data plane. Off unless asked for, so an in-process runtime (tests, embedding) opens
    # no fixed port; `privatelink serve` turns it on by default (DNS on 127.0.0.1:8053).
    dns_host: str = "127.0.0.1"
    dns_port: int = Field(default=8053, ge=1, le=65535)
    dns_enabled: bool = False
    forwarders_enabled: bool = False
    probe_interval: float = Field(default=0.0, ge=0)
    # Bounds of the HTTP edge (api/limits.py): body, URL, headers, parameters, slow clients and
    # concurrent connections.
    max_body_bytes: int = Field(default=8 * 1024 * 1024, ge=1024)
    max_url_bytes: int = Field(default=128 * 1024, ge=1024)
    max_header_bytes: int = Field(default=64 * 1024, ge=1024)
    max_headers: int = Field(default=100, ge=16)
    max_params: int = Field(default=1000, ge=16)
    request_timeout: float = Field(default=30.0, gt=0)
    max_connections: int = Field(default=1000, ge=1)
    # Logs: the level of our loggers (each request is one INFO line) and their format.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"


class ServeSettings(Settings):
    """What ``privatelink serve`` runs with: the same settings, with the data plane on by
    default (DNS on 127.0.0.1:8053, the ENI forwarders, a health probe every 2 s)."""

    dns_enabled: bool = True
    forwarders_enabled: bool = True
    probe_interval: float = Field(default=2.0, ge=0)
