from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.metrics_document import MetricsDocument
from ...models.metrics_format import MetricsFormat
from ...models.metrics_state import MetricsState
from ...types import UNSET, Response, Unset


def _get_kwargs(
    job_id: str,
    *,
    format_: MetricsFormat | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_.value

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/metrics/{job_id}".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | MetricsDocument | MetricsState | None:
    if response.status_code == 200:
        response_200 = MetricsDocument.from_dict(response.json())

        return response_200

    if response.status_code == 202:
        response_202 = MetricsState.from_dict(response.json())

        return response_202

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
) -> Response[Error | MetricsDocument | MetricsState]:
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
    format_: MetricsFormat | Unset = UNSET,
) -> Response[Error | MetricsDocument | MetricsState]:
    """The job's metrics document (JSON), or a self-contained report page.

     Metrics are computed after the data is ready (a job is succeeded, and downloadable, before them):
    while they are pending or running this answers 202 with their state and a Retry-After header; 200
    with the document once ready; 409 `metrics_failed` (the data is intact) when computing them failed,
    `not_ready` for a job that failed or was cancelled, `no_metrics` for a fit job.

    Args:
        job_id (str):
        format_ (MetricsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MetricsDocument | MetricsState]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient,
    format_: MetricsFormat | Unset = UNSET,
) -> Error | MetricsDocument | MetricsState | None:
    """The job's metrics document (JSON), or a self-contained report page.

     Metrics are computed after the data is ready (a job is succeeded, and downloadable, before them):
    while they are pending or running this answers 202 with their state and a Retry-After header; 200
    with the document once ready; 409 `metrics_failed` (the data is intact) when computing them failed,
    `not_ready` for a job that failed or was cancelled, `no_metrics` for a fit job.

    Args:
        job_id (str):
        format_ (MetricsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MetricsDocument | MetricsState
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient,
    format_: MetricsFormat | Unset = UNSET,
) -> Response[Error | MetricsDocument | MetricsState]:
    """The job's metrics document (JSON), or a self-contained report page.

     Metrics are computed after the data is ready (a job is succeeded, and downloadable, before them):
    while they are pending or running this answers 202 with their state and a Retry-After header; 200
    with the document once ready; 409 `metrics_failed` (the data is intact) when computing them failed,
    `not_ready` for a job that failed or was cancelled, `no_metrics` for a fit job.

    Args:
        job_id (str):
        format_ (MetricsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | MetricsDocument | MetricsState]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient,
    format_: MetricsFormat | Unset = UNSET,
) -> Error | MetricsDocument | MetricsState | None:
    """The job's metrics document (JSON), or a self-contained report page.

     Metrics are computed after the data is ready (a job is succeeded, and downloadable, before them):
    while they are pending or running this answers 202 with their state and a Retry-After header; 200
    with the document once ready; 409 `metrics_failed` (the data is intact) when computing them failed,
    `not_ready` for a job that failed or was cancelled, `no_metrics` for a fit job.

    Args:
        job_id (str):
        format_ (MetricsFormat | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | MetricsDocument | MetricsState
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            format_=format_,
        )
    ).parsed
