"""What this code base can fit: each synthesizer's licence and what it takes. Django-free.

``licence_clean`` answers whether a deployment offers no BSL-licensed synthesizer: then
nothing may import SDV, CTGAN, Copulas or RDT, and sdmetrics (which imports Copulas) is left
out too (the metrics compute their scores natively).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["SYNTHESIZERS", "licence_clean"]

#: Everything this code base can fit, with its licence and what it takes (``takes``: a single
#: table, sequences of metadata.sequence_key, related tables).
SYNTHESIZERS: dict[str, dict[str, Any]] = {
    "spec": {
        "title": "Syn-Data spec (learned spec + engine)",
        "license": "Syn-Data's own (no SDV)",
        "bsl": False,
        "epochs": False,
        # sequences: learned into the series language (sequence_fit.py)
        "takes": ["single_table", "sequences"],
    },
    "gaussian_copula": {
        "title": "SDV GaussianCopula",
        "license": "Business Source License 1.1 (SDV, Copulas, RDT)",
        "bsl": True,
        "epochs": False,
        "takes": ["single_table"],
    },
    "ctgan": {
        "title": "SDV CTGAN",
        "license": "Business Source License 1.1 (SDV, CTGAN, RDT)",
        "bsl": True,
        "epochs": True,
        "takes": ["single_table"],
    },
    "tvae": {
        "title": "SDV TVAE",
        "license": "Business Source License 1.1 (SDV, CTGAN, RDT)",
        "bsl": True,
        "epochs": True,
        "takes": ["single_table"],
    },
    "copulagan": {
        "title": "SDV CopulaGAN",
        "license": "Business Source License 1.1 (SDV, CTGAN, Copulas, RDT)",
        "bsl": True,
        "epochs": True,
        "takes": ["single_table"],
    },
    "par": {
        "title": "SDV PAR: sequences per entity (needs metadata.sequence_key)",
        "license": "Business Source License 1.1 (SDV, DeepEcho, RDT)",
        "bsl": True,
        "epochs": True,
        "takes": ["sequences"],
    },
    "hma": {
        "title": "SDV HMA: related tables (multi-table datasets)",
        "license": "Business Source License 1.1 (SDV, Copulas, RDT)",
        "bsl": True,
        "epochs": False,
        "takes": ["related_tables"],
    },
    "argn": {
        "title": (
            "TabularARGN (mostlyai-engine): deep model of single tables, sequences "
            "(metadata.sequence_key) and related tables"
        ),
        "license": "Apache-2.0 (mostlyai-engine)",
        "bsl": False,
        "epochs": True,
        "default_epochs": 100,
        "takes": ["single_table", "sequences", "related_tables"],
    },
    "auto": {
        "title": (
            "Auto: best holdout quality among the candidates within a time budget; "
            "hma (else argn) for related tables, par (else argn) for sequences"
        ),
        "license": "as the chosen candidate's",
        "bsl": False,
        "epochs": False,
        "takes": ["single_table", "sequences", "related_tables"],
    },
}


def licence_clean(offered: Iterable[str]) -> bool:
    """True when none of the ``offered`` synthesizers (SYNDATA_SYNTHESIZERS) is BSL."""
    return not any(SYNTHESIZERS.get(name, {}).get("bsl") for name in offered)
