from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.download_acknowledge_privacy_risk import DownloadAcknowledgePrivacyRisk
from ...models.download_format import DownloadFormat
from ...models.download_response_200_item import DownloadResponse200Item
from ...models.download_response_206_item import DownloadResponse206Item
from ...models.error import Error
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: str,
    *,
    acknowledge_privacy_risk: DownloadAcknowledgePrivacyRisk | Unset = UNSET,
    format_: DownloadFormat | Unset = UNSET,
    table: str | Unset = UNSET,
    range_: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(range_, Unset):
        headers["Range"] = range_

    params: dict[str, Any] = {}

    json_acknowledge_privacy_risk: str | Unset = UNSET
    if not isinstance(acknowledge_privacy_risk, Unset):
        json_acknowledge_privacy_risk = acknowledge_privacy_risk.value

    params["acknowledge_privacy_risk"] = json_acknowledge_privacy_risk

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params["table"] = table

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/download/{job_id}".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = DownloadResponse200Item.from_dict(
                response_200_item_data
            )

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 206:
        response_206 = []
        _response_206 = response.json()
        for response_206_item_data in _response_206:
            response_206_item = DownloadResponse206Item.from_dict(
                response_206_item_data
            )

            response_206.append(response_206_item)

        return response_206

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Error.from_dict(response.json())

        return response_409

    if response.status_code == 410:
        response_410 = Error.from_dict(response.json())

        return response_410

    if response.status_code == 416:
        response_416 = Error.from_dict(response.json())

        return response_416

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = Error.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[
    Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item]
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
    acknowledge_privacy_risk: DownloadAcknowledgePrivacyRisk | Unset = UNSET,
    format_: DownloadFormat | Unset = UNSET,
    table: str | Unset = UNSET,
    range_: str | Unset = UNSET,
) -> Response[
    Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item]
]:
    """Download a job's file: streamed, with ETag, Range and format conversion.

     Without `table`, a one-table job gives its table and a multi-table job a zip of all tables. `format`
    other than the job's converts block by block while streaming (needs `table` for a multi-table job;
    no Content-Length or Range then). Stored files answer `Range: bytes=a-b` with 206 (416 outside the
    file) and `If-None-Match` with 304.

    Args:
        job_id (str):
        acknowledge_privacy_risk (DownloadAcknowledgePrivacyRisk | Unset):
        format_ (DownloadFormat | Unset):
        table (str | Unset):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item]]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        acknowledge_privacy_risk=acknowledge_privacy_risk,
        format_=format_,
        table=table,
        range_=range_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,
    acknowledge_privacy_risk: DownloadAcknowledgePrivacyRisk | Unset = UNSET,
    format_: DownloadFormat | Unset = UNSET,
    table: str | Unset = UNSET,
    range_: str | Unset = UNSET,
) -> Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item] | None:
    """Download a job's file: streamed, with ETag, Range and format conversion.

     Without `table`, a one-table job gives its table and a multi-table job a zip of all tables. `format`
    other than the job's converts block by block while streaming (needs `table` for a multi-table job;
    no Content-Length or Range then). Stored files answer `Range: bytes=a-b` with 206 (416 outside the
    file) and `If-None-Match` with 304.

    Args:
        job_id (str):
        acknowledge_privacy_risk (DownloadAcknowledgePrivacyRisk | Unset):
        format_ (DownloadFormat | Unset):
        table (str | Unset):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item]
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        acknowledge_privacy_risk=acknowledge_privacy_risk,
        format_=format_,
        table=table,
        range_=range_,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
    acknowledge_privacy_risk: DownloadAcknowledgePrivacyRisk | Unset = UNSET,
    format_: DownloadFormat | Unset = UNSET,
    table: str | Unset = UNSET,
    range_: str | Unset = UNSET,
) -> Response[
    Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item]
]:
    """Download a job's file: streamed, with ETag, Range and format conversion.

     Without `table`, a one-table job gives its table and a multi-table job a zip of all tables. `format`
    other than the job's converts block by block while streaming (needs `table` for a multi-table job;
    no Content-Length or Range then). Stored files answer `Range: bytes=a-b` with 206 (416 outside the
    file) and `If-None-Match` with 304.

    Args:
        job_id (str):
        acknowledge_privacy_risk (DownloadAcknowledgePrivacyRisk | Unset):
        format_ (DownloadFormat | Unset):
        table (str | Unset):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item]]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        acknowledge_privacy_risk=acknowledge_privacy_risk,
        format_=format_,
        table=table,
        range_=range_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,
    acknowledge_privacy_risk: DownloadAcknowledgePrivacyRisk | Unset = UNSET,
    format_: DownloadFormat | Unset = UNSET,
    table: str | Unset = UNSET,
    range_: str | Unset = UNSET,
) -> Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item] | None:
    """Download a job's file: streamed, with ETag, Range and format conversion.

     Without `table`, a one-table job gives its table and a multi-table job a zip of all tables. `format`
    other than the job's converts block by block while streaming (needs `table` for a multi-table job;
    no Content-Length or Range then). Stored files answer `Range: bytes=a-b` with 206 (416 outside the
    file) and `If-None-Match` with 304.

    Args:
        job_id (str):
        acknowledge_privacy_risk (DownloadAcknowledgePrivacyRisk | Unset):
        format_ (DownloadFormat | Unset):
        table (str | Unset):
        range_ (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | list[DownloadResponse200Item] | list[DownloadResponse206Item]
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            acknowledge_privacy_risk=acknowledge_privacy_risk,
            format_=format_,
            table=table,
            range_=range_,
        )
    ).parsed
