r"""Validation of every input at the public boundary: one rule table, one field validator, one scalar guard.

Every parameter class of the package (:class:`nrqb.Params`, :class:`nrqb.ThreeModeParams` and the laboratory-unit
``Device`` of :mod:`nrqb.studies.feasibility`) is checked field by field against :data:`RULES` by
:func:`validate_field`, so a bad value gets the same message wherever it enters: the class and field, what the
field means, its valid range and the offending entry. Times go through :func:`check_times`, the broadcast of
parameters against times through :func:`broadcast_with_times`, and functions that need one parameter set (not an
array of them) call :func:`require_scalar`.

Kinds of field
--------------
``"rate"``
    real, finite, :math:`\ge 0` (damping rates, thermal occupations, couplings quoted as magnitudes);
``"positive"``
    real, finite, :math:`> 0` (the energy unit :math:`\omega`, a device's cavity frequency);
``"real"``
    real and finite (detunings, phases, drive amplitudes);
``"complex"``
    complex and finite (the coherent coupling :math:`J` of the effective model).

A ``bool`` is refused with ``TypeError`` (``Params(Gamma=True)`` is almost certainly a mistake, not ``1.0``);
other non-numbers, NaN, infinities and values out of range raise ``ValueError``. Both messages name the field.

Examples
--------
>>> from nrqb.validation import validate_field
>>> validate_field("Params", "kappa_a", 0.003)
0.003
>>> validate_field("Params", "kappa_a", -1.0)
Traceback (most recent call last):
...
ValueError: Params.kappa_a (charger's local damping rate, in units of omega) must be >= 0 (valid range [0, inf)); got -1.0
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self, TypeVar, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

if TYPE_CHECKING:
    from .params import Params

__all__ = [
    "RULES",
    "Rule",
    "ValidatedFields",
    "broadcast_shape_of",
    "broadcast_with_times",
    "check_times",
    "require_scalar",
    "validate_field",
]


@dataclass(frozen=True)
class Rule:
    """What a field may hold (``kind``, see the module notes) and what it means (``what``, used in messages)."""

    kind: Literal["rate", "positive", "real", "complex"]
    what: str


_OMEGA = "in units of omega"
_MHZ = "/2pi in MHz"

#: The one rule table: owner (class name) -> field -> :class:`Rule`.
RULES: dict[str, dict[str, Rule]] = {
    "Params": {
        "Gamma": Rule("rate", f"collective (reservoir-mediated) damping rate, {_OMEGA}"),
        "kappa_a": Rule("rate", f"charger's local damping rate, {_OMEGA}"),
        "kappa_b": Rule("rate", f"battery's local damping rate, {_OMEGA}"),
        "epsilon": Rule("real", f"drive amplitude on the charger, {_OMEGA}"),
        "phi": Rule("real", "phase of the dissipative coupling, in radians"),
        "J": Rule("complex", f"coherent charger-battery coupling, {_OMEGA}"),
        "Delta_a": Rule("real", f"charger detuning from the drive, {_OMEGA}"),
        "Delta_b": Rule("real", f"battery detuning from the drive, {_OMEGA}"),
        "omega": Rule("positive", "bare mode frequency (energy unit)"),
        "n_th_a": Rule("rate", "thermal occupation of the charger's bath"),
        "n_th_b": Rule("rate", "thermal occupation of the battery's bath"),
        "n_th_c": Rule("rate", "thermal occupation of the shared reservoir's bath"),
    },
    "ThreeModeParams": {
        "g_a": Rule("real", f"charger-reservoir coupling, {_OMEGA}"),
        "g_b": Rule("real", f"battery-reservoir coupling, {_OMEGA}"),
        "gamma_m": Rule("rate", f"bad cavity's energy decay rate, {_OMEGA}"),
        "Delta_c": Rule("real", f"bad cavity's detuning from the drive, {_OMEGA}"),
        "kappa_a": Rule("rate", f"charger's local damping rate, {_OMEGA}"),
        "kappa_b": Rule("rate", f"battery's local damping rate, {_OMEGA}"),
        "epsilon": Rule("real", f"drive amplitude on the charger, {_OMEGA}"),
        "phi": Rule("real", "phase of the charger-reservoir coupling, in radians"),
        "J": Rule("real", f"direct coherent charger-battery coupling, {_OMEGA}"),
        "Delta_a": Rule("real", f"charger detuning from the drive, {_OMEGA}"),
        "Delta_b": Rule("real", f"battery detuning from the drive, {_OMEGA}"),
        "omega": Rule("positive", "bare mode frequency (energy unit)"),
        "n_th_a": Rule("rate", "thermal occupation of the charger's bath"),
        "n_th_b": Rule("rate", "thermal occupation of the battery's bath"),
        "n_th_c": Rule("rate", "thermal occupation of the bad cavity's bath"),
    },
    # The feasibility study's device in laboratory units (nrqb.studies.feasibility.Device): scalars only.
    "Device": {
        "kappa_a": Rule("rate", f"charger's damping kappa_a{_MHZ}"),
        "kappa_b": Rule("rate", f"battery's damping kappa_b{_MHZ}"),
        "gamma_m": Rule("positive", f"bad cavity's energy decay gamma_m{_MHZ}"),
        "g": Rule("rate", f"charger/battery-reservoir coupling g{_MHZ} (g_a = g_b)"),
        "J": Rule("real", f"direct coherent coupling J{_MHZ}"),
        "phi": Rule("real", "coupling phase phi in radians"),
        "epsilon": Rule("real", f"drive amplitude epsilon{_MHZ}"),
        "Delta": Rule("real", f"battery detuning Delta{_MHZ}"),
        "Delta_c": Rule("real", f"bad-cavity detuning Delta_c{_MHZ}"),
        "f_cavity": Rule("positive", f"charger and battery frequency omega{_MHZ}"),
    },
}

_RANGES = {"rate": ">= 0 (valid range [0, inf))", "positive": "> 0 (valid range (0, inf))"}


def _describe_bad(value: NDArray, mask: NDArray) -> str:
    """A short description of the first offending entry."""
    if value.ndim == 0:
        return repr(value.item())
    index = tuple(int(i) for i in np.argwhere(mask)[0])
    return f"{value[index].item()!r} at index {index} (array of shape {value.shape})"


def _as_numeric_array(label: str, value: Any) -> NDArray:
    """``value`` as a numeric array; TypeError for a bool, ValueError for anything else that is not numbers."""
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{label} must be a number, not a bool; got {value!r}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:  # ragged nested sequences and the like
        raise ValueError(f"{label} must be a number or a rectangular array of numbers; got {value!r}") from exc
    if arr.dtype == bool:
        raise TypeError(f"{label} must be numbers, not bools; got an array of dtype bool")
    if not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"{label} must be a number or an array of numbers; got {value!r}")
    return arr


def validate_field(owner: str, name: str, value: Any, rule: Rule | None = None, *, scalar: bool = False) -> Any:
    """Validate and normalise one field against :data:`RULES` (or an explicit ``rule``).

    Parameters
    ----------
    owner, name : str
        Class and field, e.g. ``"Params", "Gamma"``; they look up the rule and start the message.
    value : number or array_like
    rule : Rule, optional
        Overrides the table (for function arguments that share a field's meaning).
    scalar : bool
        Refuse arrays (classes whose fields are single numbers).

    Returns
    -------
    float, complex or read-only ndarray
        A Python ``float`` (``complex`` only for a ``"complex"`` field with a nonzero imaginary part) for scalar
        input, else a read-only copy as a float or complex array.

    Raises
    ------
    TypeError
        For a ``bool`` (or an array of them).
    ValueError
        For anything else that is not finite numbers in the field's range; the message names the field.
    """
    rule = RULES[owner][name] if rule is None else rule
    label = f"{owner}.{name} ({rule.what})"
    arr = _as_numeric_array(label, value)
    if scalar and arr.ndim:
        raise ValueError(f"{label} must be a single number; got an array of shape {arr.shape}")
    if np.iscomplexobj(arr):
        if rule.kind != "complex":
            imaginary = arr.imag != 0
            if np.any(imaginary):
                raise ValueError(f"{label} must be real; got {_describe_bad(arr, imaginary)}")
            arr = arr.real
    arr = arr.astype(complex if np.iscomplexobj(arr) else float)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        raise ValueError(f"{label} must be finite; got {_describe_bad(arr, bad)}")
    if rule.kind in _RANGES:
        bad = arr < 0 if rule.kind == "rate" else arr <= 0
        if np.any(bad):
            raise ValueError(f"{label} must be {_RANGES[rule.kind]}; got {_describe_bad(arr, bad)}")
    if arr.ndim == 0:
        item = arr.item()
        return float(item.real) if isinstance(item, complex) and item.imag == 0 else item
    arr = np.array(arr, copy=True)
    arr.setflags(write=False)
    return arr


def broadcast_shape_of(owner: str, values: Mapping[str, Any]) -> tuple[int, ...]:
    """Broadcast shape of all fields; a ValueError names the fields that clash."""
    shapes = {name: np.shape(v) for name, v in values.items()}
    try:
        return np.broadcast_shapes(*shapes.values())
    except ValueError:
        non_scalar = {k: s for k, s in shapes.items() if s}
        raise ValueError(
            f"{owner} fields do not broadcast together under numpy's rules: {non_scalar}. "
            "Give arrays compatible shapes, e.g. kappa_b=r[:, None] with a time axis t[None, :]."
        ) from None


def check_times(t: ArrayLike) -> NDArray[np.float64]:
    """Validate a time array (units of ``1/omega``): real, finite and ``>= 0``; returned as floats.

    Raises
    ------
    TypeError
        For bools.
    ValueError
        For a ragged sequence, non-numbers, complex, negative, NaN or infinite times.
    """
    label = "t (time in units of 1/omega)"
    arr = _as_numeric_array(label, t)
    if np.iscomplexobj(arr):
        raise ValueError(f"{label} must be real numbers; got dtype {arr.dtype}")
    arr = arr.astype(float)
    bad = ~np.isfinite(arr) | (arr < 0)
    if np.any(bad):
        raise ValueError(f"{label} must be finite and >= 0 (valid range [0, inf)); got {_describe_bad(arr, bad)}")
    return arr


def broadcast_with_times(what: str, param_shape: tuple[int, ...], time_shape: tuple[int, ...]) -> tuple[int, ...]:
    """The broadcast shape of parameters and times; a ValueError that says which shapes clash."""
    try:
        return np.broadcast_shapes(param_shape, time_shape)
    except ValueError:
        raise ValueError(
            f"{what}: times t of shape {time_shape} do not broadcast with the parameters' shape {param_shape} "
            "under numpy's rules; e.g. give array fields a trailing axis (kappa_b=r[:, None]) and times t[None, :]"
        ) from None


_P = TypeVar("_P", bound="ValidatedFields")


@overload
def require_scalar(p: object, what: str) -> Params: ...
@overload
def require_scalar(p: object, what: str, cls: type[_P]) -> _P: ...
def require_scalar(p: object, what: str, cls: type[ValidatedFields] | None = None) -> ValidatedFields:
    """``p`` itself if it is an instance of ``cls`` (default :class:`nrqb.Params`) with scalar fields, else an error.

    Parameters
    ----------
    p : object
        The value to check.
    what : str
        Name of the caller, for the message.
    cls : type, optional
        The expected parameter class (default :class:`nrqb.Params`).

    Raises
    ------
    TypeError
        If ``p`` is not a ``cls``.
    ValueError
        If ``p`` has array fields (more than one parameter set).
    """
    if cls is None:
        from .params import Params  # the default; validation itself sits below params

        cls = Params
    if not isinstance(p, cls):
        raise TypeError(f"{what}: p must be an nrqb.{cls.__name__}; got {type(p).__name__}")
    if p.shape != ():
        raise ValueError(f"{what}: p must have scalar fields (one parameter set); got fields of shape {p.shape}")
    return p


class ValidatedFields:
    """Mixin for the frozen parameter dataclasses: validation, broadcasting, equality, ``replace``.

    A subclass sets the class attribute ``_owner`` (its key in :data:`RULES`); each field is validated by
    :func:`validate_field` and the broadcast shape of all fields is stored in ``shape``.
    """

    _owner: ClassVar[str] = ""
    #: Broadcast shape of all fields (set in ``__post_init__``).
    shape: tuple[int, ...]
    # Set by @dataclass on each subclass; declared so that the type checker knows the mixin is a dataclass.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The validated fields, in the order of :data:`RULES`."""
        return tuple(RULES[cls._owner])

    def __post_init__(self) -> None:
        owner = self._owner
        values = {}
        for name in RULES[owner]:
            value = validate_field(owner, name, getattr(self, name))
            object.__setattr__(self, name, value)
            values[name] = value
        object.__setattr__(self, "shape", broadcast_shape_of(owner, values))

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return all(
            np.shape(getattr(self, name)) == np.shape(getattr(other, name))
            and np.array_equal(getattr(self, name), getattr(other, name))
            for name in RULES[self._owner]
        )

    # Equality compares field values (arrays included), so instances are unhashable, like numpy arrays.
    # typeshed spells list.__hash__ the same way; the checker reports the None as an incompatible override.
    __hash__ = None  # type: ignore[assignment]

    def replace(self, **changes: Any) -> Self:
        """Return a copy with some fields changed (validated again).

        Raises
        ------
        TypeError
            For a name that is not a field of this class.
        """
        unknown = set(changes) - set(RULES[self._owner])
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no field(s) {sorted(unknown)}; valid fields are {sorted(RULES[self._owner])}"
            )
        return dataclasses.replace(self, **changes)
