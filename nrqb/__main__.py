"""``python -m nrqb``: see :mod:`nrqb.cli`."""

from .cli import main

raise SystemExit(main())
