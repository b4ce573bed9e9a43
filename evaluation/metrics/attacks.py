"""Attack-based privacy risk: what an attacker holding the synthetic rows learns about the
real rows the model trained on, measured against real rows it never saw (the holdout).

Three attacks, each on bounded seeded samples, each with a 95% bootstrap interval:

- membership inference: a real row is guessed "trained on" the closer it is to its closest
  synthetic row; ROC AUC over training rows (members) and held-out rows (non-members), and
  the advantage over guessing, 2 * AUC - 1.
- attribute inference: the attacker knows a row's quasi-identifiers and takes the sensitive
  value of the synthetic row nearest on them; the risk is the success on training rows beyond
  that on held-out rows, ``max(0, s_train - s_holdout) / (1 - s_holdout)``.
- singling out: a real row is singled out when some synthetic row's quasi-identifier
  combination (numbers in decile bins) matches it and no other real row of the sample; the
  risk is the share of unique training rows singled out beyond that of unique held-out rows,
  normalised as above.

Held-out rows are the control: a model that generalises tells an attacker as much about them
as about its training rows, so every risk is about 0 for it, whatever the data. The methods
are plain nearest-neighbour and uniqueness counts (not anonymeter's).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from evaluation.metrics.privacy import RowEncoder, _text, nearest

__all__ = [
    "LEVELS",
    "attack_report",
    "attribute_inference",
    "default_quasi_identifiers",
    "default_sensitive",
    "flatten_sequences",
    "membership_inference",
    "singling_out",
    "verdict",
]

LEVELS = ("low", "medium", "high")
_BOOTSTRAP = 200
# Names an attacker can learn elsewhere (registers, social media): age, sex, place, birth.
_QI_NAME = re.compile(
    r"(^|_)(age|sex|gender|zip|zipcode|postcode|postal|post_code|state|county|city|birth|"
    r"dob|birthdate|birthday|date_of_birth|race|ethnicity|marital|nationality|country|region)"
    r"($|_)",
    re.IGNORECASE,
)
_SENSITIVE_NAME = re.compile(
    r"income|salary|wage|diagnos|disease|illness|condition|treatment|credit|debt|loan|"
    r"default|outcome|status|religion|target|label|survival|death|score|price",
    re.IGNORECASE,
)


def default_quasi_identifiers(sdtypes: dict[str, str], limit: int = 5) -> tuple[list[str], str]:
    """The columns an attacker is assumed to know, and how they were chosen: those named like
    age, sex, postcode or birth date first, completed up to ``limit`` with the other columns
    that are not named like a sensitive one (an attacker who knows little is no test), and
    always leaving a column to guess."""
    names = list(sdtypes)
    named = [c for c in names if _QI_NAME.search(_snake(c))]
    others = [c for c in names if c not in named and not _SENSITIVE_NAME.search(c)]
    chosen = (named + others)[: max(1, min(limit, len(names) - 1))]
    source = "detected by name: " + ", ".join(named) if named else "no column named like "
    source += "" if named else "age, sex, place or birth"
    if len(chosen) > len(named):
        source += "; completed with the first other columns"
    return chosen, source


def default_sensitive(sdtypes: dict[str, str], quasi: list[str], limit: int = 3) -> list[str]:
    """The columns to guess: by name (income, diagnosis, outcome...), else the last columns."""
    rest = [c for c in sdtypes if c not in quasi]
    named = [c for c in rest if _SENSITIVE_NAME.search(c)]
    return (named or rest[::-1])[:limit]


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).replace(" ", "_").replace("-", "_")


def _interval(values: list[float]) -> list[float] | None:
    if not values:
        return None
    lo, hi = np.percentile(values, [2.5, 97.5])
    return [round(float(lo), 4), round(float(hi), 4)]


def _auc(member: np.ndarray, non_member: np.ndarray) -> float:
    """ROC AUC of a score (higher = member), by ranks (Mann-Whitney), ties half."""
    if not len(member) or not len(non_member):
        return 0.5
    ranks = rankdata(np.concatenate([member, non_member]))
    u = ranks[: len(member)].sum() - len(member) * (len(member) + 1) / 2
    return float(u / (len(member) * len(non_member)))


def _excess(train: float, holdout: float) -> float:
    """How much better the attack does on training rows than on held-out ones, 0..1."""
    if holdout >= 1.0:
        return 0.0
    return max(0.0, train - holdout) / (1.0 - holdout)


def _bootstrap(
    train_hits: np.ndarray,
    holdout_hits: np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], float],
    rng: np.random.Generator,
    deadline: float,
) -> tuple[list[float] | None, bool]:
    """A 95% interval of ``statistic`` over resampled training and held-out rows; stops at
    the deadline (True: cut short)."""
    out: list[float] = []
    for _ in range(_BOOTSTRAP):
        if time.monotonic() > deadline:
            return _interval(out) if len(out) >= 20 else None, True
        t = train_hits[rng.integers(0, len(train_hits), len(train_hits))]
        h = holdout_hits[rng.integers(0, len(holdout_hits), len(holdout_hits))]
        out.append(statistic(t, h))
    return _interval(out), False


def membership_inference(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    *,
    seed: int = 0,
    deadline: float = float("inf"),
) -> dict[str, Any]:
    """Distance-based membership inference: AUC and advantage (2 AUC - 1, 0 at guessing)."""
    rng = np.random.default_rng(seed)
    columns = list(sdtypes)
    encoder = RowEncoder(pd.concat([train, holdout])[columns], sdtypes)
    syn = encoder.transform(synthetic[columns])
    # closer to the synthetic rows = more likely a member: the score is minus the distance
    member = -nearest(syn, encoder.transform(train[columns]))[0]
    non_member = -nearest(syn, encoder.transform(holdout[columns]))[0]
    auc = _auc(member, non_member)
    ci, cut = _bootstrap(member, non_member, lambda t, h: 2 * _auc(t, h) - 1, rng, deadline)
    out: dict[str, Any] = {
        "auc": round(auc, 4),
        "advantage": round(max(0.0, 2 * auc - 1), 4),
        "ci": ci,
        "n": {"members": len(member), "non_members": len(non_member)},
    }
    if cut:
        out["cut"] = "the interval was cut short by the time budget"
    return out


def attribute_inference(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    quasi_identifiers: list[str],
    sensitive: list[str],
    *,
    seed: int = 0,
    deadline: float = float("inf"),
) -> dict[str, Any]:
    """Nearest-neighbour attribute inference; per sensitive column and their worst.

    A guess of a category is right when equal; of a number, when within 5% of the column's
    range (or equal, for a constant column)."""
    rng = np.random.default_rng(seed)
    qi_types = {c: sdtypes[c] for c in quasi_identifiers}
    encoder = RowEncoder(pd.concat([train, holdout])[quasi_identifiers], qi_types)
    syn = encoder.transform(synthetic[quasi_identifiers])
    _, guess_train = nearest(syn, encoder.transform(train[quasi_identifiers]))
    _, guess_holdout = nearest(syn, encoder.transform(holdout[quasi_identifiers]))
    columns: dict[str, Any] = {}
    cut = False
    worst: tuple[float, list[float] | None] = (0.0, None)
    for name in sensitive:
        hits_train = _hits(train[name], synthetic[name].iloc[guess_train], sdtypes[name], train)
        hits_holdout = _hits(
            holdout[name], synthetic[name].iloc[guess_holdout], sdtypes[name], train
        )
        s_train, s_holdout = float(hits_train.mean()), float(hits_holdout.mean())
        risk = _excess(s_train, s_holdout)
        ci, was_cut = _bootstrap(
            hits_train, hits_holdout, lambda t, h: _excess(t.mean(), h.mean()), rng, deadline
        )
        cut = cut or was_cut
        columns[name] = {
            "risk": round(risk, 4),
            "ci": ci,
            "success_train": round(s_train, 4),
            "success_holdout": round(s_holdout, 4),
        }
        if risk >= worst[0]:
            worst = (risk, ci)
    out: dict[str, Any] = {
        "risk": round(worst[0], 4),
        "ci": worst[1],
        "n": {"train": len(train), "holdout": len(holdout)},
        "quasi_identifiers": quasi_identifiers,
        "sensitive": sensitive,
        "columns": columns,
    }
    if cut:
        out["cut"] = "the intervals were cut short by the time budget"
    return out


def _hits(truth: pd.Series, guess: pd.Series, sdtype: str, reference: pd.DataFrame) -> np.ndarray:
    if sdtype in ("numerical", "datetime"):
        encoder = RowEncoder(reference[[truth.name]], {truth.name: sdtype})
        a = encoder.transform(truth.to_frame())
        b = encoder.transform(guess.reset_index(drop=True).to_frame(truth.name))
        # (value / range, null flag): within 5% of the range, both null, or both equal
        return (np.abs(a - b).sum(axis=1) <= 0.05 + 1e-12).astype(float)
    left = _text(truth.reset_index(drop=True)).fillna("\x00").to_numpy()
    right = _text(guess.reset_index(drop=True)).fillna("\x00").to_numpy()
    return (left == right).astype(float)


def _numbers(col: pd.Series, kind: str) -> pd.Series:
    """A number or date column as floats, as the distance encoding reads it."""
    return RowEncoder(col.head(0).to_frame(), {col.name: kind})._numbers(col)


def _decile_edges(values: np.ndarray) -> np.ndarray:
    """Decile bin edges halfway between neighbouring distinct values: a value a hair from a
    real one (a jittered copy) stays in its bin, as a whole number on a decile would not."""
    distinct = np.unique(values)
    if len(distinct) < 2:
        return np.array([])
    at = np.searchsorted(distinct, np.quantile(values, np.linspace(0.1, 0.9, 9)), side="right")
    at = np.unique(np.clip(at, 1, len(distinct) - 1))
    return (distinct[at - 1] + distinct[at]) / 2


def _cells(frame: pd.DataFrame, sdtypes: dict[str, str], edges: dict[str, np.ndarray]) -> pd.Series:
    """Each row's quasi-identifier combination as one key: numbers and dates by decile bin."""
    parts = {}
    for name, kind in sdtypes.items():
        col = frame[name]
        if name in edges:
            values = _numbers(col, kind).to_numpy()
            bins = np.searchsorted(edges[name], values, side="right")
            parts[name] = np.where(np.isnan(values), -1, bins)
        else:
            parts[name] = _text(col).fillna("\x00").to_numpy()
    return pd.Series(
        pd.util.hash_pandas_object(pd.DataFrame(parts), index=False).to_numpy(np.uint64)
    )


