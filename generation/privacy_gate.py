"""The privacy gate: what a high attack-based verdict (evaluation/metrics/attacks.py) does to
the download of a model or evaluation job.

Modes (SYNDATA_PRIVACY_GATE, or a generate request's ``privacy_gate``):

- ``off``: nothing; the verdict is only shown.
- ``warn`` (default): a high verdict needs ``?acknowledge_privacy_risk=1`` on the download
  (else 409 ``privacy_risk`` with the reason). While the verdict is pending the download is
  served: the data was ready before its metrics, and warn never withholds it.
- ``block``: a high verdict refuses the download (403 ``privacy_blocked``); while the verdict
  is pending, 409 ``privacy_pending`` with Retry-After; when the metrics failed there is no
  verdict to pass, so 409 ``privacy_unknown``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from generation.models import Job
from syndata_site.errors import ApiError

__all__ = ["GATED_KINDS", "MODES", "download_check", "gate_mode", "gate_state", "record_verdict"]

MODES = ("off", "warn", "block")
GATED_KINDS = (Job.Kind.MODEL, Job.Kind.EVALUATION)
RETRY_AFTER = 5  # seconds: metrics of a bounded sample take seconds to a minute


def gate_mode(job: Job) -> str:
    return job.params.get("privacy_gate") or settings.SYNDATA_PRIVACY_GATE


def record_verdict(job: Job, document: dict[str, Any]) -> None:
    """Keep the verdict of a finished metrics document on the job (read by every status
    poll and download without loading the document)."""
    privacy = document.get("privacy") or {}
    verdict = privacy.get("verdict")
    high = [
        privacy["sentences"][name]
        for name, attack in (privacy.get("attacks") or {}).items()
        if attack.get("level") == "high" and name in (privacy.get("sentences") or {})
    ]
    where = f" (table {privacy['table']})" if privacy.get("table") else ""
    job.privacy = {
        "verdict": verdict,
        "reason": " ".join(high) + where if high else "",
    }
    Job.objects.filter(id=job.id).update(privacy=job.privacy)


def gate_state(job: Job) -> dict[str, Any] | None:
    """``{mode, verdict, passed, reason}`` for the job's JSON; None for jobs without one.
    ``passed`` is None while the verdict is pending (or could not be computed)."""
    if job.kind not in GATED_KINDS:
        return None
    mode = gate_mode(job)
    verdict = (job.privacy or {}).get("verdict")
    state = job.metrics_state
    if state != Job.MetricsStatus.READY:
        reason = (
            "the metrics failed, so there is no privacy verdict"
            if state == Job.MetricsStatus.FAILED
            else f"the privacy verdict is pending (metrics {state})"
        )
        return {"mode": mode, "verdict": None, "passed": None, "reason": reason}
    if verdict == "high":
        reason = job.privacy.get("reason") or "an attack found a high privacy risk"
        return {"mode": mode, "verdict": verdict, "passed": mode == "off", "reason": reason}
    reason = "no attack found a high risk" if verdict else "no attack could be measured"
    return {"mode": mode, "verdict": verdict, "passed": True, "reason": reason}


def download_check(job: Job, *, acknowledged: bool) -> None:
    """Raise the gate's answer for a download, or return when it may be served."""
    gate = gate_state(job)
    if gate is None or gate["mode"] == "off" or gate["passed"]:
        return
    mode, reason = gate["mode"], gate["reason"]
    if gate["passed"] is None:  # pending, or the metrics failed
        if mode != "block":
            return
        if job.metrics_state == Job.MetricsStatus.FAILED:
            raise ApiError(
                f"privacy gate (block): {reason}; the download stays refused",
                code="privacy_unknown",
                status_code=409,
            )
        raise ApiError(
            f"privacy gate (block): {reason}; ask again after Retry-After",
            code="privacy_pending",
            status_code=409,
            headers={"Retry-After": str(RETRY_AFTER)},
        )
    if mode == "block":
        raise ApiError(
            f"privacy gate (block): the download is refused: {reason}",
            code="privacy_blocked",
            status_code=403,
        )
    if not acknowledged:
        raise ApiError(
            f"privacy gate (warn): {reason} Download with ?acknowledge_privacy_risk=1 to "
            "accept the risk.",
            code="privacy_risk",
            status_code=409,
        )
