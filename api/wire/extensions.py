"""Actions of the emulator beyond the cloud's 39, in the cloud's style, so the SDK's generic
``call_api`` reaches them: the audit log and time travel (AUD-1, AUD-2)."""

from pydantic import Field

from privatelink.api.wire.base import WireModel


class ListResourceEventsRequest(WireModel):
    """Every event of a service or endpoint, oldest first, paged."""

    resource_id: str = Field(alias="ResourceId", min_length=1, max_length=64)
    region_id: str | None = Field(None, alias="RegionId", max_length=64)
    start_time: str | None = Field(None, alias="StartTime", max_length=64)
    end_time: str | None = Field(None, alias="EndTime", max_length=64)
    max_results: int | None = Field(None, alias="MaxResults", ge=1, le=1000)
    next_token: str | None = Field(None, alias="NextToken", max_length=1024)


class GetResourceAsOfRequest(WireModel):
    """A service or endpoint as it was at a time (``AsOf``) or at a version."""

    resource_id: str = Field(alias="ResourceId", min_length=1, max_length=64)
    region_id: str | None = Field(None, alias="RegionId", max_length=64)
    as_of: str | None = Field(None, alias="AsOf", max_length=64)
    version: int | None = Field(None, alias="Version", ge=1)


EXTENSION_MODELS: dict[str, type[WireModel]] = {
    "ListResourceEvents": ListResourceEventsRequest,
    "GetResourceAsOf": GetResourceAsOfRequest,
}
