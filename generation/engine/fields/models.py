"""The field types of the spec language (``"type": ...``) and their knobs."""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from generation.engine._model import Model
from generation.engine.distributions.models import DISCRETE_KINDS, DRIFTABLE_KINDS, Dist
from generation.engine.fields.signal_models import (
    Signal,
)
from generation.engine.timeutil import parse_datetime_seconds, parse_time_seconds

__all__ = [
    "CASE_FORBIDDEN",
    "NUMERIC_TYPES",
    "TEXT_POOL_TYPES",
    "FieldSpec",
    "default_key",
    "key_field_ok",
]

MAX_CATEGORIES = 100_000
MAX_CASES = 1000
NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,63}$"
CASE_FORBIDDEN = frozenset(
    {"type", "conditional", "expr", "hidden", "unique", "description", "not_null", "signal"}
)


class Conditional(Model):
    on: str | list[str] = Field(..., description="Field(s) whose value picks the case.")
    cases: dict[str, dict[str, Any]] = Field(
        ..., description="Value -> overrides of sampling keys."
    )

    @field_validator("on")
    @classmethod
    def _on(cls, v: str | list[str]) -> str | list[str]:
        if isinstance(v, list) and not 1 <= len(v) <= 4:
            raise ValueError("must name 1 to 4 fields")
        return v

    @field_validator("cases")
    @classmethod
    def _cases(cls, v: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        if not v:
            raise ValueError("must have at least one case")
        if len(v) > MAX_CASES:
            raise ValueError(f"at most {MAX_CASES} cases")
        return v

    @property
    def on_fields(self) -> list[str]:
        return [self.on] if isinstance(self.on, str) else list(self.on)


class Noise(Model):
    sd: float | None = Field(None, ge=0, description="Additive normal noise (field units).")
    relative: float | None = Field(None, ge=0, le=10, description="Multiplicative noise sd.")
    flip: float | None = Field(None, ge=0, le=1, description="Share of labels changed.")


class Outliers(Model):
    rate: float = Field(..., ge=0, le=1)
    scale: float = Field(5.0, description="Outliers lie scale x as far from the median.")
    value: float | None = Field(None, description="A sentinel value instead.")


class Drift(Model):
    to: dict[str, Any] = Field(..., description="Parameter (or weight) values at the end.")
    by: str = Field("row", description="'row' or a datetime/date field.")
    shape: Literal["linear", "step"] = "linear"
    at: float = Field(0.5, ge=0, le=1, description="Where a step happens (0..1).")


class Markov(Model):
    transitions: dict[str, dict[str, float]] = Field(
        ...,
        description="Per state: the weights of the next row's state (series tables); the "
        "first row of each entity draws from values.",
    )

    @field_validator("transitions")
    @classmethod
    def _transitions(cls, v: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
        if not v:
            raise ValueError("must name at least one state")
        if len(v) > 200:
            raise ValueError("at most 200 states")
        for state, row in v.items():
            if any(w < 0 for w in row.values()) or sum(row.values()) <= 0:
                raise ValueError(f"{state}: weights must be >= 0 and sum to > 0")
        return v


class _Base(Model):
    nulls: float = Field(0.0, ge=0, le=1, description="Share of nulls (sparsity).")
    not_null: bool = False
    hidden: bool = Field(False, description="Computed and usable, but not written out.")
    description: str | None = Field(None, max_length=2000)
    conditional: Conditional | None = None
    expr: str | None = Field(None, max_length=2000, description="Derived: an expression.")

    @model_validator(mode="after")
    def _base_check(self) -> _Base:
        if self.not_null and self.nulls > 0:
            raise ValueError("nulls: must be 0 when not_null is true")
        if self.expr is not None and self.conditional is not None:
            raise ValueError("conditional: not allowed on a derived (expr) field")
        return self

    def sampling_keys_set(self) -> set[str]:
        return set(self.model_fields_set) - {
            "nulls",
            "not_null",
            "hidden",
            "description",
            "expr",
            "type",
        }


# --- numbers ------------------------------------------------------------------------------
class _Numeric(_Base):
    dist: Dist | None = None
    min: float | None = None
    max: float | None = None
    noise: Noise | None = None
    outliers: Outliers | None = None
    drift: Drift | None = None
    signal: Signal | None = None
    step: float | None = Field(
        None, gt=0, le=1e15, description="Values are multiples of step (0.5, 100, 0.02)."
    )

    @model_validator(mode="after")
    def _numeric_check(self) -> _Numeric:
        if self.min is not None and self.max is not None and not self.max > self.min:
            raise ValueError("max: must be > min")
        bounded = self.step is not None and self.min is not None and self.max is not None
        if bounded and math.floor(self.max / self.step) < math.ceil(self.min / self.step):
            raise ValueError("step: no multiple of step lies between min and max")
        if self.noise is not None and self.noise.flip is not None:
            raise ValueError("noise.flip: only for category and bool fields; use sd or relative")
        if self.drift is not None:
            if self.dist is None or self.dist.kind not in DRIFTABLE_KINDS:
                raise ValueError(f"drift: needs a dist of kind {sorted(DRIFTABLE_KINDS)}")
            params = set(self.dist.model_dump()) - {"kind"}
            for key, value in self.drift.to.items():
                if key not in params:
                    raise ValueError(
                        f"drift.to.{key}: not a parameter of {self.dist.kind}; use {sorted(params)}"
                    )
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise ValueError(f"drift.to.{key}: must be a number")
        if self.outliers is not None and self.outliers.value is not None:
            v = self.outliers.value
            if (self.min is not None and v < self.min) or (self.max is not None and v > self.max):
                raise ValueError("outliers.value: must lie within min and max")
        if self.expr is not None and (self.dist is not None or self.signal is not None):
            raise ValueError("expr: a derived field takes no dist or signal")
        if self.signal is not None and self.dist is not None and self.drift is not None:
            raise ValueError("drift: a signal field with a dist takes no drift")
        return self

    def default_dist(self, integer: bool) -> Any:
        from generation.engine.distributions.models import Uniform

        if self.dist is not None:
            return self.dist
        if self.min is not None and self.max is not None and self.max > self.min:
            if integer:
                return Uniform(kind="uniform", low=self.min - 0.5, high=self.max + 0.5)
            return Uniform(kind="uniform", low=self.min, high=self.max)
        if self.min is not None and self.max is not None:
            from generation.engine.distributions.models import Constant

            return Constant(kind="constant", value=self.min)
        return Uniform(kind="uniform", low=0.0, high=100.0 if integer else 1.0)


class IntField(_Numeric):
    type: Literal["int"]
    unique: bool = Field(
        False, description="A seeded permutation of the row index onto [min, max]."
    )

    @model_validator(mode="after")
    def _int_check(self) -> IntField:
        if self.unique:
            if self.min is None or self.max is None:
                raise ValueError("unique: needs both min and max")
            if self.dist is not None or self.drift is not None or self.signal is not None:
                raise ValueError("unique: a unique int is a permutation; it takes no dist")
            if self.nulls > 0 or self.noise is not None or self.outliers is not None:
                raise ValueError("unique: takes no nulls, noise or outliers")
            if self.step is not None:
                raise ValueError("step: a unique int takes no step")
        if self.step is not None and self.step != int(self.step):
            raise ValueError("step: must be a whole number on an int field")
        return self


class FloatField(_Numeric):
    type: Literal["float"]
    precision: int | None = Field(None, ge=0, le=12, description="Decimal places kept.")

    @model_validator(mode="after")
    def _float_check(self) -> FloatField:
        if self.dist is not None and self.dist.kind in DISCRETE_KINDS:
            pass  # allowed: a float column of counts
        return self


class DecimalField(_Numeric):
    type: Literal["decimal", "money"]
    scale: int = Field(2, ge=0, le=18, description="Digits after the point.")
    digits: int = Field(18, ge=1, le=38, description="Total digits.")
    currency: str | None = Field(None, max_length=8)

    @model_validator(mode="after")
    def _decimal_check(self) -> DecimalField:
        if self.scale >= self.digits:
            raise ValueError("scale: must be < digits")
        if self.type == "money" and self.scale != 2:
            raise ValueError("scale: money has scale 2; use type decimal for another scale")
        return self


# --- bool and category --------------------------------------------------------------------
class BoolField(_Base):
    type: Literal["bool"]
    p: float = Field(0.5, ge=0, le=1, description="Probability of true.")
    upsample: float | None = Field(None, gt=0, le=1e6, description="Multiplies the odds of true.")
    noise: Noise | None = None
    drift: Drift | None = None

    @model_validator(mode="after")
    def _check(self) -> BoolField:
        if self.noise is not None and (
            self.noise.sd is not None or self.noise.relative is not None
        ):
            raise ValueError("noise: bool fields take only flip")
        if self.drift is not None:
            for key, value in self.drift.to.items():
                if key != "p":
                    raise ValueError(f"drift.to.{key}: a bool drifts only p")
                if (
                    isinstance(value, bool)
                    or not isinstance(value, int | float)
                    or not 0 <= value <= 1
                ):
                    raise ValueError("drift.to.p: must be a number in [0, 1]")
        return self

    def probability(self) -> float:
        p = self.p
        if self.upsample is not None and 0 < p < 1:
            odds = p / (1 - p) * self.upsample
            p = odds / (1 + odds)
        return p


def _label(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class CategoryField(_Base):
    type: Literal["category"]
    values: dict[str, float] | list[str | int | float | bool] | None = Field(
        None, description="Weights by value (normalised), or a list of values."
    )
    dist: Dist | None = Field(
        None, description="With a list of values: zipf or geometric weights by rank."
    )
    upsample: dict[str, float] | None = None
    balance: bool = False
    noise: Noise | None = None
    drift: Drift | None = None
    signal_events: list[str] | None = Field(
        None, min_length=1, max_length=20, description="Label the anomalies of these signals."
    )
    markov: Markov | None = Field(None, description="State runs: a Markov chain per entity.")

    @model_validator(mode="after")
    def _check_values(self) -> CategoryField:
        if self.signal_events is not None:
            if self.values is not None or self.expr is not None:
                raise ValueError(
                    "signal_events: takes no values or expr (labels: spike, stuck, dropout)"
                )
            return self
        if self.values is None:
            if self.expr is None:
                raise ValueError("values: is required (or give expr)")
            return self
        if len(self.values) == 0:
            raise ValueError("values: must name at least one value")
        if self.markov is not None:
            known = set(self.labels())
            for state, row in self.markov.transitions.items():
                for label in [state, *row]:
                    if label not in known:
                        raise ValueError(f"markov.transitions.{state}: {label!r} is not a value")
            if self.drift is not None or self.balance or self.upsample:
                raise ValueError("markov: takes no drift, balance or upsample")
        if len(self.values) > MAX_CATEGORIES:
            raise ValueError(f"values: at most {MAX_CATEGORIES} values")
        if isinstance(self.values, dict):
            if any(w < 0 for w in self.values.values()):
                raise ValueError("values: weights must be >= 0")
            if sum(self.values.values()) <= 0:
                raise ValueError("values: weights must sum to > 0")
            if self.dist is not None:
                raise ValueError("dist: only with a list of values (weights are given)")
        else:
            labels = [_label(v) for v in self.values]
            if len(set(labels)) != len(labels):
                raise ValueError("values: must not repeat a value")
        if self.dist is not None and self.dist.kind not in ("zipf", "geometric"):
            raise ValueError("dist.kind: a category takes 'zipf' or 'geometric' rank weights")
        labels_set = set(self.labels())
        for key in self.upsample or {}:
            if key not in labels_set:
                raise ValueError(f"upsample.{key}: not one of the values")
        if self.noise is not None and (
            self.noise.sd is not None or self.noise.relative is not None
        ):
            raise ValueError("noise: category fields take only flip")
        if self.drift is not None:
            for key, value in self.drift.to.items():
                if key not in labels_set:
                    raise ValueError(f"drift.to.{key}: not one of the values")
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"drift.to.{key}: must be a weight >= 0")
            if sum(self.drift.to.values()) <= 0:
                raise ValueError("drift.to: weights must sum to > 0")
        return self

    def labels(self) -> list[str]:
        if self.signal_events is not None:
            return ["spike", "stuck", "dropout"]
        if self.values is None:
            return []
        if isinstance(self.values, dict):
            return list(self.values)
        return [_label(v) for v in self.values]

    def weights(self) -> tuple[list[str], list[float]]:
        """Labels and the normalised weights the engine samples (upsample, balance applied)."""
        labels = self.labels()
        if isinstance(self.values, dict):
            w = [float(x) for x in self.values.values()]
        elif self.dist is not None and self.dist.kind == "zipf":
            w = [1.0 / (i + 1) ** self.dist.s for i in range(len(labels))]  # type: ignore[union-attr]
        elif self.dist is not None and self.dist.kind == "geometric":
            p = self.dist.p  # type: ignore[union-attr]
            w = [p * (1 - p) ** i for i in range(len(labels))]
        else:
            w = [1.0] * len(labels)
        if self.balance:
            w = [1.0] * len(labels)
        if self.upsample:
            w = [x * self.upsample.get(k, 1.0) for k, x in zip(labels, w, strict=True)]
        total = sum(w)
        if total <= 0:
            w, total = [1.0] * len(labels), float(len(labels))
        return labels, [x / total for x in w]


# --- text -------------------------------------------------------------------------------
class StringField(_Base):
    type: Literal["string"]
    pattern: str | None = Field(None, min_length=1, max_length=200)
    unique: bool = False

    @model_validator(mode="after")
    def _check(self) -> StringField:
        if self.pattern is None and self.expr is None:
            raise ValueError("pattern: is required (or give expr)")
        if self.pattern is not None:
            from generation.engine.fields.patterns import compile_pattern

            compile_pattern(self.pattern)
        if self.unique and self.nulls > 0:
            raise ValueError("unique: takes no nulls")
        return self


# --- time -------------------------------------------------------------------------------
class CalendarWeights(Model):
    hour: list[float] | None = Field(None, min_length=24, max_length=24)
    weekday: list[float] | None = Field(None, min_length=7, max_length=7)
    month: list[float] | None = Field(None, min_length=12, max_length=12)

    @model_validator(mode="after")
    def _check(self) -> CalendarWeights:
        for name in ("hour", "weekday", "month"):
            w = getattr(self, name)
            if w is not None and (any(x < 0 for x in w) or sum(w) <= 0):
                raise ValueError(f"{name}: weights must be >= 0 and sum to > 0")
        return self


class After(Model):
    field: str = Field(..., description="A datetime field of this table, or parent.<field>.")
    offset: Dist = Field(..., description="The offset's distribution, in unit.")
    unit: Literal["s", "min", "h", "d", "w"] = "d"
    min: float = Field(0.0, ge=0)
    max: float | None = None

    @model_validator(mode="after")
    def _check(self) -> After:
        if self.max is not None and self.max < self.min:
            raise ValueError("max: must be >= min")
        return self


class _TimeRange(_Base):
    start: str | None = None
    end: str | None = None
    weights: CalendarWeights | None = None
    dist: Dist | None = None
    after: After | None = None

    def _range_check(self, parse: Any) -> None:
        if self.start is not None:
            try:
                parse(self.start)
            except ValueError as exc:
                raise ValueError(f"start: {exc}") from None
        if self.end is not None:
            try:
                parse(self.end)
            except ValueError as exc:
                raise ValueError(f"end: {exc}") from None
        if (
            self.start is not None
            and self.end is not None
            and not parse(self.end) > parse(self.start)
        ):
            raise ValueError("end: must be after start")
        positional = self.dist is not None and self.dist.kind not in ("quantiles", "empirical")
        if positional and (self.start is None or self.end is None):
            raise ValueError("dist: a position distribution needs start and end")
        if self.dist is not None:
            from generation.engine.distributions.models import Empirical, Quantiles

            if isinstance(self.dist, Empirical | Quantiles):
                for i, v in enumerate(self.dist.values):
                    if not isinstance(v, str):
                        continue
                    try:
                        parse_datetime_seconds(v)
                    except ValueError as exc:
                        raise ValueError(f"dist.values.{i}: {exc}") from None
                svals = [
                    parse_datetime_seconds(v) if isinstance(v, str) else v for v in self.dist.values
                ]
                if isinstance(self.dist, Quantiles) and any(
                    b < a for a, b in zip(svals, svals[1:], strict=False)
                ):
                    raise ValueError("dist.values: must be non-decreasing")
        if self.after is not None and self.expr is not None:
            raise ValueError("after: not with expr")


class DatetimeField(_TimeRange):
    type: Literal["datetime"]
    unit: Literal["s", "ms", "us"] = "s"

    @model_validator(mode="after")
    def _check(self) -> DatetimeField:
        self._range_check(parse_datetime_seconds)
        return self


class DateField(_TimeRange):
    type: Literal["date"]

    @model_validator(mode="after")
    def _check(self) -> DateField:
        self._range_check(parse_datetime_seconds)
        if self.weights is not None and self.weights.hour is not None:
            raise ValueError("weights.hour: a date has no hours")
        return self


class TimeField(_Base):
    type: Literal["time"]
    start: str = "00:00:00"
    end: str = "23:59:59"
    weights: CalendarWeights | None = None

    @model_validator(mode="after")
    def _check(self) -> TimeField:
        for key in ("start", "end"):
            try:
                parse_time_seconds(getattr(self, key))
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        if not parse_time_seconds(self.end) > parse_time_seconds(self.start):
            raise ValueError("end: must be after start")
        if self.weights is not None and (self.weights.weekday or self.weights.month):
            raise ValueError("weights: a time takes only hour weights")
        return self


# --- keys -------------------------------------------------------------------------------
class IdField(_Base):
    type: Literal["id"]
    strategy: Literal["sequence", "uuid"] = "sequence"
    start: int = Field(1, ge=-(2**53), le=2**53)
    step: int = Field(1, ge=1, le=1_000_000)

    @model_validator(mode="after")
    def _check(self) -> IdField:
        if self.nulls > 0:
            raise ValueError("nulls: an id is never null")
        if self.expr is not None or self.conditional is not None:
            raise ValueError("expr: an id takes no expr or conditional")
        return self


class UuidField(_Base):
    type: Literal["uuid"]

    @model_validator(mode="after")
    def _check(self) -> UuidField:
        if self.nulls > 0:
            raise ValueError("nulls: a uuid key is never null")
        return self


class ForeignKeyField(_Base):
    type: Literal["foreign_key"]
    table: str
    field: str | None = None
    dist: Dist | None = Field(None, description="Over referenced rows: uniform (default) or zipf.")
    match: dict[str, str] | None = Field(
        None, description="This row's field -> the referenced row's field that must be equal."
    )

    @model_validator(mode="after")
    def _check(self) -> ForeignKeyField:
        if self.dist is not None and self.dist.kind not in ("uniform", "zipf"):
            raise ValueError("dist.kind: a foreign key takes 'uniform' or 'zipf'")
        if self.match is not None and not 1 <= len(self.match) <= 4:
            raise ValueError("match: name 1 to 4 fields")
        return self


# --- identifier-like text ---------------------------------------------------------------
class _Person(_Base):
    sex: Literal["any", "female", "male"] = "any"
    sex_field: str | None = None


class FirstNameField(_Person):
    type: Literal["first_name"]


class NameField(_Person):
    type: Literal["name"]


class LastNameField(_Base):
    type: Literal["last_name"]


class EmailField(_Base):
    type: Literal["email"]
    name_field: str | None = None
    # None or "reserved": RFC 2606 example.com/.net/.org, which never reach a real mailbox;
    # "providers": real webmail providers (gmail.com, ...), for realism a user opts into.
    domains: dict[str, float] | list[str] | Literal["reserved", "providers"] | None = Field(
        None, max_length=10_000
    )
    unique: bool = False

    @model_validator(mode="after")
    def _check(self) -> EmailField:
        if isinstance(self.domains, dict) and (
            not self.domains
            or any(w < 0 for w in self.domains.values())
            or sum(self.domains.values()) <= 0
        ):
            raise ValueError("domains: weights must be >= 0 and sum to > 0")
        if isinstance(self.domains, list) and not self.domains:
            raise ValueError("domains: must name at least one domain")
        return self


class PhoneField(_Base):
    type: Literal["phone"]
    # NANP 555-0100..0199 is reserved for fiction in every area code: no real subscriber.
    pattern: str = Field("(%##) 555-01##", min_length=1, max_length=200)

    @model_validator(mode="after")
    def _check(self) -> PhoneField:
        from generation.engine.fields.patterns import compile_pattern

        compile_pattern(self.pattern)
        return self


class _Simple(_Base):
    pass


class StreetAddressField(_Simple):
    type: Literal["street_address"]


class CityField(_Simple):
    type: Literal["city"]


class StateField(_Simple):
    type: Literal["state"]


class PostcodeField(_Simple):
    type: Literal["postcode"]


class AddressField(_Simple):
    type: Literal["address"]


class CompanyField(_Simple):
    type: Literal["company"]


class CountryField(_Base):
    type: Literal["country"]
    format: Literal["alpha2", "alpha3", "name"] = "alpha2"


class IbanField(_Base):
    type: Literal["iban"]
    country: Literal["DE", "GB", "FR", "ES", "IT", "NL", "BE", "AT", "CH"] = "DE"


class CardNumberField(_Base):
    type: Literal["card_number"]
    brand: Literal["visa", "mastercard", "amex", "discover", "any"] = "visa"
    # "test": the BINs of the networks' published test numbers (4111 11, 5555 55, 3782 82,
    # 6011 11), which payment sandboxes accept and no real card carries; "issued": any
    # number with the brand's leading digits.
    range: Literal["test", "issued"] = "test"
    unique: bool = False


class RoutingNumberField(_Base):
    type: Literal["routing_number"]


class LookupField(_Base):
    type: Literal["lookup"]
    key: str = Field(..., description="A foreign_key field of this table.")
    field: str = Field(..., description="The field of the referenced row to copy.")


class Icd10Field(_Base):
    type: Literal["icd10"]
    format: Literal["code", "title"] = "code"


FieldSpec = Annotated[
    IntField
    | FloatField
    | DecimalField
    | BoolField
    | CategoryField
    | StringField
    | DatetimeField
    | DateField
    | TimeField
    | IdField
    | UuidField
    | ForeignKeyField
    | FirstNameField
    | LastNameField
    | NameField
    | EmailField
    | PhoneField
    | StreetAddressField
    | CityField
    | StateField
    | PostcodeField
    | AddressField
    | CountryField
    | CompanyField
    | IbanField
    | CardNumberField
    | RoutingNumberField
    | Icd10Field
    | LookupField,
    Field(discriminator="type"),
]

NUMERIC_TYPES = (IntField, FloatField, DecimalField)
TEXT_POOL_TYPES = (
    FirstNameField,
    LastNameField,
    NameField,
    EmailField,
    PhoneField,
    StreetAddressField,
    CityField,
    StateField,
    PostcodeField,
    AddressField,
    CountryField,
    CompanyField,
    IbanField,
    CardNumberField,
    RoutingNumberField,
    Icd10Field,
)


def key_field_ok(f: Any) -> bool:
    """Whether a field can be what a foreign key points to (unique by construction)."""
    return (
        isinstance(f, IdField | UuidField)
        or (isinstance(f, IntField) and f.unique)
        or (isinstance(f, StringField) and f.unique and f.pattern is not None and f.expr is None)
    )


def default_key(fields: dict[str, Any]) -> str | None:
    """The field a foreign key without ``field`` points to: the first id, else the first key-able field."""
    for name, f in fields.items():
        if isinstance(f, IdField | UuidField):
            return name
    for name, f in fields.items():
        if key_field_ok(f):
            return name
    return None
