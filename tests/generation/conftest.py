from __future__ import annotations

from typing import Any

import pytest

from tests.generation.tasks_queue import RecordingQueue


@pytest.fixture
def task_queue(monkeypatch: pytest.MonkeyPatch) -> RecordingQueue:
    """Tasks the services enqueue are recorded here instead of going to the broker."""
    queue = RecordingQueue()
    monkeypatch.setattr("generation.services.async_task", queue)
    monkeypatch.setattr("generation.recovery.async_task", queue)
    return queue


@pytest.fixture
def small_blocks(settings: Any) -> int:
    settings.SYNDATA_BLOCK_SIZE = 100
    return 100
