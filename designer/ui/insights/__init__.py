"""The live panels beside the loss curves while a network trains: what each layer outputs for a few fixed samples,
how the weights and their gradients are spread epoch after epoch, a predictions grid, a confusion matrix,
reconstructions (autoencoders), generated images (GANs), the decision boundary of 2-D data and the forecast — one
module per panel, `registry` listing them, `tabs` showing them (`InsightPanels`). The package is loaded when the
first run starts, not with the window, so pyqtgraph is imported (and set up for every panel) here.
"""

from __future__ import annotations

import pyqtgraph as pg

from designer.ui.insights.tabs import InsightPanels

pg.setConfigOptions(antialias=False, background="w", foreground="k")  # read when a plot is made, not at import

__all__ = ["InsightPanels"]
