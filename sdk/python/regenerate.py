"""Regenerate the OpenAPI file and the generated client from the running code.

    python sdk/python/regenerate.py            # writes sdk/openapi.json and syndata_client/generated
    python sdk/python/regenerate.py --client-only OUT   # only the client, from sdk/openapi.json, into OUT

openapi-python-client is pinned in requirements.txt, so the same spec gives the same files;
tests/sdk/test_generated_client.py fails when the committed files drifted from either.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SDK = Path(__file__).resolve().parent
REPO = SDK.parent.parent
SPEC = REPO / "sdk" / "openapi.json"
GENERATED = SDK / "syndata_client" / "generated"


def write_spec(out: Path = SPEC) -> None:
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format",
            "openapi-json",
            "--file",
            str(out),
        ],
        cwd=REPO,
        check=True,
    )
    if not out.read_bytes().endswith(b"\n"):
        with out.open("ab") as fh:
            fh.write(b"\n")


def generate_client(out: Path, spec: Path = SPEC) -> None:
    """openapi-python-client into ``out`` (replaced), formatted by the pinned ruff."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "generated"
        subprocess.run(
            [
                str(Path(bin_dir) / "openapi-python-client"),
                "generate",
                "--path",
                str(spec),
                "--meta",
                "none",
                "--config",
                str(SDK / "openapi-python-client.yaml"),
                "--output-path",
                str(target),
                "--fail-on-warning",
            ],
            cwd=tmp,
            env=env,
            check=True,
            capture_output=True,
        )
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(target, out)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--client-only"]:
        generate_client(Path(argv[1]))
        return
    write_spec()
    generate_client(GENERATED)


if __name__ == "__main__":
    main(sys.argv[1:])
