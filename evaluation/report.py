"""The metrics document of a model job: quality, diagnostics, privacy and diversity against
the real table the model learned from."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings

from evaluation.metrics.attacks import LEVELS, attack_report, flatten_sequences
from evaluation.metrics.diversity import diversity_report
from evaluation.metrics.privacy import privacy_report
from evaluation.metrics.quality import (
    column_histograms,
    diagnostic_report,
    native_diagnostic_report,
    native_quality_report,
    quality_report,
)
from evaluation.sample import find_values, read_head, sample_statement
from generation.models import Job
from generation.synthesis import catalog

__all__ = [
    "attacks_of",
    "evaluation_metrics_document",
    "model_metrics_document",
    "privacy_summary",
]


def licence_clean() -> bool:
    """True when no BSL synthesizer is offered (SYNDATA_SYNTHESIZERS): then nothing here may
    import SDV, CTGAN, Copulas or RDT, and sdmetrics (which imports Copulas) is left out too."""
    return catalog.licence_clean(settings.SYNDATA_SYNTHESIZERS)


def _identifier_leaks(fitted: Any, frame: pd.DataFrame) -> dict[str, int]:
    leaks = {}
    for name, guard in fitted.guards.items():
        if name in frame.columns:
            values = frame[name].dropna()
            leaks[name] = int(guard.collides(values).sum()) if len(values) else 0
    return leaks


def model_metrics_document(job: Job, progress: Any = None) -> dict[str, Any]:
    """Quality (sdmetrics), diagnostics, privacy (exact copies, DCR vs holdout), diversity,
    each on bounded samples (``sample`` in the document says which); ``progress(share)``."""
    from generation.synthesis.fitted import load_fitted, row_hashes
    from generation.synthesis.model_producer import copies_dropped
    from generation.synthesis.models import SynthModel
    from generation.synthesis.tables import load_frame

    model = SynthModel.objects.select_related("dataset").get(id=job.params["model_id"])
    fitted = load_fitted(model.directory)
    meta = fitted.meta
    from generation.synthesis.relational import structure

    if structure(meta) == "tables":
        return _with_dp(
            _multi_table_document(job, model, fitted, progress or (lambda share: None)), model
        )
    metadata = model.dataset.metadata
    learned = meta["learned"]
    real_all = load_frame(model.dataset.absolute_path, metadata)
    holdout_index = meta.get("holdout_index") or []
    holdout = real_all.iloc[holdout_index].reset_index(drop=True)
    train = real_all.drop(index=holdout_index).reset_index(drop=True)
    cap = settings.SYNDATA_METRICS_SAMPLE_ROWS
    train = _at_most(train, cap, meta.get("sequence_key"))
    artifact = job.artifacts.exclude(table="").first()
    if artifact is None:
        raise ValueError("the job has no table artifact")
    synthetic = read_head(artifact.absolute_path, artifact.format, cap)
    sdtypes = {name: metadata["columns"][name]["sdtype"] for name in learned}
    quality, diagnostic = _scores(train[learned], synthetic[learned], metadata)
    privacy = _privacy(
        train, synthetic, holdout, learned, sdtypes, meta.get("holdout_note"), metadata
    )
    # Exact copies measured by the same hashes as the guard, over the whole real table.
    hashes = row_hashes(synthetic, learned, meta["columns"], meta["row_salt"])
    pos = np.minimum(np.searchsorted(fitted.row_set, hashes), max(0, fitted.row_set.size - 1))
    copies_left = int((fitted.row_set[pos] == hashes).sum()) if fitted.row_set.size else 0
    privacy["exact_copies_in_output"] = copies_left
    privacy["exact_copy_rate"] = copies_left / max(1, len(synthetic))
    privacy["exact_copies_dropped"] = copies_dropped(job)
    privacy["identifier_leaks"] = _identifier_leaks(fitted, synthetic)
    diversity = diversity_report(synthetic)
    table = artifact.table
    conditions = job.params.get("conditions") or []
    achieved = []
    for cond in conditions:
        col = (
            synthetic[cond["column"]]
            .astype(object)
            .map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
        )
        achieved.append({**cond, "achieved": float((col == cond["value"]).mean())})
    heat_cols = [c for c in learned if sdtypes[c] == "numerical"][:20]
    heatmap = None
    if len(heat_cols) >= 2:
        heatmap = {
            "columns": heat_cols,
            "real": _corr(train[heat_cols]),
            "synthetic": _corr(synthetic[heat_cols]),
        }
    document = {
        "job": str(job.id),
        "kind": "model",
        "model_id": str(model.id),
        "synthesizer": meta["chosen"],
        "sample": sample_statement(real=True),
        "summary": {
            "quality": quality["score"],
            "column_shapes": quality["column_shapes"],
            "column_pair_trends": quality["column_pair_trends"],
            "diagnostic": diagnostic["score"],
            "exact_copy_rate": privacy["exact_copy_rate"],
            "exact_copies_dropped": privacy["exact_copies_dropped"],
            "dcr_ratio": privacy["dcr_ratio"],
            "share_closer_than_holdout_p5": privacy["share_closer_than_holdout_p5"],
            "identifier_leaks": sum(privacy["identifier_leaks"].values()),
            "uniqueness_rate": diversity["uniqueness_rate"],
            "utility": quality["score"],
            "privacy_verdict": privacy["verdict"],
        },
        "privacy": privacy_summary({table: {"privacy": privacy}}),
        "tables": {
            table: {
                "rows_evaluated": len(synthetic),
                "real_rows": len(train),
                "quality": quality,
                "diagnostic": diagnostic,
                "privacy": privacy,
                "diversity": diversity,
                "conditions": achieved,
                "histograms": column_histograms(train[learned], synthetic[learned], metadata),
                "heatmap": heatmap,
            }
        },
    }
    if meta.get("sequence_key"):  # sequences: how they move in time, beside shapes and pairs
        real_rows = real_all.drop(index=holdout_index)
        temporal = _temporal(meta, real_rows, synthetic, sdtypes)
        document["tables"][table]["temporal"] = temporal
        document["summary"]["temporal"] = temporal["score"]
    return _with_dp(document, model)


def _with_dp(document: dict[str, Any], model: Any) -> dict[str, Any]:
    """A model document of a differentially private fit says what the fit spent."""
    dp = (model.metrics or {}).get("differential_privacy")
    if dp:
        document["differential_privacy"] = {
            k: dp[k] for k in ("epsilon", "delta", "epsilon_spent", "delta_spent") if k in dp
        }
    return document


def _temporal(
    meta: dict[str, Any], real: pd.DataFrame, synthetic: pd.DataFrame, sdtypes: dict[str, str]
) -> dict[str, Any]:
    """evaluation/metrics/temporal.py on whole real sequences (at most the metrics' cap of
    rows, entity by entity) and the synthetic head."""
    from evaluation.metrics.temporal import temporal_report

    key, index = meta["sequence_key"], meta.get("sequence_index")
    sizes = real.groupby(key, sort=False).size()
    keep = sizes.index[np.cumsum(sizes.to_numpy()) <= max(settings.SYNDATA_METRICS_SAMPLE_ROWS, 1)]
    real = real[real[key].isin(keep if len(keep) else sizes.index[:1])]
    return temporal_report(
        real,
        synthetic,
        key=key,
        index=index,
        numeric=[c for c, t in sdtypes.items() if t == "numerical" and c != index],
        categorical=[c for c, t in sdtypes.items() if t in ("categorical", "boolean")],
    )


def evaluation_metrics_document(job: Job, progress: Any = None) -> dict[str, Any]:
    """An uploaded synthetic table (evaluation/uploads.py) against its dataset's rows: the
    model document's quality, diagnostics, privacy and diversity, with a seeded holdout of
    the dataset's rows as the attacks' control (there was no fit to hold rows out of)."""
    from evaluation.sample import HOLDOUT_SHARE, evaluation_holdout_index, sample_statement
    from generation.synthesis.models import Dataset
    from generation.synthesis.tables import load_frame

    dataset = Dataset.objects.get(id=job.params["dataset_id"])
    metadata = dataset.metadata
    learned = [
        c for c, e in metadata["columns"].items() if e["sdtype"] != "id" and not e.get("identifier")
    ]
    sdtypes = {c: metadata["columns"][c]["sdtype"] for c in learned}
    real_all = load_frame(dataset.absolute_path, metadata)
    key = metadata.get("sequence_key")
    holdout_index = evaluation_holdout_index(len(real_all), job.seed, frame=real_all, key=key)
    holdout = real_all.iloc[holdout_index].reset_index(drop=True)
    cap = settings.SYNDATA_METRICS_SAMPLE_ROWS
    train = _at_most(real_all.drop(index=holdout_index).reset_index(drop=True), cap, key)
    artifact = job.artifacts.exclude(table="").first()
    if artifact is None:
        raise ValueError("the job has no table artifact")
    read = {**metadata, **(job.params.get("read") or {})}
    synthetic = load_frame(artifact.absolute_path, read).head(cap)
    unit = f"sequences of {key!r} (whole)" if key else "rows"
    note = (
        f"a seeded {HOLDOUT_SHARE:.0%} of the dataset's {unit} (seed {job.seed}; "
        "evaluation.sample.evaluation_holdout_index) is the control: the attacks are sound "
        "when the tool that made the data did not learn from those rows; one that learned "
        "every row makes them members too, and the attacks then under-state the risk"
    )
    quality, diagnostic = _scores(train[learned], synthetic[learned], metadata)
    (progress or (lambda share: None))(0.5)
    privacy = _privacy(train, synthetic, holdout, learned, sdtypes, None, metadata)
    privacy["holdout"] = note
    diversity = diversity_report(synthetic)
    table = artifact.table
    return {
        "job": str(job.id),
        "kind": "evaluation",
        "dataset_id": str(dataset.id),
        "sample": {**sample_statement(real=True), "holdout": note},
        "summary": {
            "quality": quality["score"],
            "column_shapes": quality["column_shapes"],
            "column_pair_trends": quality["column_pair_trends"],
            "diagnostic": diagnostic["score"],
            "exact_copy_rate": privacy["exact_copy_rate"],
            "dcr_ratio": privacy["dcr_ratio"],
            "share_closer_than_holdout_p5": privacy["share_closer_than_holdout_p5"],
            "uniqueness_rate": diversity["uniqueness_rate"],
            "utility": quality["score"],
            "privacy_verdict": privacy["verdict"],
        },
        "privacy": privacy_summary({table: {"privacy": privacy}}),
        "tables": {
            table: {
                "rows_evaluated": len(synthetic),
                "real_rows": len(train),
                "holdout_rows": len(holdout),
                **({"holdout_sequences": int(holdout[key].nunique())} if key else {}),
                "quality": quality,
                "diagnostic": diagnostic,
                "privacy": privacy,
                "diversity": diversity,
                "histograms": column_histograms(train[learned], synthetic[learned], metadata),
            }
        },
    }


def _at_most(frame: pd.DataFrame, cap: int, key: str | None = None) -> pd.DataFrame:
    """A seeded sample of ``cap`` rows, in their order (all of them when there are fewer);
    with an entity ``key`` (a sequence key, a child table's foreign key), whole entities of
    at most ``cap`` rows in all, so that each entity attacked has all its rows."""
    if len(frame) <= cap:
        return frame
    rng = np.random.default_rng(0)
    if key and key in frame.columns:
        keys = frame[key].astype(str)
        entities = keys.drop_duplicates().to_numpy()
        order = entities[rng.permutation(len(entities))]
        sizes = keys.value_counts().reindex(order).to_numpy()
        keep = order[: max(1, int(np.searchsorted(np.cumsum(sizes), cap, "right")))]
        return frame[keys.isin(keep)].reset_index(drop=True)
    return frame.iloc[np.sort(rng.choice(len(frame), cap, replace=False))].reset_index(drop=True)


def _scores(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The quality and diagnostic reports: sdmetrics', or (licence-clean: sdmetrics imports
    Copulas, BSL) the same scores computed here."""
    if licence_clean():
        return (
            native_quality_report(real, synthetic, metadata),
            native_diagnostic_report(real, synthetic, metadata),
        )
    return quality_report(real, synthetic, metadata), diagnostic_report(real, synthetic, metadata)


def _privacy(
    train: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    learned: list[str],
    sdtypes: dict[str, str],
    note: str | None,
    metadata: dict[str, Any] | None = None,
    entity_key: str | None = None,
) -> dict[str, Any]:
    """privacy_report on bounded samples: the synthetic head, five times as many training
    rows, the holdout (a seeded sample of it past the privacy cap: whole entities of
    ``entity_key``, or of the metadata's sequence key, when there is one). Without a holdout
    there is no baseline: the share is None and ``holdout`` says why (``note``). Then the
    attacks (``attacks``, ``verdict``, ``sentences``: :func:`attacks_of`)."""
    privacy_cap = settings.SYNDATA_PRIVACY_SAMPLE_ROWS
    key = entity_key or (metadata or {}).get("sequence_key")
    # the descendants of held-out root rows can be many
    holdout = _at_most(holdout, privacy_cap, key)
    attacks = attacks_of(train, holdout, synthetic, learned, sdtypes, metadata or {}, key)
    privacy = privacy_report(
        train.head(privacy_cap * 5)[learned],
        synthetic.head(privacy_cap)[learned],
        holdout[learned],
        sdtypes,
    )
    if not len(holdout):
        privacy["share_closer_than_holdout_p5"] = None
        privacy["holdout"] = note or "no holdout: the fit learned every real row"
    elif privacy["dcr_ratio"] is None:
        privacy["holdout"] = (
            "no dcr_ratio: the median held-out row equals a training row on every learned "
            "column (the real table repeats its rows), so a copy is as close as a fresh real row"
        )
    privacy.update(attacks)
    return privacy


def attacks_of(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    learned: list[str],
    sdtypes: dict[str, str],
    metadata: dict[str, Any],
    entity_key: str | None = None,
) -> dict[str, Any]:
    """The attack-based risks of one table, with the attacker's knowledge from the table's
    metadata (``quasi_identifiers``, ``sensitive``; detected where absent), bounded and
    thresholded by the deployment's settings. Listed columns that were not learned (keys,
    identifiers) are left out, and ``quasi_identifiers_note`` says so. The rows of one
    entity (``entity_key``: a child table's foreign key; else the sequence key) are
    attacked as one person, flattened."""
    quasi = [c for c in metadata.get("quasi_identifiers") or [] if c in learned]
    sensitive = [c for c in metadata.get("sensitive") or [] if c in learned]
    dropped = [
        c
        for c in (metadata.get("quasi_identifiers") or []) + (metadata.get("sensitive") or [])
        if c not in learned
    ]
    level = (settings.SYNDATA_PRIVACY_MEDIUM, settings.SYNDATA_PRIVACY_HIGH)
    key = entity_key or metadata.get("sequence_key")
    frames = [train, holdout if len(holdout) else train.head(0), synthetic]
    if key and all(key in f.columns for f in frames):  # attack entities, not their rows
        flat = [flatten_sequences(f, key, sdtypes) for f in frames]
        frames, sdtypes = [f for f, _ in flat], flat[0][1]
        learned = list(sdtypes)
    else:
        frames = [f[learned] for f in frames]
    report = attack_report(
        *frames,
        sdtypes,
        quasi_identifiers=quasi or None,
        sensitive=sensitive or None,
        thresholds={
            name: level for name in ("membership_inference", "attribute_inference", "singling_out")
        },
        sample_rows=settings.SYNDATA_PRIVACY_ATTACK_ROWS,
        synthetic_rows=settings.SYNDATA_PRIVACY_SAMPLE_ROWS,
        budget_seconds=settings.SYNDATA_PRIVACY_ATTACK_SECONDS,
    )
    if key and "sequence_length" in sdtypes:
        report["entities"] = (
            f"one row per {key} (its rows flattened: means, modes, the number of rows)"
        )
    if dropped:
        report["quasi_identifiers_note"] = (
            f"not attacked (not learned: keys, identifiers or skipped columns): {dropped}"
        )
    return report


def privacy_summary(tables: dict[str, Any]) -> dict[str, Any]:
    """The document's ``privacy``: the worst table's attacks and verdict (a single table's
    own), and each table's verdict."""
    ranked = [
        (LEVELS.index(t["privacy"]["verdict"]), name)
        for name, t in tables.items()
        if (t.get("privacy") or {}).get("verdict")
    ]
    if not ranked:  # nothing measured: say why (the first table's skipped attacks)
        first = next((t["privacy"] for t in tables.values() if "attacks" in t["privacy"]), {})
        return {
            "verdict": None,
            "sentences": first.get("sentences", {}),
            "attacks": first.get("attacks", {}),
        }
    _, worst = max(ranked)
    privacy = tables[worst]["privacy"]
    return {
        "verdict": privacy["verdict"],
        "sentences": privacy["sentences"],
        "attacks": privacy["attacks"],
        "table": worst,
        "tables": {name: tables[name]["privacy"]["verdict"] for _, name in ranked},
        "quasi_identifiers_source": privacy.get("quasi_identifiers_source"),
    }


def _multi_table_document(job: Job, model: Any, fitted: Any, progress: Any) -> dict[str, Any]:
    """Per table: quality and diagnostic against the rows the model learned, exact copies,
    distance to closest record against its held-out rows (the root rows held out of the fit
    and their descendants), identifier leaks, diversity; and referential integrity (share of
    child keys that are keys of a synthetic parent)."""
    from generation.synthesis.fitted import load_fitted, row_hashes
    from generation.synthesis.model_producer import copies_dropped
    from generation.synthesis.relational import drop_orphans
    from generation.synthesis.tables import load_frame

    meta = fitted.meta
    metadata = model.dataset.metadata
    cap = settings.SYNDATA_METRICS_SAMPLE_ROWS
    artifacts = {a.table: a for a in job.artifacts.exclude(table="")}
    full: dict[str, pd.DataFrame] = {}
    tables: dict[str, Any] = {}
    # The rows the fit saw: orphans dropped as the fit dropped them (each frame keeps its
    # rows' positions in the table, which is what holdout_index names), holdout apart.
    real_all = {
        t: load_frame(
            model.dataset.directory / metadata["tables"][t]["file"], metadata["tables"][t]
        )
        for t in meta["order"]
    }
    fitted_rows, _ = drop_orphans(real_all, meta["relationships"], meta["order"])
    # a child table's person is its parent row: its rows are attacked as one entity
    entity = {r["child_table"]: r["child_foreign_key"] for r in meta["relationships"]}
    for name in meta["order"]:
        table_fitted = load_fitted(model.directory / "tables" / name)
        learned = table_fitted.meta["learned"]
        tmeta = metadata["tables"][name]
        artifact = artifacts.get(name)
        if artifact is None:
            continue
        synthetic = read_head(artifact.absolute_path, artifact.format, cap)
        full[name] = synthetic
        holdout_index = table_fitted.meta.get("holdout_index") or []
        holdout = real_all[name].iloc[holdout_index].reset_index(drop=True)
        train = fitted_rows[name].drop(index=holdout_index).reset_index(drop=True)
        train = _at_most(train, cap, entity.get(name))
        entry: dict[str, Any] = {
            "rows_evaluated": len(synthetic),
            "real_rows": len(train),
            "holdout_rows": len(holdout),
        }
        sdtypes = {c: tmeta["columns"][c]["sdtype"] for c in learned}
        privacy: dict[str, Any] = {"dcr_ratio": None, "share_closer_than_holdout_p5": None}
        if learned and len(synthetic):
            entry["quality"], entry["diagnostic"] = _scores(
                train[learned], synthetic[learned], tmeta
            )
            entry["histograms"] = column_histograms(train[learned], synthetic[learned], tmeta)
            note = table_fitted.meta.get("holdout_note")
            if note is None and "holdout_index" in table_fitted.meta:  # else: fitted before
                note = f"no holdout: none of the held-out root rows has a row in {name}"
            privacy = _privacy(
                train, synthetic, holdout, learned, sdtypes, note, tmeta, entity.get(name)
            )
        elif not learned:
            privacy["holdout"] = f"no distance to closest record: {name} has no learned column"
        hashes = row_hashes(
            synthetic, learned, table_fitted.meta["columns"], table_fitted.meta["row_salt"]
        )
        row_set = table_fitted.row_set
        pos = np.minimum(np.searchsorted(row_set, hashes), max(0, row_set.size - 1))
        copies = int((row_set[pos] == hashes).sum()) if row_set.size else 0
        privacy["exact_copies_in_output"] = copies
        privacy["exact_copy_rate"] = copies / max(1, len(synthetic))
        privacy["identifier_leaks"] = _identifier_leaks(table_fitted, synthetic)
        entry["privacy"] = privacy
        entry["diversity"] = diversity_report(synthetic)
        tables[name] = entry
        progress(len(tables) / (len(meta["order"]) + 1))
    integrity = {}
    for rel in meta["relationships"]:
        child, parent = rel["child_table"], rel["parent_table"]
        if child in full and parent in full:
            artifact = artifacts[parent]
            fk = full[child][rel["child_foreign_key"]].astype(str)
            # The sampled child keys looked up in the parent's key column, not the whole
            # parent table read: bounded memory, and a scan that stops once all are found.
            found = find_values(
                artifact.absolute_path, artifact.format, rel["parent_primary_key"], set(fk)
            )
            integrity[f"{child}.{rel['child_foreign_key']}"] = (
                float(fk.isin(found).mean()) if len(fk) else 1.0
            )
    qualities = [t["quality"]["score"] for t in tables.values() if "quality" in t]
    diagnostics = [t["diagnostic"]["score"] for t in tables.values() if "diagnostic" in t]
    ratios = [t["privacy"]["dcr_ratio"] for t in tables.values()]
    shares = [t["privacy"]["share_closer_than_holdout_p5"] for t in tables.values()]
    return {
        "job": str(job.id),
        "kind": "model",
        "model_id": str(model.id),
        "synthesizer": fitted.meta["chosen"],
        "sample": sample_statement(real=True),
        "summary": {
            "quality": float(np.mean(qualities)) if qualities else None,
            "utility": float(np.mean(qualities)) if qualities else None,
            # the worst table: the lowest validity, the closest to its training rows
            "diagnostic": min(diagnostics, default=None),
            "dcr_ratio": min((r for r in ratios if r is not None), default=None),
            "share_closer_than_holdout_p5": max((v for v in shares if v is not None), default=None),
            "exact_copy_rate": max(
                (t["privacy"]["exact_copy_rate"] for t in tables.values()), default=0.0
            ),
            "exact_copies_dropped": copies_dropped(job),
            "identifier_leaks": sum(
                sum(t["privacy"]["identifier_leaks"].values()) for t in tables.values()
            ),
            "uniqueness_rate": min(
                (t["diversity"]["uniqueness_rate"] for t in tables.values()), default=None
            ),
            "referential_integrity": min(integrity.values(), default=1.0),
            "privacy_verdict": privacy_summary(tables)["verdict"],
        },
        "referential_integrity": integrity,
        "orphans_dropped_in_fit": meta.get("orphans", {}),
        "privacy": privacy_summary(tables),
        "tables": tables,
    }


def _corr(frame: pd.DataFrame) -> list[list[float | None]]:
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    corr = numeric.corr(method="spearman").to_numpy()
    return [[None if np.isnan(v) else round(float(v), 4) for v in row] for row in corr]
