"""Params: defaults of the paper, validation messages, broadcasting, replace()."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nrqb


def test_paper_params_are_the_fig2_set():
    p = nrqb.paper_params()
    assert (p.Gamma, p.kappa_a, p.kappa_b, p.epsilon) == (0.04, 0.003, 0.003, 0.1)
    assert p.phi == pytest.approx(math.pi / 2)
    assert p.J == pytest.approx(p.Gamma / 2)
    assert (p.Delta_a, p.Delta_b, p.omega) == (0.0, 0.0, 1.0)
    assert p.shape == ()


def test_paper_params_J_follows_overridden_gamma_unless_given():
    assert nrqb.paper_params(Gamma=0.1).J == pytest.approx(0.05)
    assert nrqb.paper_params(Gamma=0.1, J=0.3).J == pytest.approx(0.3)


def test_derived_quantities():
    p = nrqb.paper_params(kappa_b=0.006, Delta_a=0.01, Delta_b=0.03)
    assert p.Lambda_a == pytest.approx(0.043)
    assert p.Lambda_b == pytest.approx(0.046)
    assert p.Delta == pytest.approx(0.02)
    assert p.r == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("kappa_a", -0.1, "kappa_a"),
        ("Gamma", float("nan"), "Gamma"),
        ("kappa_b", float("inf"), "kappa_b"),
        ("omega", 0.0, "omega"),
        ("omega", -1.0, "omega"),
        ("phi", float("nan"), "phi"),
        ("J", complex(float("nan"), 0), "J"),
        ("Delta_b", float("inf"), "Delta_b"),
        ("epsilon", float("nan"), "epsilon"),
        ("n_th_a", -0.5, "n_th_a"),
        ("kappa_a", np.array([0.1, -0.2]), r"-0.2 at index \(1,\)"),
        ("Gamma", "fast", "Gamma"),
        ("Delta_a", 1j, "must be real"),
    ],
)
def test_bad_values_raise_with_the_field_name_and_range(field, value, expected):
    with pytest.raises(ValueError, match=expected) as info:
        nrqb.paper_params(**{field: value})
    message = str(info.value)
    assert field in message
    if field in {"kappa_a", "n_th_a", "omega"} and np.ndim(value) == 0 and np.isfinite(value):
        assert "valid range" in message


def test_unknown_field_is_a_type_error():
    with pytest.raises(TypeError, match="kappa_c"):
        nrqb.paper_params(kappa_c=0.1)
    with pytest.raises(TypeError, match="kappa_c"):
        nrqb.paper_params().replace(kappa_c=0.1)
    with pytest.raises(TypeError):
        nrqb.Params(Gamma=0.1)  # missing required fields


def test_fields_broadcast_and_clash_is_reported():
    r = np.logspace(-2, 3, 7)
    p = nrqb.paper_params(kappa_b=0.003 * r[:, None], Delta_b=np.array([0.0, 0.01, 0.1]))
    assert p.shape == (7, 3)
    with pytest.raises(ValueError, match="broadcast"):
        nrqb.paper_params(kappa_b=np.ones(3), Delta_b=np.ones(4))


def test_params_are_frozen_and_replace_validates():
    p = nrqb.paper_params()
    with pytest.raises(AttributeError):
        p.Gamma = 1.0  # type: ignore[misc]
    q = p.replace(Gamma=0.08)
    assert q.Gamma == 0.08 and p.Gamma == 0.04
    with pytest.raises(ValueError, match="Gamma"):
        p.replace(Gamma=-1.0)


def test_array_fields_are_read_only_copies():
    kb = np.array([0.001, 0.002])
    p = nrqb.paper_params(kappa_b=kb)
    kb[0] = 99.0
    assert p.kappa_b[0] == 0.001
    with pytest.raises(ValueError):
        p.kappa_b[0] = 1.0


def test_equality_compares_values():
    assert nrqb.paper_params() == nrqb.paper_params()
    assert nrqb.paper_params(kappa_b=np.ones(2)) == nrqb.paper_params(kappa_b=np.ones(2))
    assert nrqb.paper_params() != nrqb.paper_params(Gamma=0.05)


def test_complex_J_kept_real_J_stays_float():
    assert isinstance(nrqb.paper_params().J, float)
    assert nrqb.paper_params(J=0.01 + 0.02j).J == 0.01 + 0.02j
    assert isinstance(nrqb.paper_params(J=0.01 + 0j).J, float)


@pytest.mark.parametrize("t", [-1.0, float("nan"), np.array([0.0, -0.1]), float("inf")])
def test_bad_times_raise(t):
    with pytest.raises(ValueError, match="t \\(time"):
        nrqb.evolve(nrqb.paper_params(), t)


def test_a_bool_is_not_a_rate():
    """Regression (issue 13, item 7): Params(Gamma=True) was accepted as Gamma = 1.0."""
    with pytest.raises(TypeError, match=r"Params\.Gamma .*not a bool; got True"):
        nrqb.Params(Gamma=True, kappa_a=0.003, kappa_b=0.003, epsilon=0.1, phi=1.0, J=0.02)
