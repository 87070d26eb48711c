"""One rule table, one field validator, one scalar guard: every parameter class and every time axis goes through them."""

from __future__ import annotations

import dataclasses
import doctest

import numpy as np
import pytest

import nrqb
import nrqb.validation as validation
from nrqb.studies import feasibility as fz
from nrqb.validation import RULES, check_times, require_scalar

THREE_MODE = {
    "g_a": 0.1,
    "g_b": 0.1,
    "gamma_m": 10.0,
    "Delta_c": 0.0,
    "kappa_a": 0.003,
    "kappa_b": 0.003,
    "epsilon": 0.1,
    "phi": np.pi / 2,
    "J": 0.0,
}


def make(owner: str, **changes):
    if owner == "Params":
        return nrqb.paper_params(**changes)
    if owner == "ThreeModeParams":
        return nrqb.ThreeModeParams(**{**THREE_MODE, **changes})
    return fz.Device(**changes)


def test_docstring_examples():
    result = doctest.testmod(validation, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize(("owner", "cls"), [("Params", nrqb.Params), ("ThreeModeParams", nrqb.ThreeModeParams)])
def test_the_table_lists_exactly_the_fields_of_each_class(owner, cls):
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    assert list(RULES[owner]) == fields


def test_the_table_lists_exactly_the_device_fields():
    assert sorted(RULES["Device"]) == sorted(f.name for f in dataclasses.fields(fz.Device))


@pytest.mark.parametrize("owner", list(RULES))
def test_a_bool_is_refused_in_every_field_of_every_class(owner):
    for name in RULES[owner]:
        with pytest.raises(TypeError, match=rf"{owner}\.{name} .*not a bool"):
            make(owner, **{name: True})


@pytest.mark.parametrize("owner", list(RULES))
def test_every_field_refuses_nan_and_names_itself(owner):
    for name in RULES[owner]:
        with pytest.raises(ValueError, match=rf"{owner}\.{name} \(.*\) must be finite"):
            make(owner, **{name: float("nan")})


@pytest.mark.parametrize("owner", list(RULES))
def test_ranges_follow_the_kind(owner):
    for name, rule in RULES[owner].items():
        if rule.kind == "rate":
            with pytest.raises(ValueError, match=rf"{owner}\.{name} .*valid range \[0, inf\)"):
                make(owner, **{name: -1.0})
            make(owner, **{name: 0.0})
        elif rule.kind == "positive":
            with pytest.raises(ValueError, match=rf"{owner}\.{name} .*valid range \(0, inf\)"):
                make(owner, **{name: 0.0})
        elif rule.kind == "real":
            with pytest.raises(ValueError, match=rf"{owner}\.{name} .*must be real"):
                make(owner, **{name: 1j})
            make(owner, **{name: -1.0})
        else:  # complex
            assert make(owner, **{name: 0.01 + 0.02j}).J == 0.01 + 0.02j


def test_bool_arrays_and_ragged_lists_are_refused():
    with pytest.raises(TypeError, match=r"Params\.kappa_b .*bools"):
        nrqb.paper_params(kappa_b=np.array([True, False]))
    with pytest.raises(ValueError, match=r"Params\.kappa_b .*rectangular"):
        nrqb.paper_params(kappa_b=[[0.1, 0.2], [0.3]])
    with pytest.raises(ValueError, match=r"Params\.Gamma .*number"):
        nrqb.paper_params(Gamma=None)


def test_device_is_validated_like_params_and_holds_single_numbers():
    d = fz.Device(kappa_a=np.float32(0.08), g=1)
    assert type(d.kappa_a) is float and type(d.g) is float
    with pytest.raises(ValueError, match=r"Device.kappa_b .*single number; got an array of shape \(2,\)"):
        fz.Device(kappa_b=np.array([0.06, 0.07]))
    with pytest.raises(TypeError, match="Device has no field"):
        fz.Device().replace(kappa_c=1.0)


def test_check_times_messages_name_t():
    assert check_times([0, 1]).dtype == float
    assert check_times([]).shape == (0,)
    with pytest.raises(ValueError, match=r"t \(time .*rectangular"):
        check_times([[0.0, 1.0], [2.0]])
    with pytest.raises(TypeError, match=r"t \(time .*bool"):
        check_times(True)
    with pytest.raises(ValueError, match=r"t \(time .*real"):
        check_times([1j])


def test_require_scalar_checks_type_and_shape():
    p = nrqb.paper_params()
    assert require_scalar(p, "f") is p
    with pytest.raises(TypeError, match=r"f: p must be an nrqb\.Params; got dict"):
        require_scalar({}, "f")
    with pytest.raises(ValueError, match=r"f: p must have scalar fields .*shape \(2,\)"):
        require_scalar(nrqb.paper_params(kappa_b=[0.1, 0.2]), "f")
    three = nrqb.ThreeModeParams(**THREE_MODE)
    assert require_scalar(three, "g", nrqb.ThreeModeParams) is three
    with pytest.raises(TypeError, match="ThreeModeParams"):
        require_scalar(p, "g", nrqb.ThreeModeParams)


def test_the_old_import_locations_still_work():
    from nrqb.analysis import require_scalar as from_analysis
    from nrqb.params import check_times as from_params

    assert from_analysis is require_scalar and from_params is check_times
