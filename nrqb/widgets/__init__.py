"""Live explorers for the results chapters (anywidget; the front end computes in the browser). The core never imports
this package."""

from .explorer import SLIDERS, VIEWS, Explorer, Slider, slider_specs, starting_values

__all__ = ["SLIDERS", "VIEWS", "Explorer", "Slider", "slider_specs", "starting_values"]
