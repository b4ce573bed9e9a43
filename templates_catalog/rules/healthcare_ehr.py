"""healthcare_ehr: what a clinician or health-data analyst checks first."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from templates_catalog.rules import Rule, Tables

ICD10 = r"[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?|U07\.1"


def _mrn(t: Tables, _: dict[str, Any]) -> int:
    mrn = t["patients"]["mrn"]
    return int((~mrn.str.fullmatch(r"MRN[1-9]\d{7}") | mrn.duplicated()).sum())


def _icd10(t: Tables, _: dict[str, Any]) -> int:
    bad = (~t["diagnoses"]["code"].str.fullmatch(ICD10)).sum()
    ind = t["medications"]["indication"]
    bad += (~ind.str.fullmatch(ICD10) & ind.ne("acute")).sum()
    return int(bad)


def _within_life(t: Tables, _: dict[str, Any]) -> int:
    enc = t["encounters"].merge(t["patients"][["patient_id", "birth_date"]], on="patient_id")
    bad = enc["admitted_at"] < pd.to_datetime(enc["birth_date"])
    bad |= enc["discharged_at"] < enc["admitted_at"]
    return int(bad.sum())


def _during_encounter(t: Tables, _: dict[str, Any]) -> int:
    enc = t["encounters"][["encounter_id", "admitted_at", "discharged_at"]]
    bad = 0
    for table, col in (("labs", "collected_at"), ("vitals", "measured_at")):
        m = t[table][["encounter_id", col]].merge(enc, on="encounter_id")
        bad += int(((m[col] < m["admitted_at"]) | (m[col] > m["discharged_at"])).sum())
    return bad


def _expected_height_cm(age: np.ndarray) -> np.ndarray:
    """CDC growth-chart medians, roughly: 50 cm at birth, 75 at 1, 87 at 2, +6 cm a year."""
    return np.clip(
        np.where(
            age < 1, 50 + 25 * age, np.where(age < 2, 75 + 12 * (age - 1), 87 + 6 * (age - 2))
        ),
        50,
        176,
    )


def _vitals(t: Tables, _: dict[str, Any]) -> int:
    v = t["vitals"].merge(t["encounters"][["encounter_id", "patient_id"]], on="encounter_id")
    v = v.merge(t["patients"][["patient_id", "birth_date"]], on="patient_id")
    age = ((v["measured_at"] - pd.to_datetime(v["birth_date"])).dt.days / 365.25).to_numpy()
    bad = ~v["systolic_mmhg"].between(70, 230) & v["systolic_mmhg"].notna()
    bad |= ~v["spo2_pct"].between(80, 100) & v["spo2_pct"].notna()
    bad |= ~v["temperature_c"].between(34, 42) & v["temperature_c"].notna()
    bad |= ~v["heart_rate_bpm"].between(30, 220) & v["heart_rate_bpm"].notna()
    bad |= ~v["respiratory_rate"].between(6, 60) & v["respiratory_rate"].notna()
    bp = v["systolic_mmhg"].notna() & v["diastolic_mmhg"].notna()
    bad |= bp & (v["diastolic_mmhg"] >= v["systolic_mmhg"])
    # Height for age: within 30% of the growth-chart median (children), 130-215 cm (adults).
    h = v["height_cm"].to_numpy()
    exp = _expected_height_cm(age)
    child = age < 16
    bad |= v["height_cm"].notna() & np.where(
        child, np.abs(h - exp) > 0.3 * exp, (h < 130) | (h > 215)
    )
    bmi = v["weight_kg"] / (v["height_cm"] / 100) ** 2
    bad |= v["bmi"].notna() & ((bmi - v["bmi"]).abs() > 0.35)
    return int(bad.sum())


def _lab_flags(t: Tables, _: dict[str, Any]) -> int:
    labs = t["labs"][t["labs"]["value"].notna()]
    high = labs["value"] > labs["ref_high"]
    low = labs["value"] < labs["ref_low"]
    flag = labs["flag"].fillna("")
    bad = (flag == "H") & ~high | (flag == "L") & ~low
    return int(bad.sum())


# Drug -> the conditions it may be prescribed for in this template.
INDICATIONS = {
    "metformin": {"E11.9"},
    "glipizide": {"E11.9"},
    "empagliflozin": {"E11.9"},
    "insulin glargine": {"E11.9"},
    "semaglutide": {"E11.9", "E66.9"},
    "atorvastatin": {"E78.5"},
    "rosuvastatin": {"E78.5"},
    "simvastatin": {"E78.5"},
    "lisinopril": {"I10"},
    "amlodipine": {"I10"},
    "hydrochlorothiazide": {"I10"},
    "metoprolol": {"I10"},
    "losartan": {"I10", "N18.30"},
    "furosemide": {"N18.30"},
    "sodium bicarbonate": {"N18.30"},
    "albuterol": {"J45.909", "J44.9"},
    "tiotropium": {"J44.9"},
    "fluticasone-salmeterol": {"J45.909", "J44.9"},
    "montelukast": {"J45.909"},
    "sertraline": {"F32.9"},
    "escitalopram": {"F32.9"},
    "fluoxetine": {"F32.9"},
    "bupropion": {"F32.9"},
    "orlistat": {"E66.9"},
    "phentermine": {"E66.9"},
    # Cystic fibrosis (0.012% of patients): absent from the first map, so these orders counted
    # as violations in large samples only.
    "dornase alfa": {"E84.0"},
    "elexacaftor-tezacaftor-ivacaftor": {"E84.0"},
}


def _drugs(t: Tables, _: dict[str, Any]) -> int:
    m = t["medications"]
    allowed = m["drug"].map(INDICATIONS)
    chronic = allowed.notna()
    ok = [ind in a for ind, a in zip(m.loc[chronic, "indication"], allowed[chronic], strict=True)]
    bad = int((~np.array(ok, dtype=bool)).sum()) if ok else 0
    return bad + int((~chronic & m["indication"].ne("acute")).sum())


RULES = {
    "mrn_unique": Rule("MRNs are unique and look like `MRN` + 8 digits.", _mrn),
    "icd10_valid": Rule(
        "Diagnosis and indication codes are well-formed ICD-10(-CM) codes (letter, two "
        "characters, optional dot and up to 4 more).",
        _icd10,
    ),
    "encounters_within_life": Rule(
        "Encounters begin after the patient's birth and end after they begin.", _within_life
    ),
    "measured_during_encounter": Rule(
        "Labs and vitals are taken between admission and discharge.", _during_encounter
    ),
    "vitals_plausible_by_age": Rule(
        "Vitals are physiological (systolic 70-230 mmHg above diastolic, SpO2 80-100%, "
        "34-42 °C, 30-220 bpm, 6-60 breaths/min); height fits the age (within 30% of the CDC "
        "growth-chart median under 16, 130-215 cm for adults); BMI = weight / height².",
        _vitals,
    ),
    "lab_flags_agree": Rule(
        "An H (L) flag means the value is above (below) its reference range.", _lab_flags
    ),
    "drugs_match_indications": Rule(
        "Each chronic drug is prescribed only for the conditions it treats (metformin for "
        "E11.9, statins for E78.5, inhalers for J45/J44 ...); acute drugs carry `acute`.",
        _drugs,
    ),
}
