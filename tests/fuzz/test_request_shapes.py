"""Hypothesis on the request bodies the outside probe broke: a dataset's metadata edits
(columns, primary_key, datetime_format of any shape), generate's rows and template knobs, and
fit options. Whatever is sent, the answer is below 500, and a 400 names where it is wrong.

Each of these found a 500 or an hour-long request before (issue 16): "%Y%Y" as a format,
"columns": [1], a list as primary_key, rows=10^9 on a template, batch_size=0.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from generation.models import Job
from generation.synthesis.models import SynthModel
from templates_catalog.registry import load_templates
from tests.synthesis.conftest import real_table, upload

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(300)]

SETTINGS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
LOCATED = re.compile(r"^[^\s:][^\n]*?: ")  # "path: what is wrong"

# Hostile scalars and shapes, mixed with the values that are right.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)
FORMATS = st.one_of(
    st.sampled_from(["%Y-%m-%d", "%d/%m/%Y", "%Y%Y", "%Q", "%", "%%", "%z%z", "%f%f", "%H:%M"]),
    st.text(alphabet="%YmdHMSzfQ-/: ", max_size=10),
    junk,
)


def _located(resp: Any) -> None:
    assert resp.status_code < 500, resp.content[:300]
    if resp.status_code == 400:
        error = resp.json()["error"]
        paths = [d.get("path") for d in error.get("details") or [] if isinstance(d, dict)]
        assert LOCATED.match(error["message"]) or any(paths), error


COLUMNS = ["Status", "Seniority", "Home", "Age", "Income", "nope"]
SDTYPES = ["numerical", "categorical", "datetime", "id", "boolean", "email"]
column_edit = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "sdtype": st.one_of(st.sampled_from(SDTYPES), junk),
            "datetime_format": FORMATS,
            "identifier": st.one_of(st.sampled_from(["email", "name"]), junk),
            "other": junk,
        },
    ),
    junk,
)
metadata_edit = st.fixed_dictionaries(
    {},
    optional={
        "columns": st.one_of(st.dictionaries(st.sampled_from(COLUMNS), column_edit), junk),
        "primary_key": st.one_of(st.sampled_from(COLUMNS), junk),
        "sequence_key": st.one_of(st.sampled_from(COLUMNS), junk),
        "sequence_index": st.one_of(st.sampled_from(COLUMNS), junk),
    },
)


@pytest.fixture
def dataset(alice_client: APIClient) -> dict[str, Any]:
    return upload(alice_client, real_table("credit_scoring", rows=200, seed=2))


@SETTINGS
@given(edit=st.one_of(metadata_edit, metadata_edit, junk), name=st.one_of(st.just(None), junk))
# What the outside probe sent (each a 500 before): always tried, whatever hypothesis draws.
@example(edit={"columns": {"Age": {"sdtype": "datetime", "datetime_format": "%Y%Y"}}}, name=None)
@example(edit={"columns": [1]}, name=None)
@example(edit={"primary_key": {"a": 1}}, name=None)
@example(edit={"primary_key": ["Status"]}, name=None)
def test_any_metadata_edit_is_below_500_and_located(
    alice_client: APIClient, dataset: dict[str, Any], edit: Any, name: Any
) -> None:
    body: dict[str, Any] = {"metadata": edit}
    if name is not None:
        body["name"] = name
    resp = alice_client.patch(f"/api/datasets/{dataset['id']}", body, format="json")
    _located(resp)


TEMPLATES = load_templates()
knob_names = sorted({k.name for t in TEMPLATES.values() for k in t.knobs}) + ["nope"]
ROWS = st.one_of(
    st.none(),
    st.integers(min_value=-5, max_value=2000),
    st.sampled_from([10**6, 10**7, 10**9, 10**9 + 1, 10**12, 2**63]),
    st.integers(min_value=10**8, max_value=10**13),
    junk,
)


@SETTINGS
@given(
    template=st.sampled_from(sorted(TEMPLATES) * 3 + ["", "nope"]),
    params=st.one_of(
        st.just({}), st.dictionaries(st.sampled_from(knob_names), junk, max_size=3), junk
    ),
    rows=ROWS,
)
@example(template="healthcare_ehr", params={}, rows=10**9)  # was hours in the request
@example(template="healthcare_ehr", params={}, rows=10**9 + 1)  # was a 500 (SpecError)
def test_any_template_request_is_below_500_and_located(
    alice_client: APIClient, template: Any, params: Any, rows: Any
) -> None:
    body: dict[str, Any] = {"template": template, "params": params}
    if rows is not None:
        body["rows"] = rows
    _located(alice_client.post("/api/generate", body, format="json"))
    Job.objects.all().delete()  # never the concurrent-jobs limit


SYNTHESIZERS = ["gaussian_copula", "ctgan", "tvae", "copulagan", "par", "auto", "spec"]
OPTION_NAMES = [
    "epochs",
    "batch_size",
    "pac",
    "embedding_dim",
    "generator_dim",
    "discriminator_dim",
    "compress_dims",
    "decompress_dims",
    "generator_lr",
    "discriminator_lr",
    "default_distribution",
    "numerical_distributions",
    "enforce_min_max_values",
    "sample_size",
    "segment_size",
    "time_budget_s",
    "candidates",
    "holdout",
]
option_value = st.one_of(
    junk,
    st.integers(min_value=-2, max_value=12),
    st.lists(st.integers(min_value=-1, max_value=5000), max_size=9),
    st.sampled_from(["norm", "beta", "cauchy"]),
    st.dictionaries(st.sampled_from(COLUMNS), st.sampled_from(["norm", "gamma", "x"])),
)


@SETTINGS
@example(synthesizer="ctgan", options={"batch_size": 0})  # was a ZeroDivisionError in the fit
@given(
    synthesizer=st.sampled_from(SYNTHESIZERS),
    options=st.dictionaries(st.sampled_from(OPTION_NAMES), option_value, max_size=3),
)
def test_any_fit_options_are_below_500_and_located(
    alice_client: APIClient, dataset: dict[str, Any], synthesizer: str, options: dict[str, Any]
) -> None:
    from generation.synthesis.fit_options import check_options

    url = f"/api/datasets/{dataset['id']}/fit"
    resp = alice_client.post(url, {"synthesizer": synthesizer, "options": options}, format="json")
    _located(resp)
    if resp.status_code == 202:
        # What was accepted is in range for what the fit does with it.
        check_options(synthesizer, options, dataset["metadata"]["columns"])
        batch = options.get("batch_size")
        assert batch is None or batch >= 1
    SynthModel.objects.all().delete()
    Job.objects.all().delete()
