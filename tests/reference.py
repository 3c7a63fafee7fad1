"""The API reference the tests compare against, from the repository itself
(``docs/reference/``, see its README for provenance): a plain clone runs every test."""

from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "docs" / "reference"
API_JSON = REFERENCE_DIR / "privatelink-2020-04-15.api.json"
