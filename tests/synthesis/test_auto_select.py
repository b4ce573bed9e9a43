"""auto's choice on its own, in milliseconds: the fit function, the clock and the sampler are
stand-ins, so what is tested is the choice (best holdout score, time budget, failures)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from generation.synthesis import auto

FRAME = pd.DataFrame({"x": np.arange(200, dtype=float), "c": ["a", "b"] * 100})
META = {"columns": {"x": {"sdtype": "numerical"}, "c": {"sdtype": "categorical"}}}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Candidates:
    """Each candidate's quality, how long its fit takes (s) and how it fails, if it does."""

    def __init__(self, clock: Clock, plan: dict[str, dict[str, Any]]) -> None:
        self.clock, self.plan, self.current, self.fitted = clock, plan, "", []

    def fit_one(self, cand: str, train: pd.DataFrame, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.current = cand
        self.fitted.append(cand)
        spec = self.plan[cand]
        if "error" in spec:
            raise RuntimeError(spec["error"])
        epochs = spec.get("epochs", 0)
        for done in range(1, epochs + 1):  # an epoch synthesizer's callback, as SDV calls it
            self.clock.now += spec["seconds"] / epochs
            if kwargs["progress"](done, epochs):
                break
        if not epochs:
            self.clock.now += spec["seconds"]
        return {"payload_bytes": cand.encode()}

    def score_of(self, real: pd.DataFrame, synthetic: pd.DataFrame, meta: Any) -> dict[str, Any]:
        return {"score": self.plan[self.current]["quality"]}


@pytest.fixture(autouse=True)
def _stand_in_sampler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auto, "make_sampler", lambda fitted: lambda n, seed, c: FRAME.head(n))


def choose(plan: dict[str, dict[str, Any]], budget_s: float = 100.0) -> tuple[str, dict, Any]:
    clock = Clock()
    cands = Candidates(clock, plan)
    chosen, scores = auto.auto_select(
        FRAME,
        META,
        ["x", "c"],
        candidates=list(plan),
        epochs=10,
        seed=1,
        table="t",
        budget_s=budget_s,
        holdout_share=0.2,
        score_of=cands.score_of,
        fit_one=cands.fit_one,
        clock=clock,
    )
    return chosen, scores, cands


def test_the_best_holdout_score_wins() -> None:
    chosen, scores, _ = choose(
        {
            "spec": {"quality": 0.81, "seconds": 1},
            "gaussian_copula": {"quality": 0.93, "seconds": 1},
            "tvae": {"quality": 0.88, "seconds": 2, "epochs": 10},
        }
    )
    assert chosen == "gaussian_copula" and scores["chosen"] == "gaussian_copula"
    assert {c: scores[c]["quality"] for c in ("spec", "gaussian_copula", "tvae")} == {
        "spec": 0.81,
        "gaussian_copula": 0.93,
        "tvae": 0.88,
    }
    assert scores["tvae"]["epochs_done"] == 10 and "stopped" not in scores["tvae"]


def test_the_budget_stops_a_training_candidate_and_skips_the_rest() -> None:
    chosen, scores, cands = choose(
        {
            "spec": {"quality": 0.80, "seconds": 10},
            "ctgan": {"quality": 0.85, "seconds": 100, "epochs": 10},  # would end at 110 s
            "tvae": {"quality": 0.99, "seconds": 1},
        },
        budget_s=50,
    )
    assert scores["ctgan"]["epochs_done"] == 4  # 10 s + 4 x 10 s: the budget is spent
    assert scores["ctgan"]["stopped"] == "time budget of 50s spent after 4 of 10 epochs"
    assert scores["tvae"] == {"skipped": "time budget of 50s spent before it started"}
    assert cands.fitted == ["spec", "ctgan"]
    assert chosen == "ctgan"  # scored as it was when it stopped


def test_a_failing_candidate_is_reported_and_another_wins() -> None:
    chosen, scores, _ = choose(
        {"argn": {"error": "out of memory"}, "spec": {"quality": 0.7, "seconds": 1}}
    )
    assert chosen == "spec"
    assert scores["argn"]["outcome"] == "failed"
    assert scores["argn"]["error"] == "RuntimeError: out of memory"


def test_every_candidate_failing_is_an_error_naming_them() -> None:
    with pytest.raises(ValueError, match="argn: RuntimeError: a; spec: RuntimeError: b"):
        choose({"argn": {"error": "a"}, "spec": {"error": "b"}})


def test_the_first_candidate_runs_even_past_the_budget() -> None:
    chosen, scores, _ = choose({"spec": {"quality": 0.5, "seconds": 999}}, budget_s=1)
    assert chosen == "spec" and scores["spec"]["outcome"] == "scored"
