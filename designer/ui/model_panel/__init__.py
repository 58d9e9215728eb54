"""The Model panel: the trained model scored on the rows it never trained on, and tried on one input.

On top, the scores under Keras's names and which rows they are on; then tabs:

* **Test rows** (`held_out`) — a classifier's confusion matrix, a regression's predicted-against-true scatter, an
  autoencoder's reconstruction errors (a histogram, and a few originals over what it rebuilds);
* **Try it** (`trying`, its inputs in `sources`) — one input and the model's answer: a sample of the held-out
  rows, a file of one's own (an image, a CSV row, a .npy array, read as the data's raw units and prepared as the
  data was), a digit drawn with the mouse (classifiers and autoencoders of one-channel pictures), a point clicked
  on the plane (data of two numbers). The answer: a classifier's class probabilities as bars, a regression's
  numbers, an autoencoder's reconstruction and its error. A GAN's tab makes new images from fresh noise instead;
* **Code plane** (`code_plane`; a VAE whose code has 2 numbers) — what the decoder makes across the codes from −3
  to 3.

`panel` holds `ModelPanel`, which wires the tabs; `widgets` the small widgets they share; `outputs` how a model's
outputs are read. The window builds the `TrainedModel` and its `Scores` in a background thread (both slow) and
hands them to `show_trained` on the GUI thread; the held-out rows are predicted there (a few thousand rows of the
app's small models: well under a second), or with the scores by `held_out_answers`. pyqtgraph is imported when the
first trained model is shown, not with the window.
"""

from __future__ import annotations

from designer.ui.model_panel.held_out import held_out_answers
from designer.ui.model_panel.panel import ModelPanel
from designer.ui.model_panel.sources import digit_look
from designer.ui.model_panel.widgets import ProbabilityBars, SideBySide, SquareFitted

__all__ = ["ModelPanel", "ProbabilityBars", "SideBySide", "SquareFitted", "digit_look", "held_out_answers"]
