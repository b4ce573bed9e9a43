"""Every built-in template: valid in the engine's language, knobs validated (also through the
API), deterministic by seed, referential integrity, listed and documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from django.core.management import call_command

from generation import engine
from templates_catalog.registry import Knob, load_templates, template_spec
from tests.conftest import REPO
from tests.templates_catalog._helpers import frames_for

TEMPLATES = sorted(load_templates())

# Small settings that keep each template to a few thousand rows.
SMALL: dict[str, dict[str, Any]] = {
    "healthcare_ehr": {"patients": 150},
    "finance_transactions": {"customers": 60, "transactions_per_card": 10},
    "robotics_sensors": {"robots": 3, "duration_s": 10, "failure_rate": 1000.0},
    "retail_journeys": {"customers": 60, "products": 15, "days": 60},
}


# Knobs at the ends of their ranges (sizes kept small): every template must still generate.
EDGES: dict[str, list[dict[str, Any]]] = {
    "healthcare_ehr": [
        {"patients": 1, "visits_per_patient": 0.2, "missingness": 0.5, "rare_condition_boost": 500},
        {
            "patients": 20,
            "visits_per_patient": 50,
            "missingness": 0.0,
            "start_date": "2099-12-30",
            "end_date": "2100-01-01",
        },
    ],
    "finance_transactions": [
        {"customers": 1, "transactions_per_card": 1, "fraud_rate": 0.0, "inflation": -0.2},
        {
            "customers": 10,
            "fraud_rate": 0.5,
            "inflation": 1.0,
            "scenario": "fraud_wave",
            "start_date": "1990-01-01",
            "end_date": "1990-01-02",
        },
    ],
    "robotics_sensors": [
        {
            "robots": 1,
            "duration_s": 1,
            "imu_hz": 1,
            "gps_hz": 1,
            "lidar_hz": 1,
            "noise_level": 0,
            "failure_rate": 0,
            "fault_injection": 0,
        },
        {
            "robots": 1,
            "duration_s": 2,
            "imu_hz": 1000,
            "gps_hz": 10,
            "lidar_hz": 40,
            "noise_level": 20,
            "failure_rate": 3600,
            "fault_injection": 100,
        },
    ],
    "retail_journeys": [
        {
            "customers": 1,
            "products": 1,
            "days": 7,
            "promotion_intensity": 0.0,
            "sessions_per_customer": 0.1,
        },
        {
            "customers": 5,
            "products": 2,
            "days": 3650,
            "promotion_intensity": 0.5,
            "promotion_uplift": 5,
            "seasonality_strength": 0.9,
            "weekend_ratio": 5,
        },
    ],
}
EDGE_CASES = [(n, p) for n in TEMPLATES for p in EDGES.get(n, [])]


def _small(name: str) -> dict[str, Any]:
    return SMALL.get(name, {})


def test_the_catalog_is_not_empty() -> None:
    assert TEMPLATES, "no template in templates_catalog/specs/"


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_default_spec_is_valid_in_the_engine_language(name: str) -> None:
    spec = engine.parse_spec(template_spec(name, {}))
    assert set(spec.tables) == set(load_templates()[name].tables)


def _bad_values(knob: Knob) -> list[Any]:
    if knob.type == "choice":
        return ["no-such-choice"]
    if knob.type == "bool":
        return ["maybe"]
    if knob.type == "date":
        bad = ["31/12/2024"]
        if knob.min is not None:
            bad.append("1000-01-01")
        if knob.max is not None:
            bad.append("2999-01-01")
        return bad
    bad = ["lots"]
    if knob.min is not None:
        bad.append(knob.min - 1)
    if knob.max is not None:
        bad.append(knob.max + 1)
    return bad


KNOB_CASES = [
    (name, knob, value)
    for name in TEMPLATES
    for knob in load_templates()[name].knobs
    for value in _bad_values(knob)
]


@pytest.mark.parametrize(
    ("name", "knob", "value"),
    KNOB_CASES,
    ids=[f"{n}.{k.name}={v!r}" for n, k, v in KNOB_CASES],
)
def test_every_knob_is_validated_naming_the_knob(name: str, knob: Knob, value: Any) -> None:
    from syndata_site.errors import ApiError

    with pytest.raises(ApiError) as info:
        template_spec(name, {knob.name: value})
    assert info.value.message.startswith(f"params.{knob.name}: must be")


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_knob_range_is_bounded_and_documented(name: str) -> None:
    for knob in load_templates()[name].knobs:
        assert knob.help, f"{name}.{knob.name} has no help text"
        if knob.type in ("int", "float", "date"):
            assert knob.min is not None and knob.max is not None, f"{name}.{knob.name}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", TEMPLATES)
def test_the_api_answers_400_naming_an_out_of_range_knob(alice_client: Any, name: str) -> None:
    knob = next(k for k in load_templates()[name].knobs if k.max is not None)
    too_big = "2999-01-01" if knob.type == "date" else knob.max + 1
    resp = alice_client.post(
        "/api/generate",
        {"template": name, "params": {knob.name: too_big}, "format": "csv", "seed": 1},
        format="json",
    )
    assert resp.status_code == 400, resp.content
    assert resp.json()["error"]["message"].startswith(f"params.{knob.name}: must be <= ")


@pytest.mark.django_db
def test_the_catalog_lists_every_template_with_its_knobs(alice_client: Any) -> None:
    listed = {t["name"]: t for t in alice_client.get("/api/templates").json()}
    assert set(listed) == set(TEMPLATES)
    for name, tdef in load_templates().items():
        assert listed[name]["tables"] == tdef.tables
        assert [k["name"] for k in listed[name]["knobs"]] == [k.name for k in tdef.knobs]


def _foreign_keys(spec: engine.Spec) -> list[tuple[str, str, str, str]]:
    """(table, field, referenced table, referenced field) for every foreign key of a spec."""
    out = []
    for tname, table in spec.tables.items():
        for fname, field in table.fields.items():
            if getattr(field, "type", None) == "foreign_key" and not getattr(
                field, "hidden", False
            ):
                ref = spec.tables[field.table]
                ref_field = field.field or next(
                    n for n, f in ref.fields.items() if getattr(f, "type", None) in ("id", "uuid")
                )
                out.append((tname, fname, field.table, ref_field))
    return out


@pytest.fixture(scope="module")
def small_frames() -> dict[str, dict[str, pd.DataFrame]]:
    return {name: frames_for(template_spec(name, _small(name)), seed=11) for name in TEMPLATES}


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_foreign_key_points_at_an_existing_row(
    name: str, small_frames: dict[str, dict[str, pd.DataFrame]]
) -> None:
    spec = engine.parse_spec(template_spec(name, _small(name)))
    frames = small_frames[name]
    fks = _foreign_keys(spec)
    assert fks, f"{name} declares no relation"
    for table, field, ref_table, ref_field in fks:
        values = frames[table][field]
        assert values.notna().all(), f"{table}.{field} has nulls"
        assert values.isin(frames[ref_table][ref_field]).all(), f"{table}.{field} dangles"
    for tname, table in spec.tables.items():
        if table.parent:
            assert len(frames[tname]) > 0, f"{name}.{tname} is empty at the small settings"


@pytest.mark.parametrize(
    ("name", "params"), EDGE_CASES, ids=[f"{n}-{i % 2}" for i, (n, _) in enumerate(EDGE_CASES)]
)
def test_knobs_at_the_ends_of_their_ranges_still_generate(
    name: str, params: dict[str, Any]
) -> None:
    spec = template_spec(name, params)
    frames = frames_for(spec, seed=2)
    assert set(frames) == set(load_templates()[name].tables)
    for table, field, ref_table, ref_field in _foreign_keys(engine.parse_spec(spec)):
        assert frames[table][field].isin(frames[ref_table][ref_field]).all(), (table, field)


@pytest.mark.parametrize("name", TEMPLATES)
def test_same_seed_same_rows_other_seed_other_rows(
    name: str, small_frames: dict[str, dict[str, pd.DataFrame]]
) -> None:
    again = frames_for(template_spec(name, _small(name)), seed=11)
    for table, frame in small_frames[name].items():
        pd.testing.assert_frame_equal(frame, again[table])
    other = frames_for(template_spec(name, _small(name)), seed=12)
    root = load_templates()[name].tables[0]
    assert not small_frames[name][root].equals(other[root])


@pytest.mark.parametrize("name", TEMPLATES)
def test_each_template_has_a_doc_page_naming_its_tables_and_knobs(name: str) -> None:
    page = REPO / "docs" / "templates" / f"{name}.md"
    assert page.exists(), f"missing {page}"
    text = page.read_text(encoding="utf-8")
    for knob in load_templates()[name].knobs:
        assert f"`{knob.name}`" in text
    for table in load_templates()[name].tables:
        assert f"`{table}`" in text
    # Every table shows a 5-row sample with every column it outputs.
    spec = engine.parse_spec(template_spec(name, {}))
    samples = _doc_samples(text)
    assert set(samples) == set(load_templates()[name].tables)
    for table, (header, rows) in samples.items():
        assert header == engine.output_schema(spec, table).names, table
        assert len(rows) == 5, f"{name}.{table} shows {len(rows)} sample rows"
        assert all(len(row) == len(header) for row in rows), table


def _doc_samples(text: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Per table section of a doc page: the sample table's header and rows."""
    out: dict[str, tuple[list[str], list[list[str]]]] = {}
    for section in text.split("\n### `")[1:]:
        table = section.split("`", 1)[0]
        after = section.split("\nSample (", 1)[1].split("\n\n", 2)[1]
        lines = [ln for ln in after.splitlines() if ln.startswith("|")]

        def cells(line: str) -> list[str]:
            parts = line.replace("\\|", "\0").strip().strip("|").split("|")
            return [p.strip().replace("\0", "|") for p in parts]

        out[table] = (cells(lines[0]), [cells(ln) for ln in lines[2:]])
    return out


