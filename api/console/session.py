"""Console sign-in: an inventory account's AccessKeyId and secret, kept in a signed session
cookie; every form carries the session's CSRF token."""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "privatelink_console"
MAX_AGE = 12 * 3600


@dataclass
class Session:
    """Who is signed in, their CSRF token, the region they look at, and a one-shot notice."""

    uid: str
    key_id: str
    name: str
    csrf: str
    region: str
    flash: list[str] = field(default_factory=list)

    def dump(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "key": self.key_id,
            "name": self.name,
            "csrf": self.csrf,
            "region": self.region,
            "flash": self.flash,
        }


class Sessions:
    """Signs and reads the session cookie (the key is the console's own, per server unless
    ``PRIVATELINK_CONSOLE_SECRET`` sets it)."""

    def __init__(self, inventory: Any, secret: str | None = None) -> None:
        self.inventory = inventory
        key = secret or os.environ.get("PRIVATELINK_CONSOLE_SECRET") or secrets.token_hex(32)
        self.signer = URLSafeTimedSerializer(key, salt="privatelink-console")

    def sign_in(self, key_id: str, secret: str, region: str) -> Session | None:
        """The session of the account owning this access key, if the secret matches."""
        expected = self.inventory.secret_for(key_id.strip())
        if expected is None or not hmac.compare_digest(expected.encode(), secret.encode()):
            return None
        account = self.inventory.account_for_key(key_id.strip())
        return Session(
            account.uid,
            key_id.strip(),
            account.name or account.uid,
            secrets.token_urlsafe(24),
            region,
        )

    def read(self, request: Request) -> Session | None:
        raw = request.cookies.get(COOKIE)
        if not raw:
            return None
        try:
            data = self.signer.loads(raw, max_age=MAX_AGE)
        except BadSignature:
            return None
        account = self.inventory.account_for_key(data.get("key", ""))
        if account is None or account.uid != data.get("uid"):
            return None  # the key left the inventory: signed out
        return Session(
            data["uid"],
            data["key"],
            data["name"],
            data["csrf"],
            data["region"],
            list(data.get("flash", [])),
        )

    def cookie(self, session: Session) -> str:
        return self.signer.dumps(session.dump())


def csrf_ok(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf, token or "")
