r"""Parameters of the effective charger--battery model, with validation and broadcasting.

Units: frequencies and rates are in units of the bare mode frequency ``omega``
(the paper sets :math:`\hbar = 1` and quotes everything "in units of omega"),
times are in units of ``1/omega``.

The effective model (paper Eqs. 2, 3 and 5 with :math:`\Delta_c = 0`) is the
Lindblad equation with Hamiltonian

.. math::

    H = \Delta_a a^\dagger a + \Delta_b b^\dagger b
        + J a^\dagger b + J^* b^\dagger a + \varepsilon (a + a^\dagger)

and dissipators :math:`\kappa_a D[a] + \kappa_b D[b] + \Gamma D[a + e^{-i\phi} b]`,
each bath optionally thermal with mean occupation ``n_th_a``, ``n_th_b``, ``n_th_c``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .paper import FIG2_PARAMETERS

__all__ = ["PAPER_VALUES", "Params", "check_times", "paper_params"]

#: The parameter set of the paper's Fig. 2 (Sec. 3.1), in units of omega (read from :mod:`nrqb.paper`).
PAPER_VALUES: dict[str, float] = dict(FIG2_PARAMETERS)

# field name -> (kind, description used in error messages)
_RULES: dict[str, tuple[str, str]] = {
    "Gamma": ("rate", "collective (reservoir-mediated) damping rate, in units of omega"),
    "kappa_a": ("rate", "charger's local damping rate, in units of omega"),
    "kappa_b": ("rate", "battery's local damping rate, in units of omega"),
    "epsilon": ("real", "drive amplitude on the charger, in units of omega"),
    "phi": ("real", "phase of the dissipative coupling, in radians"),
    "J": ("complex", "coherent charger-battery coupling, in units of omega"),
    "Delta_a": ("real", "charger detuning from the drive, in units of omega"),
    "Delta_b": ("real", "battery detuning from the drive, in units of omega"),
    "omega": ("positive", "bare mode frequency (energy unit)"),
    "n_th_a": ("rate", "thermal occupation of the charger's bath"),
    "n_th_b": ("rate", "thermal occupation of the battery's bath"),
    "n_th_c": ("rate", "thermal occupation of the shared reservoir's bath"),
}


def _describe_bad(value: NDArray, mask: NDArray) -> str:
    """Return a short description of the first offending entry."""
    if value.ndim == 0:
        return repr(value.item())
    index = tuple(int(i) for i in np.argwhere(mask)[0])
    return f"{value[index].item()!r} at index {index} (array of shape {value.shape})"


def validate_field(owner: str, name: str, value: Any, kind: str, what: str) -> Any:
    """Validate and normalise one parameter.

    Returns a Python scalar (``float``, or ``complex`` for a complex coupling) for
    scalar input and a read-only ``numpy`` array otherwise.

    Raises
    ------
    ValueError
        If the value is not finite, or outside the range allowed for ``kind``.
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{owner}.{name} ({what}) must be a number or an array of numbers; got {value!r}") from exc
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{owner}.{name} ({what}) must be a number or an array of numbers; got {value!r}")
    if np.iscomplexobj(arr):
        if kind != "complex":
            if np.any(arr.imag != 0):
                raise ValueError(f"{owner}.{name} ({what}) must be real; got {_describe_bad(arr, arr.imag != 0)}")
            arr = arr.real
    else:
        arr = arr.astype(float)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        raise ValueError(f"{owner}.{name} ({what}) must be finite; got {_describe_bad(arr, bad)}")
    if kind == "rate":
        bad = arr < 0
        if np.any(bad):
            raise ValueError(
                f"{owner}.{name} ({what}) must be >= 0 (valid range [0, inf)); got {_describe_bad(arr, bad)}"
            )
    elif kind == "positive":
        bad = arr <= 0
        if np.any(bad):
            raise ValueError(
                f"{owner}.{name} ({what}) must be > 0 (valid range (0, inf)); got {_describe_bad(arr, bad)}"
            )
    if arr.ndim == 0:
        scalar = arr.item()
        if isinstance(scalar, complex) and scalar.imag == 0 and kind == "complex":
            return float(scalar.real)
        return scalar
    arr = np.array(arr, copy=True)
    arr.setflags(write=False)
    return arr