@pytest.mark.django_db
def test_the_generate_command_makes_a_template(tmp_path: Path) -> None:
    name = TEMPLATES[0]
    params = [f"{k}={v}" for k, v in _small(name).items()]
    call_command(
        "generate",
        "--template",
        name,
        *sum((["--param", p] for p in params), []),
        "--seed",
        "3",
        "--out",
        str(tmp_path / "out"),
    )
    written = {p.stem for p in (tmp_path / "out").iterdir()}
    assert written == set(load_templates()[name].tables)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", TEMPLATES)
def test_a_template_job_runs_through_the_api_to_every_table(alice_client: Any, name: str) -> None:
    from generation import services
    from generation.models import Job

    resp = alice_client.post(
        "/api/generate",
        {"template": name, "params": _small(name), "format": "csv", "seed": 5},
        format="json",
    )
    assert resp.status_code == 202, resp.content
    job_id = resp.json()["id"]
    services.job_run_sequential(job=Job.objects.get(id=job_id))  # one worker, every block
    job = Job.objects.get(id=job_id)
    assert job.status == "succeeded", job.error
    assert set(job.tables) == set(load_templates()[name].tables)
    root = load_templates()[name].tables[0]
    preview = alice_client.get(f"/api/preview/{job_id}?table={root}&limit=3").json()
    assert len(preview["rows"]) == 3
