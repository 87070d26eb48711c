"""nrqb.about(): the versions a chapter was produced with, as every chapter's last (folded) cell shows them."""

from __future__ import annotations

import doctest
import platform
import re
from importlib import metadata

import numpy as np
import scipy
import sympy

import nrqb
import nrqb.versions


def test_versions_are_the_installed_ones():
    info = nrqb.about()
    assert info.versions["nrqb"] == nrqb.__version__ == metadata.version("nrqb")
    assert info.versions["python"] == platform.python_version()
    assert info.versions["numpy"] == np.__version__
    assert info.versions["scipy"] == scipy.__version__
    assert info.versions["sympy"] == sympy.__version__
    assert list(info.versions)[:2] == ["nrqb", "python"]
    assert list(info.versions)[2:] == list(nrqb.versions.NUMERICAL_PACKAGES)


def test_a_missing_package_is_named_not_an_error(monkeypatch):
    monkeypatch.setattr(nrqb.versions, "NUMERICAL_PACKAGES", ("numpy", "no-such-package-nrqb"))
    info = nrqb.versions.about()
    assert info.versions["no-such-package-nrqb"] == "not installed"


def test_markdown_is_a_table_with_one_row_per_entry():
    info = nrqb.about()
    lines = info._repr_markdown_().splitlines()
    assert lines[:2] == ["| package | version |", "| --- | --- |"]
    assert len(lines) == 2 + len(info.versions) + 2  # packages, then platform and BLAS
    assert all(re.fullmatch(r"\| [\w ]+ \| `[^`|]+` \|", line) for line in lines[2:])
    assert f"| numpy | `{np.__version__}` |" in lines


def test_text_form_is_aligned_and_not_a_dict_repr():
    text = str(nrqb.about())
    assert "{" not in text and "'" not in text
    starts = {
        line.index(line.split()[-1])
        for line in text.splitlines()
        if line.split()[0] in nrqb.versions.NUMERICAL_PACKAGES
    }
    assert len(starts) == 1  # one column for the versions


def test_docstring_example():
    result = doctest.testmod(nrqb.versions, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