def singling_out(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    quasi_identifiers: list[str],
    *,
    seed: int = 0,
    deadline: float = float("inf"),
) -> dict[str, Any]:
    """Of the real rows that their quasi-identifiers make unique in the sample, the share a
    synthetic row points at (has their combination), training rows beyond held-out ones."""
    rng = np.random.default_rng(seed)
    qi_types = {c: sdtypes[c] for c in quasi_identifiers}
    real = pd.concat([train, holdout], ignore_index=True)[quasi_identifiers]
    edges = {}
    for name, kind in qi_types.items():
        if kind in ("numerical", "datetime"):
            edges[name] = _decile_edges(_numbers(real[name], kind).dropna().to_numpy())
    real_cells = _cells(real, qi_types, edges)
    unique = (real_cells.map(real_cells.value_counts()) == 1).to_numpy()
    in_synthetic = real_cells.isin(set(_cells(synthetic[quasi_identifiers], qi_types, edges)))
    singled = in_synthetic.to_numpy(float)
    is_train = np.arange(len(real)) < len(train)
    hits_train, hits_holdout = singled[unique & is_train], singled[unique & ~is_train]
    n = {
        "train": len(train),
        "holdout": len(holdout),
        "synthetic": len(synthetic),
        "unique_train": len(hits_train),
        "unique_holdout": len(hits_holdout),
    }
    if len(hits_train) < 10 or len(hits_holdout) < 10:
        return {
            "skipped": "fewer than 10 training or held-out rows are unique by their "
            "quasi-identifiers: nothing to single out",
            "n": n,
            "quasi_identifiers": quasi_identifiers,
        }
    s_train, s_holdout = float(hits_train.mean()), float(hits_holdout.mean())
    ci, cut = _bootstrap(
        hits_train, hits_holdout, lambda t, h: _excess(t.mean(), h.mean()), rng, deadline
    )
    out: dict[str, Any] = {
        "risk": round(_excess(s_train, s_holdout), 4),
        "ci": ci,
        "n": n,
        "singled_out_train": round(s_train, 4),
        "singled_out_holdout": round(s_holdout, 4),
        "quasi_identifiers": quasi_identifiers,
    }
    if cut:
        out["cut"] = "the interval was cut short by the time budget"
    return out


