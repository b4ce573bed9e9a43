"""One sampler per field type: (block state, field, rows, stream) -> column.

Every sampler works on a subset of the block's rows (``idx``, or all rows when None) so that
conditional cases reuse it; values come by inverse CDF of a uniform (``u``) wherever a copula
may drive the field.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from generation.engine.blocks import stable_key
from generation.engine.columns import Col, merge_subsets, or_masks
from generation.engine.distributions.marginal import Marginal, base_params
from generation.engine.fields import identifiers as ids
from generation.engine.fields.models import (
    AddressField,
    BoolField,
    CardNumberField,
    CategoryField,
    CityField,
    CompanyField,
    CountryField,
    DateField,
    DatetimeField,
    DecimalField,
    EmailField,
    FirstNameField,
    FloatField,
    ForeignKeyField,
    IbanField,
    Icd10Field,
    IdField,
    IntField,
    LastNameField,
    NameField,
    PhoneField,
    PostcodeField,
    RoutingNumberField,
    StateField,
    StreetAddressField,
    StringField,
    TimeField,
    UuidField,
    default_key,
)
from generation.engine.fields.patterns import (
    fixed_width_strings,
    pattern_combinations,
    pattern_values,
)
from generation.engine.keys import permute, uuid_strings
from generation.engine.timeutil import UNIT_SECONDS, parse_datetime_seconds, parse_time_seconds

if TYPE_CHECKING:
    from generation.engine.table import BlockState

__all__ = ["key_values", "sample"]


def _sub(arr: np.ndarray, idx: np.ndarray | None) -> np.ndarray:
    return arr if idx is None else arr[idx]


_MARGINALS: dict[tuple[int, float | None, float | None, bool], tuple[Any, Marginal]] = {}


def _marginal(dist: Any, lo: float | None, hi: float | None, integer: bool) -> Marginal:
    """A marginal per (distribution object, bounds), built once per process."""
    key = (id(dist), lo, hi, integer)
    hit = _MARGINALS.get(key)
    if hit is not None and hit[0] is dist:
        return hit[1]
    if len(_MARGINALS) > 2048:
        _MARGINALS.clear()
    m = Marginal(dist, lo, hi, integer=integer)
    _MARGINALS[key] = (dist, m)
    return m


def _drift_t(st: BlockState, f: Any, idx: np.ndarray | None) -> np.ndarray:
    d = f.drift
    if d.by == "row":
        total = max(st.table_rows - 1, 1)
        t = _sub(st.rows_global, idx).astype(float) / total
    else:
        col = st.col(d.by)
        by = st.ct.fields[d.by]
        start = parse_datetime_seconds(by.start) * 1e6
        end = parse_datetime_seconds(by.end) * 1e6
        v = _sub(col.values, idx).astype("datetime64[us]").astype(np.int64).astype(float)
        t = (v - start) / (end - start)
    t = np.clip(t, 0.0, 1.0)
    if d.shape == "step":
        t = (t >= d.at).astype(float)
    return t


def _numeric(
    st: BlockState,
    name: str,
    f: Any,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    m = st.n if idx is None else len(idx)
    integer = isinstance(f, IntField)
    if isinstance(f, IntField) and f.unique:
        span = int(f.max) - int(f.min) + 1
        rows = _sub(st.rows_global, idx)
        vals = permute(rows.astype(np.uint64), span, st.key(name)).astype(np.int64) + int(f.min)
        return Col("num", vals)
    if f.signal is not None:
        from generation.engine.series import signal_values

        tcol = st.col(st.ct.time_field)
        t_us = _sub(tcol.values.astype("datetime64[us]").astype(np.int64), idx)
        ent_rng = st.rng(f"{name}|entity")
        drive = None
        lead = f.signal.lead
        if lead is not None:  # the other signal's standardised value one step before
            from generation.engine.series import lag_within

            other = _sub(st.latents[lead.field], idx)
            drive = lead.coef * lag_within(other, _sub(st.index, idx))
        x, mask, events = signal_values(
            f.signal,
            t_us,
            _sub(st.index, idx),
            _sub(st.count, idx),
            _sub(st.entity, idx),
            st.n_entities,
            rng,
            ent_rng,
            u,
            drive,
        )
        from generation.engine.series import signal_scale, trend_centre

        centre = f.signal.level + trend_centre(
            f.signal, t_us, _sub(st.index, idx), _sub(st.entity, idx)
        )
        z = (x - centre) / signal_scale(f.signal)
        if idx is None:
            st.latents[name] = z
        else:
            st.latents.setdefault(name, np.zeros(st.n))[idx] = z
        if f.dist is not None or f.signal.censor is not None:
            from generation.engine._special import ndtr

            q = ndtr(z)
            c = f.signal.censor
            if c is not None and c.share > 0:  # the unrecorded end is null, the rest spans 0..1
                low = c.tail == "low"
                cut = (q < c.share) if low else (q > 1.0 - c.share)
                mask = or_masks(mask, cut)
                events[cut] = 3
                q = (q - c.share) / (1.0 - c.share) if low else q / (1.0 - c.share)
            if f.dist is not None:  # the signal's normal scores through the dist's quantiles
                x = _marginal(f.dist, f.min, f.max, integer).ppf(np.clip(q, 1e-9, 1 - 1e-9))
        st.events[name] = (
            events if idx is None else _scatter_events(st.n, idx, events, st.events.get(name))
        )
    else:
        dist = f.default_dist(integer)
        if u is None:
            u = rng.random(m)
        if f.drift is not None:
            t = _drift_t(st, f, idx)
            p0 = base_params(dist)
            params = {
                k: (
                    np.asarray(v, float) + (float(f.drift.to[k]) - np.asarray(v, float)) * t
                    if k in f.drift.to
                    else v
                )
                for k, v in p0.items()
            }
            marg = Marginal(dist, f.min, f.max, integer=integer, params=params)
        else:
            marg = _marginal(dist, f.min, f.max, integer)
        x = marg.ppf(u)
        mask = None
    if f.noise is not None:
        if f.noise.sd:
            x = x + rng.standard_normal(m) * f.noise.sd
        if f.noise.relative:
            x = x * (1.0 + rng.standard_normal(m) * f.noise.relative)
    if f.outliers is not None and f.outliers.rate > 0:
        hit = rng.random(m) < f.outliers.rate
        if f.outliers.value is not None:
            x = np.where(hit, f.outliers.value, x)
        else:
            med = float(np.median(x)) if m else 0.0
            x = np.where(hit, med + f.outliers.scale * (x - med), x)
    if f.min is not None or f.max is not None:
        lo = -np.inf if f.min is None else (np.ceil(f.min) if integer else f.min)
        hi = np.inf if f.max is None else (np.floor(f.max) if integer else f.max)
        x = np.clip(x, lo, hi)
    x = on_step(x, f)
    if integer:
        x = np.rint(x)
    elif isinstance(f, FloatField) and f.precision is not None:
        x = np.round(x, f.precision)
    elif isinstance(f, DecimalField):
        x = np.round(x, f.scale)
    bad = ~np.isfinite(x)
    if bad.any():
        mask = or_masks(mask, bad)
        x = np.where(bad, 0.0, x)
    return Col("num", x.astype(np.int64) if integer else x, mask)


def on_step(x: np.ndarray, f: Any) -> np.ndarray:
    """``x`` at the nearest multiple of the field's ``step``, kept within min and max (at the
    multiples inside them); as is without a step. The decimals of the step are kept exactly
    (0.1 * 3 is 0.3, not 0.30000000000000004)."""
    step = getattr(f, "step", None)
    if step is None:
        return x
    k = np.round(x / step)
    if f.min is not None:
        k = np.maximum(k, math.ceil(f.min / step - 1e-9))
    if f.max is not None:
        k = np.minimum(k, math.floor(f.max / step + 1e-9))
    places = next((d for d in range(16) if round(step, d) == step), 15)
    return np.round(k * step, places)


def _scatter_events(
    n: int, idx: np.ndarray, events: np.ndarray, prev: np.ndarray | None
) -> np.ndarray:
    out = np.zeros(n, dtype=np.int8) if prev is None else prev
    out[idx] = events
    return out


def _bool(
    st: BlockState,
    name: str,
    f: BoolField,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    m = st.n if idx is None else len(idx)
    p: Any = f.probability()
    if f.drift is not None:
        t = _drift_t(st, f, idx)
        p = p + (float(f.drift.to["p"]) - p) * t
    if u is None:
        u = rng.random(m)
    v = u >= 1.0 - p  # true at the top of u: false < true when a copula drives it
    if f.noise is not None and f.noise.flip:
        v = v ^ (rng.random(m) < f.noise.flip)
    return Col("bool", v)


def _category(
    st: BlockState,
    name: str,
    f: CategoryField,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    m = st.n if idx is None else len(idx)
    if f.signal_events is not None:
        ev = np.zeros(st.n, dtype=np.int8)
        for sname in reversed(f.signal_events):  # the first listed wins
            e = st.events.get(sname)
            if e is not None:
                ev = np.where(e > 0, e, ev)
        ev = _sub(ev, idx)
        return Col(
            "cat", np.maximum(ev - 1, 0).astype(np.int32), ev == 0, ["spike", "stuck", "dropout"]
        )
    labels, weights = f.weights()
    cum = np.cumsum(weights)
    cum[-1] = 1.0
    if u is None:
        u = rng.random(m)
    if f.markov is not None and st.ct.parent is not None:
        from generation.engine.series import markov_codes

        pos = {label: i for i, label in enumerate(labels)}
        trans = np.tile(np.asarray(weights, float), (len(labels), 1))  # unlisted: as values
        for state, row in f.markov.transitions.items():
            w = np.zeros(len(labels))
            for label, weight in row.items():
                w[pos[label]] = weight
            trans[pos[state]] = w / w.sum()
        tcum = np.cumsum(trans, axis=1)
        tcum[:, -1] = 1.0
        codes = markov_codes(cum, tcum, _sub(st.index, idx), u)
        return Col("cat", codes.astype(np.int32), None, labels)
    codes = np.minimum(np.searchsorted(cum, u, side="right"), len(labels) - 1)
    if f.drift is not None:
        t = _drift_t(st, f, idx)
        to = np.array([float(f.drift.to.get(k, 0.0)) for k in labels])
        cum2 = np.cumsum(to / to.sum())
        cum2[-1] = 1.0
        # Mixture trick: with probability t a row follows the end weights, so the share of
        # each value moves linearly from the declared weights to the end weights.
        late = rng.random(m) < t
        codes2 = np.minimum(np.searchsorted(cum2, rng.random(m), side="right"), len(labels) - 1)
        codes = np.where(late, codes2, codes)
    if f.noise is not None and f.noise.flip and len(labels) > 1:
        flip = rng.random(m) < f.noise.flip
        shift = rng.integers(1, len(labels), m)
        codes = np.where(flip, (codes + shift) % len(labels), codes)
    return Col("cat", codes.astype(np.int32), None, labels)


def _calendar_seconds(f: Any, u: np.ndarray, start: float, end: float) -> np.ndarray:
    """Seconds since the epoch in [start, end), density shaped by hour/weekday/month weights,
    monotone in u (so a copula can drive it)."""
    w = f.weights
    if w is None or (w.hour is None and w.weekday is None and w.month is None):
        return start + u * (end - start)
    day0 = np.floor(start / 86400.0)
    day1 = np.ceil(end / 86400.0)
    days = np.arange(day0, day1)
    dw = np.ones(len(days))
    if w.weekday is not None:
        dw *= np.asarray(w.weekday, float)[((days + 3) % 7).astype(np.int64)]
    if w.month is not None:
        months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
        dw *= np.asarray(w.month, float)[months]
    hw = np.ones(24) if w.hour is None else np.asarray(w.hour, float)
    # Each day is 24 hour cells; a cell's weight is day weight x hour weight x its overlap.
    cells_start = (days[:, None] * 86400.0 + np.arange(24)[None, :] * 3600.0).ravel()
    overlap = (
        np.clip(np.minimum(cells_start + 3600.0, end) - np.maximum(cells_start, start), 0, 3600.0)
        / 3600.0
    )
    cw = (dw[:, None] * hw[None, :]).ravel() * overlap
    if cw.sum() <= 0:
        return start + u * (end - start)
    cum = np.cumsum(cw) / cw.sum()
    cell = np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    prev = np.where(cell > 0, cum[np.maximum(cell - 1, 0)], 0.0)
    frac = np.clip((u - prev) / np.maximum(cum[cell] - prev, 1e-300), 0.0, 1.0)
    lo = np.maximum(cells_start[cell], start)
    hi = np.minimum(cells_start[cell] + 3600.0, end)
    return lo + frac * (hi - lo)


def _after(
    st: BlockState, f: Any, idx: np.ndarray | None, rng: np.random.Generator, u: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    a = f.after
    base = st.col(a.field)
    m = st.n if idx is None else len(idx)
    if u is None:
        u = rng.random(m)
    marg = _marginal(a.offset, float(a.min), None if a.max is None else float(a.max), False)
    off = (
        np.clip(marg.ppf(u), a.min, np.inf if a.max is None else a.max) * UNIT_SECONDS[a.unit] * 1e6
    )
    bv = _sub(base.values.astype("datetime64[us]").astype(np.int64), idx)
    mask = None if base.mask is None else _sub(base.mask, idx)
    if isinstance(f, DateField):
        days = np.ceil(off / 86400e6 - 1e-9) * 86400e6
        return bv + days.astype(np.int64), mask
    return bv + np.ceil(off).astype(np.int64), mask


def _datetime(
    st: BlockState,
    name: str,
    f: Any,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    m = st.n if idx is None else len(idx)
    mask = None
    if f.after is not None:
        us, mask = _after(st, f, idx, rng, u)
    else:
        if u is None:
            u = rng.random(m)
        start = parse_datetime_seconds(f.start) if f.start else None
        end = parse_datetime_seconds(f.end) if f.end else None
        if f.dist is not None and f.dist.kind in ("quantiles", "empirical"):
            secs = _marginal(f.dist, start, end, False).ppf(u)
        elif f.dist is not None:
            assert start is not None and end is not None
            pos = np.clip(_marginal(f.dist, None, None, False).ppf(u), 0.0, 1.0)
            secs = start + pos * (end - start)
        else:
            assert start is not None and end is not None
            secs = _calendar_seconds(f, u, start, end)
            secs = np.minimum(secs, np.nextafter(end, -np.inf))
        us = np.floor(secs * 1e6).astype(np.int64)
    if isinstance(f, DateField):
        day = 86400 * 10**6
        us = (us // day) * day
        return Col("dt", us.view("datetime64[us]"), mask)
    unit = {"s": 10**6, "ms": 10**3, "us": 1}[f.unit]
    us = (us // unit) * unit
    return Col("dt", us.view("datetime64[us]"), mask)


def _time(
    st: BlockState,
    name: str,
    f: TimeField,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    m = st.n if idx is None else len(idx)
    if u is None:
        u = rng.random(m)
    start, end = parse_time_seconds(f.start), parse_time_seconds(f.end)
    secs = _calendar_seconds(f, u, start, end)
    secs = np.minimum(np.floor(secs), np.ceil(end) - 1)
    return Col("num", secs.astype(np.int64))


def key_values(st: BlockState, table: str, field_name: str, f: Any, rows: np.ndarray) -> Col:
    """Values of a key field for global row indices of its table: pure functions of the row."""
    key = st.key(field_name, table)
    if isinstance(f, IdField) and f.strategy == "sequence":
        return Col("num", rows.astype(np.int64) * f.step + f.start)
    if isinstance(f, IdField | UuidField):
        return Col("str", fixed_width_strings(uuid_strings(rows, key)))
    if isinstance(f, IntField):
        span = int(f.max) - int(f.min) + 1
        return Col("num", permute(rows.astype(np.uint64), span, key).astype(np.int64) + int(f.min))
    if isinstance(f, StringField):
        return Col(
            "str", pattern_values(f.pattern, len(rows), None, rows=rows.astype(np.uint64), key=key)
        )
    raise ValueError(f"{table}.{field_name} is not a key")


def _foreign_key(
    st: BlockState,
    name: str,
    f: ForeignKeyField,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    target = st.compiled.tables[f.table]
    key = f.field or default_key(target.fields)
    assert key is not None
    if f.table == st.ct.parent:
        col = st.parent_col(key)
        return col if idx is None else col.take(idx)
    m = st.n if idx is None else len(idx)
    total = st.rows_of(f.table)
    if total == 0:
        return Col("num", np.zeros(m, dtype=np.int64), np.ones(m, dtype=bool))
    if u is None:
        u = rng.random(m)
    if f.match:
        rows, miss = _matched_rows(st, name, f, idx, u, total)
        st.fk_rows[name] = (
            rows if idx is None else _scatter_rows(st.n, idx, rows, st.fk_rows.get(name))
        )
        col = key_values(st, f.table, key, target.fields[key], rows)
        return col.with_mask(miss if miss.any() else None)
    if f.dist is not None and f.dist.kind == "zipf":
        from generation.engine.distributions.models import Zipf

        z = Zipf(kind="zipf", s=f.dist.s, n=min(total, 100_000_000))  # type: ignore[union-attr]
        ranks = _marginal(z, None, None, True).ppf(u).astype(np.int64) - 1
        # Popularity by rank, spread over the table by a keyed permutation.
        rows = permute(ranks.astype(np.uint64), total, st.key(name) ^ 0x51ED).astype(np.int64)
    else:
        rows = np.minimum((u * total).astype(np.int64), total - 1)
    st.fk_rows[name] = rows if idx is None else _scatter_rows(st.n, idx, rows, st.fk_rows.get(name))
    return key_values(st, f.table, key, target.fields[key], rows)


_MATCH_INDEX: dict[tuple[Any, ...], tuple[Any, ...]] = {}


def _match_index(st: BlockState, table: str, remote: tuple[str, ...]) -> tuple[Any, ...]:
    """Rows of ``table`` grouped by the text of ``remote`` fields, built once per plan."""
    key = (id(st.spec), st.seed, table, remote, id(st.ctx))
    hit = _MATCH_INDEX.get(key)
    if hit is not None and hit[0] is st.spec and hit[1] is st.ctx:
        return hit[2]
    plan = st.ctx.plans[table]
    texts = []
    for b in plan.blocks():
        cols = st.ctx.columns(st.spec, st.compiled, table, b, st.seed, st.ctx, frozenset(remote))
        parts = [cols[r].text().fill_null("\x00") for r in remote]
        texts.append(parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|"))
    allt = pa.concat_arrays(texts) if texts else pa.array([], pa.string())
    enc = pc.dictionary_encode(allt)
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=len(enc.dictionary))
    starts = np.cumsum(counts) - counts
    out = (enc.dictionary, order, starts, counts)
    if len(_MATCH_INDEX) > 8:
        _MATCH_INDEX.clear()
    _MATCH_INDEX[key] = (st.spec, st.ctx, out)
    return out


def _matched_rows(
    st: BlockState, name: str, f: ForeignKeyField, idx: np.ndarray | None, u: np.ndarray, total: int
) -> tuple[np.ndarray, np.ndarray]:
    """A referenced row whose match fields equal this row's (popularity by ``dist``)."""
    assert f.match is not None
    local, remote = tuple(f.match), tuple(f.match.values())
    dictionary, order, starts, counts = _match_index(st, f.table, remote)
    parts = [st.col(c).text().fill_null("\x00") for c in local]
    mine = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "|")
    if idx is not None:
        mine = mine.take(pa.array(idx))
    code = pc.index_in(mine, value_set=dictionary)
    miss = np.asarray(code.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    c = np.asarray(code.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    cnt = counts[c] if len(counts) else np.zeros(len(c), dtype=np.int64)
    miss |= cnt == 0
    cnt = np.maximum(cnt, 1)
    if f.dist is not None and f.dist.kind == "zipf":
        from generation.engine.distributions.models import Zipf

        z = Zipf(kind="zipf", s=f.dist.s, n=int(max(cnt.max(), 1)))  # type: ignore[union-attr]
        k = (_marginal(z, None, None, True).ppf(u).astype(np.int64) - 1) % cnt
    else:
        k = np.minimum((u * cnt).astype(np.int64), cnt - 1)
    rows = (
        order[np.where(miss, 0, starts[c] + k)] if len(order) else np.zeros(len(c), dtype=np.int64)
    )
    return rows.astype(np.int64), miss


def _scatter_rows(n: int, idx: np.ndarray, rows: np.ndarray, prev: np.ndarray | None) -> np.ndarray:
    out = np.zeros(n, dtype=np.int64) if prev is None else prev
    out[idx] = rows
    return out


def _lookup(st: BlockState, name: str, f: Any, idx: np.ndarray | None) -> Col:
    """A field of the row a foreign key points to (regenerating that row's block)."""
    fk, table, field_name = st.ct.lookups[name]
    if table == st.ct.parent:
        col = st.parent_col(field_name)
        return col if idx is None else col.take(idx)
    key_col = st.cols[fk]
    rows = st.fk_rows.get(fk)
    m = st.n if idx is None else len(idx)
    if rows is None:
        return Col("num", np.zeros(m), np.ones(m, dtype=bool))
    rows = _sub(rows, idx)
    plan = st.ctx.plans[table]
    if plan._layout is not None and len(plan._layout):
        starts = plan._layout[:, 3]
        blocks = np.searchsorted(starts, rows, side="right") - 1
    else:
        blocks = rows // plan.block_size
    wanted = frozenset(st.ct_lookup_fields(table))
    parts = []
    for b in np.unique(blocks):
        sel = np.flatnonzero(blocks == b)
        pb = plan.block(int(b))
        cols = st.ctx.columns(st.spec, st.compiled, table, pb, st.seed, st.ctx, wanted)
        parts.append((sel, cols[field_name].take(rows[sel] - pb.start)))
    out = merge_subsets(m, parts) if parts else Col("num", np.zeros(0))
    kmask = _sub(key_col.null_mask(), idx)
    return out.with_mask(kmask)


def _text_field(
    st: BlockState,
    name: str,
    f: Any,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    m = st.n if idx is None else len(idx)
    if isinstance(f, StringField):
        if f.unique:
            rows = _sub(st.rows_global, idx)
            if len(rows) and int(rows.max()) >= pattern_combinations(f.pattern):
                raise ValueError(
                    f"pattern {f.pattern!r} has too few combinations for unique values"
                )
            return Col(
                "str",
                pattern_values(f.pattern, m, None, rows=rows.astype(np.uint64), key=st.key(name)),
            )
        return Col("str", pattern_values(f.pattern, m, rng))
    if isinstance(f, FirstNameField | NameField):
        sex_text = None
        if f.sex_field is not None:
            sex_text = st.col(f.sex_field).text()
            if idx is not None:
                sex_text = sex_text.take(idx)
        if isinstance(f, FirstNameField):
            return Col("str", ids.first_names(m, rng, f.sex, sex_text))
        full, first, last = ids.full_names_parts(m, rng, f.sex, sex_text)
        if idx is None:
            st.name_parts[name] = (first, last)
        return Col("str", full)
    if isinstance(f, LastNameField):
        return Col("str", ids.last_names(m, rng))
    if isinstance(f, EmailField):
        name_text = None
        parts = None
        if f.name_field is not None:
            source = st.col(f.name_field)
            if idx is None and source.mask is None and f.name_field in st.name_parts:
                parts = st.name_parts[f.name_field]
            else:
                name_text = source.text()
                if idx is not None:
                    name_text = name_text.take(idx)
        rows = _sub(st.rows_global, idx) if f.unique else None
        return Col(
            "str",
            ids.emails(m, rng, name_text=name_text, domains=f.domains, rows=rows, parts=parts),
        )
    if isinstance(f, PhoneField):
        return Col("str", pattern_values(f.pattern, m, rng))
    if isinstance(f, StreetAddressField):
        return Col("str", ids.street_addresses(m, rng))
    if isinstance(f, CityField):
        return Col("str", ids.cities(m, rng))
    if isinstance(f, StateField):
        return Col("str", ids.states(m, rng))
    if isinstance(f, PostcodeField):
        return Col("str", ids.postcodes(m, rng))
    if isinstance(f, AddressField):
        return Col("str", ids.addresses(m, rng))
    if isinstance(f, CountryField):
        return Col("str", ids.countries(m, rng, f.format))
    if isinstance(f, CompanyField):
        return Col("str", ids.companies(m, rng))
    if isinstance(f, IbanField):
        return Col("str", ids.ibans(m, rng, f.country))
    if isinstance(f, CardNumberField):
        rows = _sub(st.rows_global, idx) if f.unique else None
        return Col("str", ids.card_numbers(m, rng, f.brand, f.range == "test", rows, st.key(name)))
    if isinstance(f, RoutingNumberField):
        return Col("str", ids.routing_numbers(m, rng))
    if isinstance(f, Icd10Field):
        return Col("str", ids.icd10(m, rng, f.format))
    raise TypeError(f"no sampler for {f.type}")


def _empty(f: Any) -> Col:
    if isinstance(f, IntField | TimeField) or (isinstance(f, IdField) and f.strategy == "sequence"):
        return Col("num", np.zeros(0, dtype=np.int64))
    if isinstance(f, FloatField | DecimalField):
        return Col("num", np.zeros(0))
    if isinstance(f, BoolField):
        return Col("bool", np.zeros(0, dtype=bool))
    if isinstance(f, CategoryField):
        return Col("cat", np.zeros(0, dtype=np.int32), None, f.labels())
    if isinstance(f, DatetimeField | DateField):
        return Col("dt", np.zeros(0, dtype="datetime64[us]"))
    return Col("str", pa.array([], pa.string()))


def sample(
    st: BlockState,
    name: str,
    f: Any,
    idx: np.ndarray | None,
    rng: np.random.Generator,
    u: np.ndarray | None,
) -> Col:
    """The values of one field on rows ``idx`` (all when None), before nulls."""
    if (st.n if idx is None else len(idx)) == 0:
        return _empty(f)
    if isinstance(f, IntField | FloatField | DecimalField):
        return _numeric(st, name, f, idx, rng, u)
    if isinstance(f, BoolField):
        return _bool(st, name, f, idx, rng, u)
    if isinstance(f, CategoryField):
        return _category(st, name, f, idx, rng, u)
    if isinstance(f, DatetimeField | DateField):
        return _datetime(st, name, f, idx, rng, u)
    if isinstance(f, TimeField):
        return _time(st, name, f, idx, rng, u)
    if isinstance(f, IdField | UuidField):
        rows = _sub(st.rows_global, idx)
        return key_values(st, st.ct.name, name, f, rows)
    if isinstance(f, ForeignKeyField):
        return _foreign_key(st, name, f, idx, rng, u)
    if f.type == "lookup":
        return _lookup(st, name, f, idx)
    return _text_field(st, name, f, idx, rng, u)


__all__ += ["stable_key"]
