"""The examples in the README and in the docstrings run and say what they claim."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import numpy as np
import pytest

import nrqb

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["nrqb", "nrqb.params", "nrqb.dynamics", "nrqb.exceptional"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no docstring examples"
    assert result.failed == 0


def test_readme_python_block_runs_and_matches_the_api():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    namespace: dict = {}
    exec(compile(blocks[0], "README.md", "exec"), namespace)
    p, tr, ss = namespace["p"], namespace["tr"], namespace["ss"]
    assert p == nrqb.paper_params()
    assert tr.E_B.shape == (501,)
    assert ss.E_B == pytest.approx(float(nrqb.steady_state(p).E_B))
    assert np.isfinite(namespace["J_ep"])


def test_readme_names_the_two_setup_commands():
    text = (ROOT / "README.md").read_text()
    assert "make book" in text and "make test" in text
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^book:", makefile, flags=re.M) and re.search(r"^test:", makefile, flags=re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()
