r"""The versions that produced a result: nrqb, Python and the numerical libraries (like ``qutip.about()``).

Every chapter of the book ends with ``nrqb.about()``, so a reader knows which code made the numbers on the page.

Examples
--------
>>> import nrqb
>>> info = nrqb.about()
>>> info.versions["nrqb"] == nrqb.__version__
True
>>> print(info.markdown().splitlines()[0])
| package | version |
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from importlib import metadata

__all__ = ["NUMERICAL_PACKAGES", "About", "about"]

#: The packages whose versions can change a number in the book (optional ones are listed as "not installed").
NUMERICAL_PACKAGES: tuple[str, ...] = ("numpy", "scipy", "sympy", "matplotlib", "qutip")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class About:
    r"""Versions of nrqb, Python and :data:`NUMERICAL_PACKAGES`, and the platform.

    Attributes
    ----------
    versions : dict of str to str
        Package name (``"nrqb"``, ``"python"``, then :data:`NUMERICAL_PACKAGES` in order) to version string.
    platform : str
        Operating system and machine, as :func:`platform.platform` gives it.
    blas : str
        The BLAS/LAPACK library numpy is linked against ("unknown" where numpy does not say).
    """

    versions: dict[str, str]
    platform: str
    blas: str

    def rows(self) -> list[tuple[str, str]]:
        """``(name, version)`` pairs: the packages in order, then the platform and the BLAS library."""
        return [*self.versions.items(), ("platform", self.platform), ("BLAS", self.blas)]

    def markdown(self) -> str:
        """A two-column Markdown table (how a notebook shows it)."""
        lines = ["| package | version |", "| --- | --- |"]
        lines += [f"| {name} | `{version}` |" for name, version in self.rows()]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __str__(self) -> str:
        width = max(len(name) for name, _ in self.rows())
        return "\n".join(f"{name:<{width}}  {version}" for name, version in self.rows())


def _blas() -> str:
    try:
        import numpy as np

        config = np.show_config(mode="dicts")  # numpy >= 1.25
        info = config["Build Dependencies"]["blas"]
        return f"{info.get('name', 'unknown')} {info.get('version', '')}".strip()
    except Exception:  # numpy's build information is optional and its layout is not a stable API
        return "unknown"


def about() -> About:
    r"""The versions of nrqb, Python and the numerical libraries in this environment.

    Returns
    -------
    About
        ``print(nrqb.about())`` gives an aligned text table; in a notebook it displays as a Markdown table.
    """
    from . import __version__

    versions = {"nrqb": __version__, "python": platform.python_version()}
    versions.update({name: _version(name) for name in NUMERICAL_PACKAGES})
    return About(versions=versions, platform=f"{platform.platform()} ({sys.platform})", blas=_blas())
