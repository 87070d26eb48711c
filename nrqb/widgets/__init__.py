"""Interactive explorers for the results chapters; the core never imports this package."""

from .explorer import SLIDERS, Explorer

__all__ = ["SLIDERS", "Explorer"]
