"""The vectorised guard of model blocks gives the same decisions as the simple definitions:
a row is an exact copy when its values equal a real row's (3 == 3.0, NaN == None, a category
1.0 == "1"), datetimes print as strftime prints them, keys and numbers as Python makes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from generation.synthesis.fitted import (
    FittedModel,
    _numbered,
    _to_numeric,
    format_datetimes,
    labels,
    row_hashes,
    sample_block,
)
from generation.synthesis.identifiers import IdentifierGuard, value_hashes

SALT = "0123456789abcdef"

META: dict[str, Any] = {
    "amount": {"sdtype": "numerical"},
    "grade": {"sdtype": "categorical", "vocab": ["1", "2", "3", "x"]},
    "flag": {"sdtype": "boolean", "vocab": ["False", "True"]},
    "seen": {"sdtype": "datetime"},
}
COLUMNS = list(META)


def _real() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "amount": [1.0, 2.5, np.nan, 4.0, 1e-10],
            "grade": pd.Series(["1", "2", None, "x", "3"], dtype=object),
            "flag": pd.Series([True, False, None, True, False], dtype=object),
            "seen": pd.to_datetime(
                [
                    "2020-01-01 00:00:00",
                    "1969-12-31 23:59:59",
                    None,
                    "2020-01-01 00:00:01",
                    "2000-02-29 00:00:00",
                ]
            ),
        }
    )


def _simple_key(row: pd.Series) -> tuple[Any, ...]:
    """The definition, one row at a time: values compared as numbers, labels or instants."""
    out: list[Any] = []
    for name in COLUMNS:
        value = row[name]
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NaT:
            out.append(None)
        elif META[name]["sdtype"] == "numerical":
            out.append(round(float(value), 9))
        elif META[name]["sdtype"] == "datetime":
            out.append(pd.Timestamp(value).value)
        elif isinstance(value, float) and value.is_integer():
            out.append(str(int(value)))
        else:
            out.append(str(value))
    return tuple(out)


def _candidates() -> dict[str, pd.DataFrame]:
    """The same rows (and near misses) in every representation a sampler may return."""
    objects = pd.DataFrame(
        {
            "amount": pd.Series([1, 2.5, None, 4.001, 1e-10, 2.5], dtype=object),
            "grade": pd.Series([1.0, "2", np.nan, "x", 3, "2"], dtype=object),
            "flag": pd.Series([True, False, None, True, False, True], dtype=object),
            "seen": pd.Series(
                [
                    "2020-01-01 00:00:00",
                    "1969-12-31 23:59:59",
                    None,
                    "2020-01-01 00:00:01",
                    "2000-02-29 00:00:00",
                    "2020-01-01 00:00:00",
                ]
            ),
        }
    )
    typed = pd.DataFrame(
        {
            "amount": np.array([1, 2.5, np.nan, 4.001, 1e-10, 2.5]),
            "grade": pd.Categorical(["1", "2", None, "x", "3", "2"]),
            "flag": pd.Series([True, False, None, True, False, True], dtype=object),
            "seen": pd.to_datetime(objects["seen"]).astype("datetime64[us]"),
        }
    )
    numbers = typed.assign(
        grade=np.array([1.0, 2.0, np.nan, np.nan, 3.0, 2.0]),
        flag=np.array([True, False, True, True, False, True]),
    )
    return {"objects": objects, "typed": typed, "numbers": numbers}


@pytest.mark.parametrize("kind", ["objects", "typed", "numbers"])
def test_the_vectorised_copy_check_decides_like_the_simple_definition(kind: str) -> None:
    real = _real()
    frame = _candidates()[kind]
    real_set = np.unique(row_hashes(real, COLUMNS, META, SALT))
    hashes = row_hashes(frame, COLUMNS, META, SALT)
    vectorised = np.isin(hashes, real_set)
    simple_real = {_simple_key(row) for _, row in real.iterrows()}
    simple = np.array([_simple_key(row) in simple_real for _, row in frame.iterrows()])
    assert vectorised.tolist() == simple.tolist()
    assert simple[:2].all() and not simple[3]  # a copy in any representation; 4.001 is not one


def test_labels_and_numbers_do_not_depend_on_the_dtype() -> None:
    as_objects = pd.Series([1.0, 2, None, "a"], dtype=object)
    assert labels(as_objects).tolist() == ["1", "2", None, "a"]
    assert labels(pd.Series([1.0, np.nan, 2.5])).tolist() == ["1", None, "2.5"]
    assert labels(pd.Series([True, False])).tolist() == ["True", "False"]
    for values in (["1", "2", None, "x", " 3"], ["7", "7", "8"], [1.5, "2", np.nan], []):
        col = pd.Series(values, dtype=object)
        expected = pd.to_numeric(col, errors="coerce")
        got = _to_numeric(col)
        assert got.round().astype("Int64").equals(expected.round().astype("Int64"))


@pytest.mark.parametrize(
    "fmt",
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S.%fZ", "%d/%m/%Y %H%%", "%Y%m%d", "é%Y年"],
)
def test_datetimes_print_as_strftime_prints_them(fmt: str) -> None:
    values = pd.Series(
        pd.to_datetime(
            [
                "2000-02-29 23:59:59.999999999",
                "1969-12-31 23:59:59.5",
                None,
                "1900-01-01 00:00:00",
                "2262-04-11 00:00:00",
                "2013-06-30 12:34:56.789",
            ],
            format="ISO8601",
        )
    )
    got = format_datetimes(values.to_numpy(), fmt)
    assert got is not None
    assert pd.Series(got).equals(values.dt.strftime(fmt))


def test_other_datetime_formats_are_left_to_strftime() -> None:
    values = pd.to_datetime(["2020-01-01"]).to_numpy()
    assert format_datetimes(values, "%b %d") is None
    assert format_datetimes(values, "%Y-%j") is None


def test_keys_are_numbered_as_python_formats_them() -> None:
    assert _numbered("SYN-", 1, 3).tolist() == ["SYN-000000001", "SYN-000000002", "SYN-000000003"]
    assert _numbered("SYN", 999_999_998, 3).tolist() == [
        "SYN999999998",
        "SYN999999999",
        "SYN1000000000",
    ]
    assert _numbered("SYN-", 5, 0).tolist() == []


def test_a_clean_collision_check_finds_what_the_general_one_finds() -> None:
    real = pd.Series(["SYN-000000002", " SYN-000000004 ", "abc"])
    guard = IdentifierGuard(kind="account_id", salt=SALT, real_hashes=value_hashes(real, SALT))
    ours = pd.Series(_numbered("SYN-", 1, 5), dtype=object)
    assert guard.collides(ours, clean=True).tolist() == guard.collides(ours).tolist()
    assert guard.collides(ours, clean=True).tolist() == [False, True, False, True, False]


def _fitted(real: pd.DataFrame) -> FittedModel:
    meta = {
        "learned": COLUMNS,
        "columns": {k: dict(v) for k, v in META.items()},
        "row_salt": SALT,
    }
    return FittedModel(Path(), meta, np.unique(row_hashes(real, COLUMNS, META, SALT)), {})


def test_a_block_drops_real_rows_with_one_sampler_call_and_is_reproducible() -> None:
    real = _real()
    calls: list[int] = []

    def sampler(n: int, seed: int, conditions: list[Any]) -> pd.DataFrame:
        calls.append(n)
        rng = np.random.default_rng(seed)
        frame = pd.DataFrame(
            {
                "amount": np.round(rng.normal(size=n), 3),
                "grade": rng.choice(np.array(["1", "2", "3", "x"], dtype=object), n),
                "flag": rng.random(n) < 0.5,
                "seen": pd.Series(
                    pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 9, n), "s")
                ),
            }
        )
        frame.iloc[::100] = real.iloc[[0]].to_numpy()  # 1% exact copies of a real row
        return frame

    fitted = _fitted(real)
    rows, dropped = sample_block(fitted, sampler, n=1000, seed=3, start_row=0)
    assert len(rows) == 1000 and dropped > 0
    assert len(calls) == 1  # the margin absorbed the copies
    assert not np.isin(row_hashes(rows, COLUMNS, META, SALT), fitted.row_set).any()
    again, dropped_again = sample_block(fitted, sampler, n=1000, seed=3, start_row=0)
    assert again.equals(rows) and dropped_again == dropped


def test_categorical_columns_finish_like_text_columns() -> None:
    text = pd.Series(["1", "2", None, "2"], dtype=object)
    cat = text.astype("category")
    assert labels(cat).tolist() == labels(text).tolist() == ["1", "2", None, "2"]
    assert (
        _to_numeric(cat).round().astype("Int64").equals(_to_numeric(text).round().astype("Int64"))
    )


def test_the_spec_sampler_gives_the_same_values_as_categoricals() -> None:
    from generation.synthesis.spec_synth import learn_spec, spec_sampler

    real = pd.DataFrame(
        {
            "size": ["s", "m", "l", None] * 50,
            "grade": [1, 2, 3, 2] * 50,
            "weight": np.linspace(1.0, 9.0, 200),
        }
    )
    metadata = {
        "columns": {
            "size": {"sdtype": "categorical"},
            "grade": {"sdtype": "categorical", "representation": "int"},
            "weight": {"sdtype": "numerical", "representation": "float"},
        }
    }
    spec, names = learn_spec(real, metadata, table="t", learned=list(real), rows=len(real))
    plain = spec_sampler(spec, names)(500, 3, [])
    cats = spec_sampler(spec, names, categorical=True)(500, 3, [])
    assert isinstance(cats["size"].dtype, pd.CategoricalDtype)
    assert cats.astype(object).equals(plain.astype(object))


def test_integer_keys_count_on_past_the_real_ones_and_an_older_model_checks_them() -> None:
    from generation.synthesis.identifiers import int_key_offset

    real_keys = pd.Series([7, 3, 120, 5, 44])
    assert int_key_offset(real_keys) == 120
    assert int_key_offset(pd.Series([-5, -1])) == 0
    real = _real()

    def sampler(n: int, seed: int, conditions: list[Any]) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        return pd.DataFrame(
            {
                "amount": rng.normal(size=n) + 100,
                "grade": "1",
                "flag": True,
                "seen": pd.Timestamp("2021-01-01"),
            }
        )

    fitted = _fitted(real)
    fitted.meta["columns"]["key"] = {"sdtype": "id", "representation": "int", "key_offset": 120}
    fitted.guards["key"] = IdentifierGuard("account_id", SALT, value_hashes(real_keys, SALT))
    rows, _ = sample_block(fitted, sampler, n=200, seed=1, start_row=400)
    assert rows["key"].tolist() == list(range(521, 721))
    del fitted.meta["columns"]["key"]["key_offset"]  # saved before the offset was kept
    rows, _ = sample_block(fitted, sampler, n=200, seed=1, start_row=0)
    assert rows["key"].is_unique and not set(rows["key"]) & set(real_keys)
    assert rows["key"].iloc[:3].tolist() == [1, 2, 2**31 + 3]


def test_row_hashes_are_those_of_the_text_labels() -> None:
    # The guard hashes of saved models were taken over object columns of labels; the faster
    # Categorical of the same labels must hash every row the same (1 and 1.0 both "1").
    import numpy as np
    import pandas as pd

    from generation.synthesis import fitted

    rng = np.random.default_rng(0)
    n = 3000
    frame = pd.DataFrame(
        {
            "a": rng.choice(["x", "y", None], n),
            "b": pd.Categorical(rng.choice(["p", "q"], n)),
            "c": rng.random(n) > 0.5,
            "d": pd.Series(rng.choice([1.0, 2.0, np.nan, 3.5], n)).astype(object),
            "e": pd.Series(rng.choice([1, 2], n)).astype(object).where(rng.random(n) > 0.5, 1.0),
        }
    )
    meta = {name: {"sdtype": "categorical"} for name in frame}
    meta["c"] = {"sdtype": "boolean"}
    salt = "0123456789abcdef"
    text = pd.DataFrame({name: fitted.labels(frame[name], null="\x00") for name in frame})
    before = pd.util.hash_pandas_object(text, index=False, hash_key=salt).to_numpy(np.uint64)
    assert np.array_equal(fitted.row_hashes(frame, list(frame), meta, salt), before)
