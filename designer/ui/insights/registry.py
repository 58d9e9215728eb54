"""The one list of insight panels: for each, the `Snapshot` field it shows (its name, which
`designer.training.insights.PANELS` lists too, for the plan's reasons), its tab's title, what makes its widget,
and whether it keeps history (draws every snapshot received, not only the latest) — in the order of the tabs.
`InsightPanels` reads only this. A panel's widget has `reset()` (back to empty) and `show_snapshot(shot) -> bool`
(False when the snapshot has nothing for it, which leaves it as it is).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from designer.ui.insights.activations import ActivationsPanel
from designer.ui.insights.boundary import BoundaryPanel
from designer.ui.insights.confusion import ConfusionPanel
from designer.ui.insights.forecast import ForecastPanel
from designer.ui.insights.generated import GeneratedPanel
from designer.ui.insights.histograms import gradients_panel, weights_panel
from designer.ui.insights.predictions import PredictionsPanel
from designer.ui.insights.reconstructions import ReconstructionsPanel


@dataclass(frozen=True)
class PanelEntry:
    name: str  # the Snapshot field it shows
    title: str  # its tab's text
    make: Callable[[], QWidget]
    #: shows every epoch received (histograms over the epochs, the generated images' slider), not only the latest:
    #: out of view, it keeps each snapshot until it is drawn
    keeps_history: bool = False


#: every panel by its name, in tab order (the order before a plan moves the empty ones to the end)
REGISTRY: dict[str, PanelEntry] = {entry.name: entry for entry in (
    PanelEntry("activations", "Activations", ActivationsPanel),
    PanelEntry("weights", "Weights", weights_panel, keeps_history=True),
    PanelEntry("gradients", "Gradients", gradients_panel, keeps_history=True),
    PanelEntry("predictions", "Predictions", PredictionsPanel),
    PanelEntry("confusion", "Confusion matrix", ConfusionPanel),
    PanelEntry("reconstructions", "Reconstructions", ReconstructionsPanel),
    PanelEntry("generated", "Generated", GeneratedPanel, keeps_history=True),
    PanelEntry("boundary", "Decision boundary", BoundaryPanel),
    PanelEntry("forecast", "Forecast", ForecastPanel),
)}
