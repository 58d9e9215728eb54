"""The Health tab: every training-health finding of the run (designer.training.health) as a card — what it is and
where, the advice in plain words, its evidence as a small plot (the loss curves with the best epoch marked, the
gradient of a layer next to the output layer's, the share of dead units over the epochs), and a button per fix.
A click asks the window to apply the fix (`fix_requested`); the window answers with `fix_applied` or
`fix_refused`, and the card clicked says so (the same edit offered on another card is then done there too). Findings arrive from the training thread through the run's `health_found`
signal; `show_findings` redraws only the cards whose finding is new or whose evidence changed.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout,
                               QWidget)

from designer.ui import style

HEALTH_COLOUR = "#c0392b"
BEFORE = ("Health checks run while the model trains: dead or saturated layers, vanishing or exploding gradients, "
          "overfitting, a learning rate too high or too low, a GAN that collapses. What they find shows here and "
          "on the layer it is about.")
NOTHING = ("Nothing found so far: no dead, saturated or vanishing layers, no overfitting, no trouble with the "
           "learning rate.")
NOTHING_IN_THE_RUN = ("Nothing found in this run: no dead, saturated or vanishing layers, no overfitting, no trouble "
                      "with the learning rate.")
SERIES_COLOURS = ("#1a73e8", "#e8710a", "#188038", "#9334e6")
PLOT_WIDTH, PLOT_HEIGHT = 260, 130


class FindingCard(QFrame):
    """One finding: title, epoch, advice, evidence plot, fix buttons."""

    fix_clicked = Signal(object)  # designer.core.fixes.Fix

    def __init__(self, finding) -> None:
        super().__init__()
        self.setObjectName("finding_card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"#finding_card {{ border: 1px solid #dadce0; border-left: 4px solid {HEALTH_COLOUR}; "
                           "border-radius: 4px; background: #ffffff; }")
        self.title = QLabel()
        self.title.setStyleSheet(f"font-weight: bold; color: {HEALTH_COLOUR};")
        self.title.setWordWrap(True)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.advice.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.hide()
        self.buttons: list[QPushButton] = []
        # one fix per line: the panel beside the curves is narrow, and a fix's label says what it changes
        self.button_column = QVBoxLayout()
        self.button_column.setContentsMargins(0, 0, 0, 0)
        self.button_column.setSpacing(4)
        self.plot = pg.PlotWidget()
        self.plot.setMinimumWidth(PLOT_WIDTH // 2)
        self.plot.setMaximumWidth(PLOT_WIDTH * 2)
        self.plot.setFixedHeight(PLOT_HEIGHT)
        self.plot.setBackground("w")
        item = self.plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        self.plot.setMouseEnabled(x=False, y=False)
        # top to bottom, so that a narrow panel wraps the words instead of hiding the plot
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 8, 8)
        column.addWidget(self.title)
        column.addWidget(self.advice)
        column.addWidget(self.plot)
        column.addLayout(self.button_column)
        column.addWidget(self.result)
        self.finding = None
        self.show_finding(finding)

    def show_finding(self, finding) -> None:
        first = self.finding is None
        self.finding = finding
        self.title.setText(f"{finding.title} — since epoch {finding.epoch}")
        self.advice.setText(finding.advice)
        if first:
            for fix in finding.fixes:
                button = QPushButton(fix.label)
                button.setToolTip("Changes the project as one step (Edit → Undo takes it back); train again to see "
                                  "whether it helps.")
                button.clicked.connect(lambda _=False, f=fix: self.fix_clicked.emit(f))
                self.button_column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
                self.buttons.append(button)
        self._draw(finding.evidence)

    def _draw(self, evidence) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        if evidence is None:
            self.plot.hide()
            return
        self.plot.show()
        item.setLogMode(y=evidence.log_y)
        # the series are named in the title, in their colours: a legend inside a plot this small covers a curve
        names = ", ".join(f"<span style='color:{SERIES_COLOURS[i % len(SERIES_COLOURS)]}'>{name}</span>"
                          for i, (name, _, _) in enumerate(evidence.series))
        item.setTitle(f"{evidence.title}" + (f" ({names})" if len(evidence.series) > 1 else ""), size="8pt")
        item.setLabel("bottom", evidence.x_label, **{"font-size": "7pt"})
        if evidence.y_range is not None:
            item.setYRange(*evidence.y_range, padding=0.05)
        else:
            item.enableAutoRange(axis="y")
        for index, (name, xs, ys) in enumerate(evidence.series):
            colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
            dashed = index > 0 and len(xs) == 2  # a level to compare with (the biggest class, the threshold)
            pen = pg.mkPen(colour, width=2, style=Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
            item.plot(list(xs), list(ys), pen=pen,
                      symbol=None if dashed or len(xs) > 12 else "o", symbolSize=4, symbolBrush=colour)
        if evidence.mark is not None:
            item.addItem(pg.InfiniteLine(evidence.mark, angle=90,
                                         pen=pg.mkPen(HEALTH_COLOUR, width=1, style=Qt.PenStyle.DotLine)))

    def disable(self, fix) -> None:
        """The fix is applied: its button (here, and on other cards offering the same edit) is done."""
        for button, offered in zip(self.buttons, self.finding.fixes):
            if offered == fix:
                button.setEnabled(False)

    def applied(self, text: str) -> None:
        self.result.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR};")
        self.result.setText(text)
        self.result.show()

    def refused(self, text: str) -> None:
        self.result.setStyleSheet(f"color: {style.ERROR_COLOUR};")
        self.result.setText(text)
        self.result.show()


class HealthPanel(QWidget):
    """The Health tab; see the module docstring."""

    fix_requested = Signal(object)  # a designer.core.fixes.Fix
    count_changed = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.message = QLabel(BEFORE)
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}; font-size: 11pt;")
        self.cards: dict[tuple, FindingCard] = {}
        #: the latest findings of the run, and those new since the cards were last drawn
        self.findings: list = []
        self._new: list = []
        self._list = QWidget()
        self._list_layout = QVBoxLayout(self._list)
        self._list_layout.setContentsMargins(4, 4, 4, 4)
        self._list_layout.addWidget(self.message)
        self._list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._list)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def reset(self) -> None:
        self.findings: list = []
        self._new: list = []
        for card in self.cards.values():
            card.setParent(None)
            card.deleteLater()
        self.cards = {}
        self.message.setText(BEFORE)
        self.message.show()
        self.count_changed.emit(0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._draw_findings()

    def started(self) -> None:
        """A run began: its findings replace the last run's."""
        self.reset()
        self.message.setText(NOTHING)

    def finished(self) -> None:
        """The run ended: what was found stays; none found is said of the whole run."""
        if not self.findings:
            self.message.setText(NOTHING_IN_THE_RUN)

    def show_findings(self, new: list, findings: list) -> None:
        """The run's findings so far; the tab's count follows at once, the cards are drawn when the tab is in view
        (a card's plot costs the window ~30 ms to make: not while the person watches another panel train)."""
        self.findings = list(findings)
        self._new += new
        self.count_changed.emit(len(self.findings))
        if self.isVisible():
            self._draw_findings()

    def _draw_findings(self) -> None:
        new, self._new = self._new, []
        for finding in self.findings:
            card = self.cards.get(finding.ident)
            if card is None:
                card = FindingCard(finding)
                card.fix_clicked.connect(lambda fix, card=card: self._request(fix, card))
                self.cards[finding.ident] = card
                self._list_layout.insertWidget(self._list_layout.count() - 1, card)
            elif finding in new or card.finding.evidence != finding.evidence:
                card.show_finding(finding)
        self.message.setVisible(not self.cards)

    def _request(self, fix, card: FindingCard) -> None:
        self.asking = card
        self.fix_requested.emit(fix)

    def fix_applied(self, fix, text: str) -> FindingCard | None:
        """Say on the card whose button was clicked that its fix is done; the same edit offered elsewhere is
        done too. Returns that card."""
        card = self._card_asking(fix)
        for other in self.cards.values():
            other.disable(fix)
        if card is not None:
            card.applied(text)
        return card

    def fix_refused(self, fix, text: str) -> None:
        card = self._card_asking(fix)
        if card is not None:
            card.refused(text)

    def _card_asking(self, fix) -> FindingCard | None:
        card = getattr(self, "asking", None)
        if card is not None and fix in card.finding.fixes and card in self.cards.values():
            return card
        return next((c for c in self.cards.values() if fix in c.finding.fixes), None)

    def titles(self) -> list[str]:
        return [finding.title for finding in self.findings]
