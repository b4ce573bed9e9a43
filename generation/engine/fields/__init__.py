"""Field types of the spec language: their models, samplers, patterns and identifier pools."""