def verdict(
    attacks: dict[str, Any], thresholds: dict[str, tuple[float, float]]
) -> tuple[str | None, dict[str, str]]:
    """The worst level over the attacks measured (None: none was), and one plain sentence
    per attack.

    ``thresholds``: attack -> (medium, high) on its risk (the advantage for membership). A
    level above low needs the interval's lower end above 0 too: noise of a small holdout is
    not evidence."""
    sentences: dict[str, str] = {}
    worst = -1  # nothing measured: no verdict
    for name, result in attacks.items():
        if "skipped" in result:
            sentences[name] = f"Not measured: {result['skipped']}."
            continue
        value = result["advantage"] if name == "membership_inference" else result["risk"]
        medium, high = thresholds[name]
        ci = result.get("ci")
        level = 2 if value >= high else 1 if value >= medium else 0
        if level and ci is not None and ci[0] <= 0:
            level = 0
        result["level"] = LEVELS[level]
        worst = max(worst, level)
        sentences[name] = _sentence(name, value, result, LEVELS[level])
    return (LEVELS[worst] if worst >= 0 else None), sentences


def _sentence(name: str, value: float, result: dict[str, Any], level: str) -> str:
    pct = f"{value:.0%}"
    if name == "membership_inference":
        return (
            f"{level.capitalize()} risk: from the synthetic data an attacker tells whether a "
            f"person's record was used for training {pct} better than by guessing "
            f"(AUC {result['auc']:.2f})."
        )
    if name == "attribute_inference":
        return (
            f"{level.capitalize()} risk: knowing {', '.join(result['quasi_identifiers'])}, an "
            f"attacker guesses {', '.join(result['sensitive'])} of a training record {pct} "
            "more often (of what is left to learn) than of a record the model never saw."
        )
    return (
        f"{level.capitalize()} risk: of the records that "
        f"{', '.join(result['quasi_identifiers'])} make unique, the synthetic data points at "
        f"{result['singled_out_train']:.0%} of training ones against "
        f"{result['singled_out_holdout']:.0%} of records the model never saw."
    )


