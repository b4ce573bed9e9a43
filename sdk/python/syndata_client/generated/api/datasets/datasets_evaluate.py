from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...models.evaluate_upload_request import EvaluateUploadRequest
from ...models.job import Job
from ...types import Response


def _get_kwargs(
    dataset_id: str,
    *,
    body: EvaluateUploadRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/datasets/{dataset_id}/evaluate".format(
            dataset_id=quote(str(dataset_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | Job | None:
    if response.status_code == 202:
        response_202 = Job.from_dict(response.json())

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
) -> Response[Error | Job]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dataset_id: str,
    *,
    client: AuthenticatedClient,
    body: EvaluateUploadRequest,
) -> Response[Error | Job]:
    """Judge synthetic data made by any tool against this dataset.

     The upload becomes an `evaluation` job (in the jobs list) whose metrics document (GET
    /api/metrics/{job}) has the quality, privacy (attacks, verdict) and diversity of a model job's; the
    attacks' control is a seeded 10% of the dataset's rows (the document says which). Columns other than
    the dataset's are a 400 naming them.

    Args:
        dataset_id (str):
        body (EvaluateUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Job]
    """

    kwargs = _get_kwargs(
        dataset_id=dataset_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    dataset_id: str,
    *,
    client: AuthenticatedClient,
    body: EvaluateUploadRequest,
) -> Error | Job | None:
    """Judge synthetic data made by any tool against this dataset.

     The upload becomes an `evaluation` job (in the jobs list) whose metrics document (GET
    /api/metrics/{job}) has the quality, privacy (attacks, verdict) and diversity of a model job's; the
    attacks' control is a seeded 10% of the dataset's rows (the document says which). Columns other than
    the dataset's are a 400 naming them.

    Args:
        dataset_id (str):
        body (EvaluateUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Job
    """

    return sync_detailed(
        dataset_id=dataset_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    dataset_id: str,
    *,
    client: AuthenticatedClient,
    body: EvaluateUploadRequest,
) -> Response[Error | Job]:
    """Judge synthetic data made by any tool against this dataset.

     The upload becomes an `evaluation` job (in the jobs list) whose metrics document (GET
    /api/metrics/{job}) has the quality, privacy (attacks, verdict) and diversity of a model job's; the
    attacks' control is a seeded 10% of the dataset's rows (the document says which). Columns other than
    the dataset's are a 400 naming them.

    Args:
        dataset_id (str):
        body (EvaluateUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | Job]
    """

    kwargs = _get_kwargs(
        dataset_id=dataset_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    dataset_id: str,
    *,
    client: AuthenticatedClient,
    body: EvaluateUploadRequest,
) -> Error | Job | None:
    """Judge synthetic data made by any tool against this dataset.

     The upload becomes an `evaluation` job (in the jobs list) whose metrics document (GET
    /api/metrics/{job}) has the quality, privacy (attacks, verdict) and diversity of a model job's; the
    attacks' control is a seeded 10% of the dataset's rows (the document says which). Columns other than
    the dataset's are a 400 naming them.

    Args:
        dataset_id (str):
        body (EvaluateUploadRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | Job
    """

    return (
        await asyncio_detailed(
            dataset_id=dataset_id,
            client=client,
            body=body,
        )
    ).parsed