def broadcast_shape_of(owner: str, values: dict[str, Any]) -> tuple[int, ...]:
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
    """Validate a time array (units of ``1/omega``): finite, real and ``>= 0``.

    Raises
    ------
    ValueError
        If any time is negative, NaN or infinite.
    """
    arr = np.asarray(t)
    if np.iscomplexobj(arr) or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"t (time in units of 1/omega) must be real numbers; got dtype {arr.dtype}")
    arr = arr.astype(float)
    bad = ~np.isfinite(arr) | (arr < 0)
    if np.any(bad):
        raise ValueError(
            f"t (time in units of 1/omega) must be finite and >= 0 (valid range [0, inf)); "
            f"got {_describe_bad(arr, bad)}"
        )
    return arr


class ValidatedFields:
    """Mixin for the frozen parameter dataclasses: validation, broadcasting, equality, ``replace``.

    A subclass sets the class attribute ``_rules`` (field name -> (kind, description)); each
    field is validated by :func:`validate_field` and the broadcast shape of all fields is
    stored in ``shape``.
    """

    _rules: ClassVar[dict[str, tuple[str, str]]] = {}
    # Set by @dataclass on each subclass; declared so that the type checker knows the mixin is a dataclass.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def __post_init__(self) -> None:
        owner = type(self).__name__
        values = {}
        for name, (kind, what) in self._rules.items():
            value = validate_field(owner, name, getattr(self, name), kind, what)
            object.__setattr__(self, name, value)
            values[name] = value
        object.__setattr__(self, "shape", broadcast_shape_of(owner, values))

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return NotImplemented
        return all(
            np.shape(getattr(self, name)) == np.shape(getattr(other, name))
            and np.array_equal(getattr(self, name), getattr(other, name))
            for name in self._rules
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
        unknown = set(changes) - set(self._rules)
        if unknown:
            raise TypeError(
                f"{type(self).__name__} has no field(s) {sorted(unknown)}; valid fields are {sorted(self._rules)}"
            )
        return dataclasses.replace(self, **changes)

    @property
    def is_thermal(self) -> bool:
        """True when any bath has a nonzero thermal occupation (a field ``n_th_*``)."""
        return any(np.any(getattr(self, name)) for name in self._rules if name.startswith("n_th_"))


@dataclass(frozen=True, eq=False)
class Params(ValidatedFields):
    r"""Parameters of the effective two-mode (charger ``a``, battery ``b``) model.

    Every field may be a scalar or a numpy array; all fields broadcast together by
    numpy's rules (see :attr:`shape`), and so do the times given to
    :func:`nrqb.evolve`. All frequencies and rates are in units of ``omega``.

    Parameters
    ----------
    Gamma : float or array
        Collective damping rate :math:`\Gamma \ge 0` of the dissipator
        :math:`\Gamma D[a + e^{-i\phi} b]` produced by the bad cavity (paper Eq. 5).
        This is the *Lindblad* rate: the charger's amplitude decays at
        :math:`(\Gamma + \kappa_a)/2`. For the bad cavity of paper Eq. (1),
        :math:`\Gamma = g^2 \gamma_m / (\Delta_c^2 + \gamma_m^2/4)`; see :func:`nrqb.eliminate`.
    kappa_a, kappa_b : float or array
        Local damping rates :math:`\kappa_a, \kappa_b \ge 0` of charger and battery.
    epsilon : float or array
        Amplitude of the coherent drive :math:`\varepsilon (a + a^\dagger)` on the charger.
    phi : float or array
        Phase :math:`\phi` (radians) between the coherent and dissipative couplings.
    J : float, complex or array
        Coherent coupling :math:`J a^\dagger b + J^* b^\dagger a`. Real in the paper; a complex
        value is the paper's :math:`J_-` when the bad cavity is detuned (:math:`G \neq 0`).
    Delta_a, Delta_b : float or array, default 0
        Detunings :math:`\Delta'_a, \Delta'_b` of charger and battery from the drive
        (the Lamb-shifted detunings of paper Eq. 2). The paper's :math:`\Delta = \Delta'_b - \Delta'_a`.
    omega : float or array, default 1
        Bare frequency of charger and battery; energies are :math:`E = \omega \langle n \rangle`.
    n_th_a, n_th_b, n_th_c : float or array, default 0
        Mean thermal occupations of the charger's, the battery's and the shared
        reservoir's baths (zero temperature in the paper).

    Notes
    -----
    ``Params`` is frozen; use :meth:`replace` to change fields. Invalid values raise
    ``ValueError`` naming the field and its valid range; unknown field names raise
    ``TypeError``.

    Examples
    --------
    >>> import numpy as np, nrqb
    >>> p = nrqb.paper_params(kappa_b=0.003 * np.logspace(-2, 3, 5))
    >>> p.shape
    (5,)
    """

    Gamma: Any
    kappa_a: Any
    kappa_b: Any
    epsilon: Any
    phi: Any
    J: Any
    Delta_a: Any = 0.0
    Delta_b: Any = 0.0
    omega: Any = 1.0
    n_th_a: Any = 0.0
    n_th_b: Any = 0.0
    n_th_c: Any = 0.0
    shape: tuple[int, ...] = field(init=False, repr=False, compare=False)

    _rules = _RULES

    # Derived quantities of the paper, as read-only properties.
    @property
    def Lambda_a(self) -> Any:
        r"""Charger's total decay rate :math:`\Lambda_a = \Gamma + \kappa_a` (paper Eq. 5)."""
        return self.Gamma + self.kappa_a

    @property
    def Lambda_b(self) -> Any:
        r"""Battery's total decay rate :math:`\Lambda_b = \Gamma + \kappa_b` (paper Eq. 5)."""
        return self.Gamma + self.kappa_b

    @property
    def Delta(self) -> Any:
        r"""The paper's detuning :math:`\Delta = \Delta'_b - \Delta'_a`."""
        return self.Delta_b - self.Delta_a

    @property
    def r(self) -> Any:
        r"""Damping ratio :math:`r = \kappa_b/\kappa_a` (paper Sec. 3.2); ``inf`` when kappa_a is 0."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(self.kappa_b, self.kappa_a)


def paper_params(**overrides: Any) -> Params:
    """The paper's Fig. 2 parameter set, with optional overrides.

    Gamma = 0.04, kappa_a = kappa_b = 0.003, epsilon = 0.1, phi = pi/2,
    Delta_a = Delta_b = 0, omega = 1 (all in units of omega) and, when ``J`` is not
    given, the nonreciprocal coupling ``J = Gamma/2`` (with the possibly overridden Gamma).

    Parameters
    ----------
    **overrides
        Any :class:`Params` field (scalars or broadcastable arrays).

    Returns
    -------
    Params

    Examples
    --------
    >>> import nrqb
    >>> nrqb.paper_params().J
    0.02
    >>> nrqb.paper_params(Gamma=0.1).J
    0.05
    """
    unknown = set(overrides) - set(_RULES)
    if unknown:
        raise TypeError(f"Params has no field(s) {sorted(unknown)}; valid fields are {sorted(_RULES)}")
    values: dict[str, Any] = dict(PAPER_VALUES)
    values.update(overrides)
    if "J" not in overrides:
        gamma = validate_field("Params", "Gamma", values["Gamma"], *_RULES["Gamma"])
        values["J"] = gamma / 2
    return Params(**values)
