"""The committed OpenAPI file and generated client are what the code and the generator give."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

SDK = REPO / "sdk" / "python"
sys.path.insert(0, str(SDK))
import regenerate  # noqa: E402

FIX = "run `make schema` and commit sdk/openapi.json and sdk/python/syndata_client/generated"


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not {"__pycache__", ".ruff_cache"} & set(p.parts)
    }


def test_the_committed_openapi_file_is_what_the_server_publishes(tmp_path: Path) -> None:
    fresh = tmp_path / "openapi.json"
    regenerate.write_spec(fresh)  # also fails on any drf-spectacular warning
    assert fresh.read_bytes() == regenerate.SPEC.read_bytes(), f"the API changed: {FIX}"


def test_the_committed_client_is_what_openapi_python_client_generates(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    regenerate.generate_client(out)
    fresh, committed = _tree(out), _tree(regenerate.GENERATED)
    assert sorted(fresh) == sorted(committed), f"files differ: {FIX}"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert not changed, f"{changed[:5]} differ: {FIX}"
    assert not filecmp.dircmp(out, regenerate.GENERATED).diff_files


def test_the_sdk_installs_with_pip(tmp_path: Path) -> None:
    target = tmp_path / "site"
    source = tmp_path / "sdk"  # a copy: an in-tree build would leave build/ in the checkout
    shutil.copytree(
        SDK, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    code = "import syndata_client, syndata_client.generated.api.jobs.jobs_retrieve; print(syndata_client.__file__)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(target)},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.startswith(str(target))
