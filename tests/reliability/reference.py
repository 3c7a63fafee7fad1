"""The API description the fuzzer and the tenancy matrix walk: every action of the SDK with
its parameters (``docs/reference/privatelink-2020-04-15.api.json`` in the repository, or
the file named by ``PRIVATELINK_API_JSON``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.reference import API_JSON as REFERENCE_API_JSON

API_JSON = Path(os.environ.get("PRIVATELINK_API_JSON", REFERENCE_API_JSON))


def actions() -> list[dict[str, Any]]:
    """The actions, or an empty list when the description is absent."""
    if not API_JSON.exists():
        return []
    return json.loads(API_JSON.read_text())["actions"]  # type: ignore[no-any-return]
