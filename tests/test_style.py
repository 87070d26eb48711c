"""The book's shared display helpers in nrqb/plots/style.py that a chapter shows as text (tables)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nrqb
from nrqb.plots import style
from nrqb.validation import RULES


def _rows(markdown: str) -> dict[str, list[str]]:
    """``{symbol cell: [value, meaning]}`` of a Markdown table (header and rule lines dropped)."""
    lines = markdown.splitlines()[2:]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    return {row[0]: row[1:] for row in cells}


@pytest.mark.parametrize(
    "p",
    [
        nrqb.paper_params(),
        nrqb.paper_params(J=0.013 + 0.002j, Delta_b=-0.01, n_th_c=0.5),
        nrqb.three_mode_from_effective(nrqb.paper_params(), gamma_m=20.0),
    ],
    ids=["paper", "complex-J-thermal", "three-mode"],
)
def test_parameter_table_has_one_row_per_field_with_its_value_and_meaning(p):
    rows = _rows(style.parameter_table(p).data)
    rules = RULES[type(p)._owner]
    assert len(rows) == len(rules)
    for (symbol, (value, meaning)), (name, rule) in zip(rows.items(), rules.items(), strict=True):
        assert symbol == f"${style.SYMBOLS[name]}$"
        assert meaning.startswith(rule.what.split(",")[0])
        shown = complex(re.sub(r"i$", "j", value.split(" $")[0]))
        assert shown == pytest.approx(complex(getattr(p, name)), rel=1e-5, abs=1e-12), name


def test_parameter_table_names_a_phase_that_is_a_multiple_of_pi_and_summarises_arrays():
    p = nrqb.paper_params(phi=-np.pi / 2, kappa_b=0.003 * np.logspace(-2, 3, 5), J=np.array([[0.01j], [0.02]]))
    rows = _rows(style.parameter_table(p).data)
    assert rows[r"$\phi$"][0] == r"-1.5708 $= -\pi/2$"
    assert rows[r"$\kappa_b$"][0] == "array of shape (5,), 3e-05 to 3"
    assert rows["$J$"][0] == "array of shape (2, 1), modulus 0.01 to 0.02"
    # A phase that is not a multiple of pi/4 is shown as a number only.
    assert _rows(style.parameter_table(nrqb.paper_params(phi=1.0)).data)[r"$\phi$"][0] == "1"
