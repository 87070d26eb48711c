"""nrqb.paper: the one record of the paper's printed numbers."""

from __future__ import annotations

import math
import re

import pytest

import nrqb
from nrqb import paper


def test_keys_are_unique_and_well_formed():
    assert len(paper.QUOTES) >= 40
    for key, q in paper.QUOTES.items():
        assert key == q.key
        assert re.fullmatch(r"(abstract|fig\d[a-f]?|sec\d)\.[A-Za-z_]+(\.[A-Za-z0-9_=.\-]+)*", key), key
        assert q.where and q.what


@pytest.mark.parametrize(
    ("text", "tol"), [("75.9", 0.05), ("0.486", 0.0005), ("2", 0.5), ("87", 0.5), ("0.003", 0.0005)]
)
def test_printed_tolerance_is_half_the_last_digit(text, tol):
    assert paper.printed_tolerance(text) == pytest.approx(tol)


def test_printed_tolerance_refuses_what_is_not_a_decimal():
    for bad in ("", "1e3", "≈4", "0.1.2", "pi/2"):
        with pytest.raises(ValueError, match="plain decimal"):
            paper.printed_tolerance(bad)


def test_a_percentage_keeps_the_precision_it_is_printed_with():
    q = paper.quote("fig2d.eta.Jt=2")
    assert q.value == 0.75 and q.printed_digits == "75" and q.tolerance == pytest.approx(0.005)


def test_unknown_keys_name_their_neighbours():
    with pytest.raises(KeyError, match=r"fig2a\.E_B_inf"):
        paper.quote("fig2a.E_B")


def test_paper_params_are_the_printed_fig2_set():
    p = nrqb.paper_params()
    assert p.Gamma == paper.value("fig2.Gamma") and p.kappa_a == p.kappa_b == paper.value("fig2.kappa")
    assert p.epsilon == paper.value("fig2.epsilon") and p.phi == math.pi / 2
    assert p.J == paper.value("fig2.J_over_Gamma") * p.Gamma