def attack_report(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    sdtypes: dict[str, str],
    *,
    quasi_identifiers: list[str] | None = None,
    sensitive: list[str] | None = None,
    thresholds: dict[str, tuple[float, float]],
    sample_rows: int = 2_000,
    synthetic_rows: int = 20_000,
    budget_seconds: float = 20.0,
    seed: int = 0,
) -> dict[str, Any]:
    """The three attacks, the verdict and its sentences (the document's ``privacy`` part).

    Args:
        train: real rows the model learned from; holdout: real rows it never saw.
        synthetic: the synthetic rows.
        sdtypes: the learned columns -> sdtype.
        quasi_identifiers, sensitive: the attacker's knowledge and target (None: detected).
        thresholds: attack -> (medium, high) risk.
        sample_rows: at most this many held-out rows, and as many training rows (at least
            500), are attacked (seeded samples).
        synthetic_rows: at most this many synthetic rows are the attacker's (all of them when
            there are fewer: a sample of the synthetic rows would hide copies of the targets).
        budget_seconds: an attack not started within it is skipped, an interval cut short;
            the document says so.
    """
    start = time.monotonic()
    deadline = start + budget_seconds
    if quasi_identifiers:
        chosen, source = list(quasi_identifiers), "the dataset's metadata"
    else:
        chosen, source = default_quasi_identifiers(sdtypes)
    targets = list(sensitive) if sensitive else default_sensitive(sdtypes, chosen)
    targets = [c for c in targets if c not in chosen]
    holdout = _sample(holdout, sample_rows, seed)
    # about as many members as non-members (at least 500): more would add time, not power
    train = _sample(train, min(sample_rows, max(len(holdout), 500)), seed)
    synthetic = _sample(synthetic, synthetic_rows, seed)
    attacks: dict[str, Any] = {}
    if not len(holdout) or not len(train) or not len(synthetic):
        reason = "no held-out rows to compare with" if not len(holdout) else "no rows"
        for name in ("membership_inference", "attribute_inference", "singling_out"):
            attacks[name] = {"skipped": reason}
    else:
        runs: list[tuple[str, Callable[[], dict[str, Any]]]] = [
            (
                "membership_inference",
                lambda: membership_inference(
                    train, holdout, synthetic, sdtypes, seed=seed, deadline=deadline
                ),
            ),
            (
                "attribute_inference",
                lambda: (
                    attribute_inference(
                        train,
                        holdout,
                        synthetic,
                        sdtypes,
                        chosen,
                        targets,
                        seed=seed,
                        deadline=deadline,
                    )
                    if targets
                    else {"skipped": "no sensitive column left besides the quasi-identifiers"}
                ),
            ),
            (
                "singling_out",
                lambda: singling_out(
                    train, holdout, synthetic, sdtypes, chosen, seed=seed, deadline=deadline
                ),
            ),
        ]
        for name, run in runs:
            if time.monotonic() > deadline:
                attacks[name] = {
                    "skipped": f"the time budget ({budget_seconds:g} s) was spent before it"
                }
                continue
            began = time.monotonic()
            attacks[name] = run()
            attacks[name]["seconds"] = round(time.monotonic() - began, 3)
    level, sentences = verdict(attacks, thresholds)
    return {
        "attacks": attacks,
        "verdict": level,
        "sentences": sentences,
        "quasi_identifiers_source": source,
        "attack_seconds": round(time.monotonic() - start, 3),
    }


