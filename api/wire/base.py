"""The base class of every generated wire model."""

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """Parameters of one request (or one ``Key.N.*`` list item), keyed by wire name.

    Attributes are snake_case; each field's alias is its exact wire key. Instances are
    immutable, and an unknown key is an error rather than silently dropped.
    """

    model_config = ConfigDict(populate_by_name=True, extra="forbid", frozen=True, defer_build=True)


PRINTABLE_ASCII = r"^[ -~]*$"
"""Pattern of values the docs restrict to ASCII (``ClientToken``): printable, no controls."""
