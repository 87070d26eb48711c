"""Presentation: the paper's figure panels, the schematic of the model and the shared plotting style.

Plots call the core for every number they draw; the core never imports this package.
"""
