"""The SDK is imported from the checkout (sdk/python), as `pip install ./sdk/python` would."""

from __future__ import annotations

import sys

from tests.conftest import REPO
from tests.e2e.conftest import live_stack  # noqa: F401  (the real stack, for the SDK tests)

SDK_DIR = REPO / "sdk" / "python"
if str(SDK_DIR) not in sys.path:
    sys.path.insert(0, str(SDK_DIR))
