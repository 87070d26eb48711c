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

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .paper import FIG2_PARAMETERS
from .validation import RULES, ValidatedFields, check_times, validate_field

__all__ = ["PAPER_VALUES", "Params", "check_times", "paper_params"]

#: The parameter set of the paper's Fig. 2 (Sec. 3.1), in units of omega (read from :mod:`nrqb.paper`).
PAPER_VALUES: dict[str, float] = dict(FIG2_PARAMETERS)

# The fields of Params and their rules (kept under this name for code that reads the field list).
_RULES = RULES["Params"]


class ModelFields(ValidatedFields):
    """Validated fields of the two model classes (:class:`Params`, :class:`nrqb.ThreeModeParams`)."""

    # Bath occupations, which both model classes have (each one's @dataclass makes them fields).
    n_th_a: Any
    n_th_b: Any
    n_th_c: Any

    @property
    def is_thermal(self) -> bool:
        """True when any bath has a nonzero thermal occupation."""
        return bool(np.any(self.n_th_a) or np.any(self.n_th_b) or np.any(self.n_th_c))


@dataclass(frozen=True, eq=False)
class Params(ModelFields):
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

    _owner = "Params"

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
        gamma = validate_field("Params", "Gamma", values["Gamma"])
        values["J"] = gamma / 2
    return Params(**values)
