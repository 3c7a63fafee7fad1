"""The JSON bodies the admin routes take, as pydantic models. A body is read with the domain's
bounded JSON reader (a hostile nesting depth is refused, not a recursion error), then
validated; a bad field is refused as ``InvalidParameter`` naming it."""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeVar

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from privatelink.api.wire.errors import InvalidParameter
from privatelink.domain import json_documents

STEP_WAIT = 5.0
"""Seconds /provisioner/step waits for a step of the resource to be parked."""


class AdminBody(BaseModel):
    model_config = ConfigDict(extra="ignore")
    hints: ClassVar[dict[str, str]] = {}  # field -> the message a bad value gets


class ResetRequest(AdminBody):
    Inventory: dict[str, Any] | Literal["seed"] | None = None
    hints: ClassVar[dict[str, str]] = {"Inventory": 'is neither an inventory object nor "seed"'}


class ProvisionerRequest(AdminBody):
    ResourceId: str = Field(min_length=1)
    WaitSeconds: float = Field(STEP_WAIT, ge=0, le=60, strict=True)
    hints: ClassVar[dict[str, str]] = {
        "ResourceId": 'is required: {"ResourceId": "ep-..."} (or "*")',
        "WaitSeconds": "is not a number of seconds from 0 to 60",
    }


class FaultRequest(AdminBody):
    ResourceId: str
    Down: StrictBool
    hints: ClassVar[dict[str, str]] = {
        "ResourceId": 'must be JSON like {"ResourceId": "lb-...", "Down": true}',
        "Down": "is not a boolean (true or false)",
    }


Body = TypeVar("Body", bound=AdminBody)


async def payload_of(request: Request) -> Any:
    """The request's JSON body (``{}`` when empty)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json_documents.loads(raw)
    except ValueError:
        raise InvalidParameter("body", "is not JSON") from None


async def body_as(model: type[Body], request: Request) -> Body:
    """The request's body validated by ``model``."""
    payload = await payload_of(request)
    if not isinstance(payload, dict):
        raise InvalidParameter("body", "must be a JSON object")
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        field = str(error.errors()[0]["loc"][0]) if error.errors()[0]["loc"] else "body"
        raise InvalidParameter(field, model.hints.get(field, "is not valid")) from None
