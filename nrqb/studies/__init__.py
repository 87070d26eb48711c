"""Studies built on the core: the reproduction ledger, robustness statistics and the experimental design study.

Each module answers one question with the core's numerics (:mod:`nrqb.dynamics`, :mod:`nrqb.exceptional`,
:mod:`nrqb.three_mode`, :mod:`nrqb.analysis`); none of them draws, and the core never imports them.
"""
