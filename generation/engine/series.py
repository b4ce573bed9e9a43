"""Per-entity time series: timestamps and signals (trend, seasonality, AR, walks, failures).

A series block holds whole entities (relations.py never splits one), so every recursion
restarts at entity boundaries inside the block, vectorised over all entities at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from generation.engine.timeutil import parse_datetime_seconds, parse_duration

__all__ = [
    "ar_gain",
    "lag_within",
    "markov_codes",
    "series_times",
    "signal_scale",
    "signal_values",
    "trend_centre",
]


def _entity_starts(index: np.ndarray) -> np.ndarray:
    """Row position of the first row of each row's entity."""
    pos = np.arange(len(index))
    return pos - index


def series_times(
    series: Any,
    index: np.ndarray,
    entity: np.ndarray,
    parent_start: np.ndarray | None,
    rng: np.random.Generator,
    rng_entity: np.random.Generator,
    n_entities: int,
) -> np.ndarray:
    """Timestamps in microseconds since the epoch (int64)."""
    every = parse_duration(series.every) * 1e6
    if parent_start is None:
        base = np.full(len(index), parse_datetime_seconds(series.start) * 1e6)
    else:
        base = parent_start.astype(np.int64).astype(float)
    if series.start_jitter is not None:
        offsets = rng_entity.random(n_entities) * parse_duration(series.start_jitter) * 1e6
        base = base + offsets[entity]
    t = base + index * every
    if series.jitter is not None:
        t = t + rng.random(len(index)) * parse_duration(series.jitter) * 1e6
    return np.floor(t).astype(np.int64)


