"""With SYNDATA_SYNTHESIZERS=spec nothing imports a BSL package (SDV, CTGAN, Copulas, RDT)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import REPO
from tests.synthesis.conftest import fit_now, generate_now, real_table, upload

SCRIPT = """
import sys, django
django.setup()
import pandas as pd
from generation.api import datasets  # noqa: F401
from generation.synthesis import fits, model_producer  # noqa: F401
from generation.synthesis.spec_synth import learn_spec, spec_sampler
from generation.synthesis.tables import detect_metadata
from evaluation import report  # noqa: F401
from evaluation.metrics.quality import native_quality_report, native_diagnostic_report
from evaluation.metrics.privacy import privacy_report
assert [s["name"] for s in fits.synthesizers_offered()] == ["spec"]
assert report.licence_clean()
frame = pd.read_csv(sys.argv[1]).head(300)
meta = detect_metadata(frame, table="t", info={"format": "csv"})
learned = [c for c, e in meta["columns"].items() if e["sdtype"] != "id" and not e["identifier"]]
spec, names = learn_spec(frame, meta, table="t", learned=learned, rows=300)
rows = spec_sampler(spec, names)(300, 1, [])
native_quality_report(frame[learned], rows[learned], meta)
native_diagnostic_report(frame[learned], rows[learned], meta)
privacy_report(frame[learned], rows[learned], frame[learned].head(30), {c: meta["columns"][c]["sdtype"] for c in learned})
from evaluation.metrics.attacks import attack_report
levels = {a: (0.1, 0.3) for a in ("membership_inference", "attribute_inference", "singling_out")}
attack_report(frame[learned].iloc[30:], frame[learned].head(30), rows[learned], {c: meta["columns"][c]["sdtype"] for c in learned}, thresholds=levels)
bsl = sorted({m.split(".")[0] for m in sys.modules} & {"sdv", "ctgan", "copulas", "rdt", "sdmetrics"})
print("BSL:", bsl)
assert not bsl, bsl
"""


@pytest.mark.slow  # a fresh interpreter imports the whole site
def test_a_spec_only_deployment_imports_no_bsl_package() -> None:
    env = {
        **os.environ,
        "SYNDATA_SYNTHESIZERS": "spec",
        "DJANGO_SETTINGS_MODULE": "syndata_site.settings",
    }
    from tests.conftest import SAMPLE_DATA

    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE_DATA / "credit_scoring.csv")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert "BSL: []" in out.stdout


def test_spec_only_metrics_use_the_native_scores(alice_client: Any, settings: Any) -> None:
    settings.SYNDATA_SYNTHESIZERS = ["spec"]
    dataset = upload(alice_client, real_table("credit_scoring", rows=500))
    fit = fit_now(alice_client, dataset["id"], "spec", seed=1)
    job, _rows = generate_now(alice_client, fit["model_id"], rows=500, seed=1)
    metrics = alice_client.get(f"/api/metrics/{job['id']}").json()
    table = next(iter(metrics["tables"].values()))
    assert table["quality"]["backend"] == "native"
    assert 0.8 < metrics["summary"]["quality"] <= 1
