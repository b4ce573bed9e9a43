"""Python client of the Syn-Data API.

``Client`` and ``Job`` are a small hand-written layer; ``syndata_client.generated`` is the full
typed client generated from the OpenAPI spec by openapi-python-client (do not edit it: run
``make schema``).
"""

from __future__ import annotations

from syndata_client.client import ApiError, Client, Job, JobFailed

__all__ = ["ApiError", "Client", "Job", "JobFailed"]
__version__ = "0.1.0"
