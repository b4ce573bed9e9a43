from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.generate_estimate import GenerateEstimate
from ...models.generate_request import GenerateRequest
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: GenerateRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/generate/estimate",
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | GenerateEstimate | None:
    if response.status_code == 200:
        response_200 = GenerateEstimate.from_dict(response.json())

        return response_200

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
) -> Response[Error | GenerateEstimate]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: GenerateRequest | Unset = UNSET,
) -> Response[Error | GenerateEstimate]:
    """What POST /api/generate would make with this body (rows per table, in total), checked the same way
    (400s alike) but nothing started or sampled.

    Args:
        body (GenerateRequest | Unset): Exactly one source: an inline ``schema``, a ``template``,
            a saved ``schema_id`` or a ``model_id``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GenerateEstimate]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: GenerateRequest | Unset = UNSET,
) -> Error | GenerateEstimate | None:
    """What POST /api/generate would make with this body (rows per table, in total), checked the same way
    (400s alike) but nothing started or sampled.

    Args:
        body (GenerateRequest | Unset): Exactly one source: an inline ``schema``, a ``template``,
            a saved ``schema_id`` or a ``model_id``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GenerateEstimate
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: GenerateRequest | Unset = UNSET,
) -> Response[Error | GenerateEstimate]:
    """What POST /api/generate would make with this body (rows per table, in total), checked the same way
    (400s alike) but nothing started or sampled.

    Args:
        body (GenerateRequest | Unset): Exactly one source: an inline ``schema``, a ``template``,
            a saved ``schema_id`` or a ``model_id``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | GenerateEstimate]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: GenerateRequest | Unset = UNSET,
) -> Error | GenerateEstimate | None:
    """What POST /api/generate would make with this body (rows per table, in total), checked the same way
    (400s alike) but nothing started or sampled.

    Args:
        body (GenerateRequest | Unset): Exactly one source: an inline ``schema``, a ``template``,
            a saved ``schema_id`` or a ``model_id``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | GenerateEstimate
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