def flatten_sequences(
    frame: pd.DataFrame, key: str, sdtypes: dict[str, str]
) -> tuple[pd.DataFrame, dict[str, str]]:
    """One row per entity of a sequence table, for the attacks: an entity is the person
    attacked, and its held-out rows are whole sequences. Numbers and dates become the
    entity's mean, other columns its most frequent value, plus the sequence's length."""
    groups = frame.groupby(frame[key].astype(str), sort=True)
    columns: dict[str, Any] = {}
    for name, kind in sdtypes.items():
        if kind in ("numerical", "datetime"):
            columns[name] = groups[name].agg(lambda c, k=kind: _numbers(c, k).mean())
        else:
            columns[name] = groups[name].agg(
                lambda c: _text(c).mode().iloc[0] if c.notna().any() else None
            )
    columns["sequence_length"] = groups.size().astype(float)
    flat = pd.DataFrame(columns).reset_index(drop=True)
    types = {name: ("numerical" if k == "datetime" else k) for name, k in sdtypes.items()}
    return flat, {**types, "sequence_length": "numerical"}


def _sample(frame: pd.DataFrame, cap: int, seed: int) -> pd.DataFrame:
    if len(frame) <= cap:
        return frame.reset_index(drop=True)
    rng = np.random.default_rng(seed)
    return frame.iloc[np.sort(rng.choice(len(frame), cap, replace=False))].reset_index(drop=True)
