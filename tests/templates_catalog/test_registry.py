"""The registry: knobs are coerced and range-checked, $param/$expr resolved, bad files refused."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from syndata_site.errors import ApiError
from templates_catalog import registry

TOY = textwrap.dedent(
    """
    name: toy
    title: Toy
    description: A two-field table for testing the registry.
    knobs:
      - {name: people, type: int, default: 100, min: 1, max: 1000, help: rows}
      - {name: rate, type: float, default: 0.1, min: 0, max: 0.5, help: a share}
      - {name: flag, type: bool, default: false}
      - {name: tier, type: choice, default: low, choices: [low, high]}
      - {name: start, type: date, default: "2024-01-01", min: "2000-01-01", max: "2030-12-31"}
      - {name: end, type: date, default: "2024-12-31", min: "2000-01-01", max: "2030-12-31"}
    checks:
      - {expr: "end > start", knob: end, message: "must be after start"}
    spec:
      tables:
        people:
          rows: {$param: people}
          fields:
            id: {type: id}
            kind:
              type: category
              values: {rare: {$param: rate}, common: {$expr: "1 - rate"}}
            days:
              type: int
              dist: {kind: uniform, low: 0, high: {$expr: "days_between(start, end)"}}
    """
)


@pytest.fixture
def toy_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "toy.yaml").write_text(TOY, encoding="utf-8")
    monkeypatch.setattr(registry, "SPECS_DIR", tmp_path)
    registry.load_templates.cache_clear()
    yield tmp_path
    registry.load_templates.cache_clear()


def _error(name: str, params: dict[str, Any]) -> str:
    with pytest.raises(ApiError) as info:
        registry.template_spec(name, params)
    return info.value.message


def test_defaults_are_substituted_and_expressions_computed(toy_catalog: Path) -> None:
    spec = registry.template_spec("toy", {})
    people = spec["tables"]["people"]
    assert people["rows"] == 100
    assert people["fields"]["kind"]["values"] == {"rare": 0.1, "common": 0.9}
    assert people["fields"]["days"]["dist"]["high"] == 365


def test_given_knobs_replace_defaults(toy_catalog: Path) -> None:
    spec = registry.template_spec("toy", {"people": 5, "rate": 0.25, "end": "2024-01-31"})
    people = spec["tables"]["people"]
    assert people["rows"] == 5
    assert people["fields"]["kind"]["values"] == {"rare": 0.25, "common": 0.75}
    assert people["fields"]["days"]["dist"]["high"] == 30


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"people": 0}, "params.people: must be >= 1"),
        ({"people": 1001}, "params.people: must be <= 1000"),
        ({"people": 2.5}, "params.people: must be int"),
        ({"people": "many"}, "params.people: must be int"),
        ({"rate": 0.6}, "params.rate: must be <= 0.5"),
        ({"rate": float("nan")}, "params.rate: must be float"),
        ({"flag": "yes"}, "params.flag: must be bool"),
        ({"tier": "mid"}, "params.tier: must be one of ['low', 'high']"),
        ({"start": "2024-13-01"}, "params.start: must be a date YYYY-MM-DD"),
        ({"start": "1999-12-31"}, "params.start: must be >= 2000-01-01"),
        ({"end": "2023-06-01"}, "params.end: must be after start"),
        ({"colour": "red"}, "params.colour: unknown knob; toy has people, rate, flag, tier"),
    ],
)
def test_it_rejects_a_bad_knob_naming_it(
    toy_catalog: Path, params: dict[str, Any], message: str
) -> None:
    assert _error("toy", params).startswith(message)


def test_it_rejects_an_unknown_template(toy_catalog: Path) -> None:
    assert _error("nope", {}) == "template: unknown template 'nope'; known: toy"


def test_expressions_cannot_call_anything_outside_the_whitelist() -> None:
    with pytest.raises(registry.TemplateError, match="Attribute is not allowed"):
        registry.evaluate("rate.__class__", {"rate": 0.1})
    with pytest.raises(registry.TemplateError, match="Call is not allowed"):
        registry.evaluate("__import__('os')", {})
    assert registry.evaluate("int(round(rate * 100)) if rate < 1 else 0", {"rate": 0.125}) == 12


def test_a_template_referring_to_an_unknown_knob_is_refused(
    toy_catalog: Path,
) -> None:
    (toy_catalog / "toy.yaml").write_text(TOY.replace("{$param: rate}", "{$param: ratio}"))
    registry.load_templates.cache_clear()
    with pytest.raises(registry.TemplateError, match="unknown knobs \\['ratio'\\]"):
        registry.load_templates()


def test_a_default_outside_its_own_range_is_refused(toy_catalog: Path) -> None:
    (toy_catalog / "toy.yaml").write_text(TOY.replace("default: 100,", "default: 5000,"))
    registry.load_templates.cache_clear()
    with pytest.raises(ApiError, match="params.people: must be <= 1000"):
        registry.load_templates()
