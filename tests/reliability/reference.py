"""The API description the fuzzer and the tenancy matrix walk: every action of the SDK with
its parameters (``shared/reference/privatelink-2020-04-15.api.json`` beside the checkout, or
the file named by ``PRIVATELINK_API_JSON``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

API_JSON = Path(os.environ.get(
    "PRIVATELINK_API_JSON",
    Path(__file__).resolve().parents[3] / "shared/reference/privatelink-2020-04-15.api.json"))


def actions() -> list[dict[str, Any]]:
    """The actions, or an empty list when the description is absent."""
    if not API_JSON.exists():
        return []
    return json.loads(API_JSON.read_text())["actions"]  # type: ignore[no-any-return]
