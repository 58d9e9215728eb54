"""The Model panel's "Code plane" tab, for a VAE whose code has 2 numbers: what the decoder makes across the codes
from −CODE_LIMIT to CODE_LIMIT, as one picture on a plot whose axes are the code's two numbers.

`CodePlaneMixin` is a mixin of `ModelPanel`: it relies on the panel's `trained`, `picture`, `levels` and
`_pictures`, and sets `code_plane` (the decoded pictures tiled into one).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from designer.ui.model_panel.outputs import shape_in_words
from designer.ui.model_panel.widgets import add_centred_note, laid_out, muted, plain_plot

#: pictures per side, and the code values they span
CODE_STEPS = 12
CODE_LIMIT = 3.0


class CodePlaneMixin:
    def _code_plane_page(self) -> QWidget:
        page, layout = laid_out(top=4)
        why = self._draw_code_plane(layout)
        if why:
            add_centred_note(layout, why)
        return page

    def _draw_code_plane(self, layout: QVBoxLayout) -> str:
        """The decoder's pictures over the plane of 2-number codes; or why there are none, in words."""
        import pyqtgraph as pg

        from designer.keras_bridge.models import BuildError, decoder_of

        try:
            decoder = decoder_of(self.trained.model, self.trained.project.graph("model"))
        except (BuildError, ValueError, KeyError) as error:
            return f"No code plane: {error}"
        code = tuple(decoder.inputs[0].shape[1:])
        if code != (2,):
            return (f"The code has {shape_in_words(code)}: the plane of codes is drawn for a code of 2 numbers (set "
                    "the units of the mean and log-variance layers to 2).")
        if self.picture is None:
            return "The decoder's outputs are not pictures: the plane of codes is drawn for pictures."
        values = np.linspace(-CODE_LIMIT, CODE_LIMIT, CODE_STEPS, dtype=np.float32)
        # reading order: the top row has the biggest second number, as the plot's y axis goes up
        codes = np.asarray([(a, b) for b in values[::-1] for a in values], dtype=np.float32)
        made = self._pictures(np.asarray(decoder(codes, training=False)))
        if made.ndim != 3:
            return "The code plane is drawn for one-channel pictures."
        height, width = made.shape[1:]
        tiled = made.reshape(CODE_STEPS, CODE_STEPS, height, width).transpose(0, 2, 1, 3)
        tiled = tiled.reshape(CODE_STEPS * height, CODE_STEPS * width)
        self.code_plane = tiled
        plot, item = plain_plot()
        item.vb.setAspectLocked(True)
        image = pg.ImageItem(axisOrder="row-major")
        image.setImage(np.flipud(tiled), levels=self.levels)  # row 0 at the bottom, as the y axis goes up
        step = 2 * CODE_LIMIT / (CODE_STEPS - 1)
        span = 2 * CODE_LIMIT + step
        image.setRect(QRectF(-CODE_LIMIT - step / 2, -CODE_LIMIT - step / 2, span, span))
        item.addItem(image)
        item.setLabel("bottom", "first number of the code")
        item.setLabel("left", "second number")
        plot.setTitle("What the decoder makes across the codes", size="10pt")
        plot.setMinimumHeight(260)
        layout.addWidget(plot, 1)
        layout.addWidget(muted("Codes near 0 are the common ones: the VAE learned to put its training "
                               "images there."))
        return ""