def _runs(
    rate: float, mean_length: float, index: np.ndarray, count: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Runs that start at ``rate`` per step and last ~Geometric(1/mean_length) steps,
    cut at the end of their entity. Returns (in_run mask, position of the run's start)."""
    n = len(index)
    starts = np.flatnonzero(rng.random(n) < rate)
    lengths = (
        rng.geometric(1.0 / mean_length, len(starts)) if len(starts) else np.zeros(0, np.int64)
    )
    entity_end = np.arange(n) - index + count  # one past the entity's last row
    ends = np.minimum(starts + lengths, entity_end[starts]) if len(starts) else starts
    cover = np.zeros(n + 1, dtype=np.int64)
    np.add.at(cover, starts, 1)
    np.add.at(cover, ends, -1)
    in_run = np.cumsum(cover[:n]) > 0
    marker = np.full(n, -1, dtype=np.int64)
    marker[starts] = starts
    src = np.maximum.accumulate(marker) if n else marker
    return in_run, src


def signal_values(
    sig: Any,
    t_us: np.ndarray,
    index: np.ndarray,
    count: np.ndarray,
    entity: np.ndarray,
    n_entities: int,
    rng: np.random.Generator,
    rng_entity: np.random.Generator,
    innovations: np.ndarray | None = None,
    drive: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """Values of a signal on the rows of a block, the dropout mask, and the injected event of
    each row (0 none, 1 spike, 2 stuck, 3 dropout; a later kind overrides an earlier one).

    ``innovations``: uniforms of the table's copula (the field is in ``correlations``); their
    normal scores drive the AR noise (else the white noise), so that correlated signal fields
    move together at the same step."""
    n = len(index)
    events = np.zeros(n, dtype=np.int8)
    t = t_us.astype(float) / 1e6
    x = np.full(n, float(sig.level))
    if sig.entity_sd > 0:
        x += (rng_entity.standard_normal(n_entities) * sig.entity_sd)[entity]
    first = _entity_starts(index)
    if sig.trend:
        t0 = t[first] if n else t
        x += sig.trend * (t - t0) / 86400.0
    for s in sig.seasonality:
        period = parse_duration(s.period)
        x += s.amplitude * np.cos(2 * np.pi * (t / period - s.peak))
    if sig.ar is not None and n:
        phis, sd = sig.ar.coefficients(), sig.ar.sd
        e = _normals(innovations, rng, n) * sd
        innovations = None  # used: the white noise below draws its own
        start = index == 0
        if len(phis) == 1:  # stationary start of each entity
            e[start] = e[start] / np.sqrt(1 - phis[0] * phis[0])
        else:
            e[start] = e[start] * np.sqrt(ar_gain(phis))
        if drive is not None:  # another signal's value one step before (lead)
            e = e + drive
        if len(phis) == 1:
            phi = phis[0]
            from scipy.signal import lfilter  # on first use: see engine/_special.py

            y = lfilter([1.0], [1.0, -phi], e)
            # Remove what carried over from the previous entity: phi^(k+1) * y[s-1].
            prev = np.where(first > 0, y[np.maximum(first - 1, 0)], 0.0)
            with np.errstate(under="ignore"):
                decay = np.power(phi, index + 1.0)
            x += y - decay * prev
        else:
            x += _ar_p(e, phis, index)
    if sig.random_walk is not None and n:
        steps = rng.standard_normal(n) * sig.random_walk.sd
        steps[index == 0] = 0.0
        c = np.cumsum(steps)
        x += c - c[first]
    if sig.noise is not None and sig.noise.sd > 0:
        x += _normals(innovations, rng, n) * sig.noise.sd
    if sig.spikes is not None and n:
        hit = rng.random(n) < sig.spikes.rate
        sign = {
            "up": np.ones(n),
            "down": -np.ones(n),
            "both": np.where(rng.random(n) < 0.5, -1.0, 1.0),
        }[sig.spikes.sign]
        x = np.where(hit, x + sign * sig.spikes.size, x)
        events[hit] = 1
    if sig.stuck is not None and n:
        in_run, src = _runs(sig.stuck.rate, sig.stuck.length, index, count, rng)
        x = np.where(in_run, x[np.maximum(src, 0)], x)
        events[in_run & (np.arange(n) != src)] = 2
    mask = None
    if sig.dropouts is not None and n:
        in_run, _ = _runs(sig.dropouts.rate, sig.dropouts.length, index, count, rng)
        mask = in_run if in_run.any() else None
        events[in_run] = 3
    return x, mask, events


def ar_gain(phis: list[float]) -> float:
    """Stationary variance of an AR(p) per unit innovation variance (sum of its squared
    impulse response)."""
    if len(phis) == 1:
        return 1.0 / (1.0 - phis[0] ** 2)
    from scipy.signal import lfilter

    impulse = np.zeros(2000)
    impulse[0] = 1.0
    h = lfilter([1.0], [1.0, *(-p for p in phis)], impulse)
    return float((h * h).sum())


def _ar_p(e: np.ndarray, phis: list[float], index: np.ndarray) -> np.ndarray:
    """AR(p) per entity, restarted at each entity's first row: one numpy step per position
    in the longest entity of the block, vectorised over its entities."""
    y = np.zeros(len(e))
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(int(index.max()) + 2))
    for step in range(len(bounds) - 1):
        rows = order[bounds[step] : bounds[step + 1]]
        if not len(rows):
            break
        acc = e[rows].copy()
        for j, phi in enumerate(phis[:step], start=1):  # rows of one entity are contiguous
            acc += phi * y[rows - j]
        y[rows] = acc
    return y


def lag_within(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Each row's previous row's value within its entity (0 on an entity's first row)."""
    out = np.zeros(len(values))
    if len(values) > 1:
        out[1:] = values[:-1]
    out[index == 0] = 0.0
    return out


def _normals(u: np.ndarray | None, rng: np.random.Generator, n: int) -> np.ndarray:
    """Standard normals: the normal scores of copula uniforms when given, else fresh draws."""
    if u is None:
        return rng.standard_normal(n)
    from generation.engine._special import ndtri

    return ndtri(np.clip(u, 1e-12, 1 - 1e-12))


def trend_centre(sig: Any, t_us: np.ndarray, index: np.ndarray, entity: np.ndarray) -> np.ndarray:
    """Per row, the trend's mean over the row's entity (a dist-mapped signal is centred on
    it, so that the dist describes the whole series, not its first step)."""
    if not sig.trend or not len(index):
        return np.zeros(len(index))
    t = t_us.astype(float) / 1e6
    since = (t - t[_entity_starts(index)]) / 86400.0
    codes = np.unique(entity, return_inverse=True)[1]
    mean = np.bincount(codes, since) / np.bincount(codes)
    return sig.trend * mean[codes]


def signal_scale(sig: Any) -> float:
    """The stationary standard deviation of a signal around its level (entity level, seasons,
    AR, white noise; trend and random walk are not stationary and left out). A signal field
    with a ``dist`` is standardised by it and mapped through the dist's quantiles."""
    var = sig.entity_sd**2 + sum(s.amplitude**2 / 2.0 for s in sig.seasonality)
    if sig.ar is not None:
        phis = sig.ar.coefficients()
        var += (
            sig.ar.sd**2 / (1.0 - phis[0] ** 2) if len(phis) == 1 else sig.ar.sd**2 * ar_gain(phis)
        )
        if sig.lead is not None:  # the driving signal is standardised: variance 1 per step
            var += sig.lead.coef**2 * ar_gain(sig.ar.coefficients())
    if sig.noise is not None:
        var += sig.noise.sd**2
    return float(np.sqrt(var)) if var > 0 else 1.0


def markov_codes(
    start: np.ndarray, transitions: np.ndarray, index: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Category codes of a Markov chain per entity: the first row of each entity draws from
    the cumulative ``start`` weights, each next row from the row of ``transitions``
    (cumulative, one row per state) of the state before it. Vectorised over entities: one
    numpy step per position in the longest entity of the block."""
    n = len(index)
    k = len(start)
    codes = np.zeros(n, dtype=np.int64)
    if n == 0:
        return codes
    order = np.argsort(index, kind="stable")
    bounds = np.searchsorted(index[order], np.arange(int(index.max()) + 2))
    rows = order[bounds[0] : bounds[1]]
    codes[rows] = np.minimum(np.searchsorted(start, u[rows], side="right"), k - 1)
    for step in range(1, len(bounds) - 1):
        rows = order[bounds[step] : bounds[step + 1]]
        if not len(rows):
            break
        cum = transitions[codes[rows - 1]]  # each row's previous state's cumulative weights
        codes[rows] = np.minimum((cum <= u[rows, None]).sum(axis=1), k - 1)
    return codes
