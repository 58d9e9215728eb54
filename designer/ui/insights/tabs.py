"""The tabs of the insight panels: `InsightPanels` has the Health tab (designer.ui.insights.health) first, then a tab
per panel of the registry, in its order.
`set_plan` says beforehand which panels will get data; the others show, in plain words, why they stay empty, and
go to the end of the tab bar, greyed. `show_snapshot` runs on the GUI thread at the end of an epoch and draws
only the panel in view; each panel keeps its plot items and only sets new data on them, and is made (`PanelPage`)
the first time it is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from designer.ui import style
from designer.ui.insights.health import HEALTH_COLOUR, HealthPanel
from designer.ui.insights.registry import REGISTRY

WAITING = "Appears at the end of the first epoch."
GREYED_TAB = "#9aa0a6"


class PanelPage(QStackedWidget):
    """One tab: a message (when the panel fills, or why it stays empty) or the panel itself, which is made the
    first time it is needed: a classifier never pays for the GAN's grid of 16 pictures (about 0.1 s each grid)."""

    def __init__(self, make: Callable[[], QWidget]) -> None:
        super().__init__()
        self._make = make
        self._content: QWidget | None = None
        holder = QWidget()
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # as wide as it can be up to 560 px: a long reason reads as a short paragraph, not one line across the
        # window, nor the narrow column Qt gives a wrapped label that is merely centred
        self.label.setMaximumWidth(560)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.label.setStyleSheet(f"color: {style.MUTED_TEXT_COLOUR}; font-size: 11pt;")
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.label, 100)  # the label's stretch wins over the margins' until its maximum width
        row.addStretch(1)
        centred = QVBoxLayout(holder)
        centred.setContentsMargins(24, 24, 24, 24)
        centred.addStretch(1)
        centred.addLayout(row)
        centred.addStretch(1)
        self.addWidget(holder)

    @property
    def content(self) -> QWidget:
        if self._content is None:
            self._content = self._make()
            self.addWidget(self._content)
        return self._content

    @property
    def made(self) -> bool:
        return self._content is not None

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.setCurrentIndex(0)

    def show_data(self) -> None:
        self.setCurrentWidget(self.content)

    @property
    def showing_data(self) -> bool:
        return self.currentIndex() == 1


class InsightPanels(QTabWidget):
    """A tab per insight panel; see the module docstring."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self._pages = {name: PanelPage(entry.make) for name, entry in REGISTRY.items()}
        self._reasons: dict[str, str | None] = dict.fromkeys(REGISTRY)
        #: snapshots a panel out of view has not drawn yet (see show_snapshot)
        self._waiting: dict[str, list] = {name: [] for name in REGISTRY}
        #: the training-health findings: always the first tab, its title counting them
        self.health = HealthPanel()
        self.health.count_changed.connect(self._count_findings)
        self._arrange()
        self.currentChanged.connect(lambda index: self._show_waiting(self.widget(index)))

    # ------------------------------------------------------------------ public
    def set_plan(self, reasons: dict[str, str | None]) -> None:
        """Which panels will get data (None) and why the others will not: meaningful tabs first, the others greyed
        with their reason in the page and as the tab's tooltip."""
        self._reasons = {name: reasons.get(name) for name in REGISTRY}
        self._arrange()

    def show_snapshot(self, snapshot) -> None:
        """The panel in view takes what the snapshot has for it at once; the others when they come into view.

        Drawing every panel at every snapshot cost the GUI thread ~30 ms while training (more for the first
        one, which builds the panels), enough to make the window stutter; a hidden panel only keeps the
        snapshots it will need: the latest, and for the panels that show the epochs gone by (histograms,
        generated images) each one, without the activations that make a snapshot big."""
        for name in REGISTRY:
            if self._reasons[name] is not None:
                continue
            if REGISTRY[name].keeps_history:
                self._waiting[name].append(replace(snapshot, activations=[], samples=None))
            elif getattr(snapshot, name):  # a snapshot without this panel's field leaves it as it is
                self._waiting[name] = [snapshot]
        self._show_waiting(self.currentWidget())

    def _show_waiting(self, page) -> None:
        name = next((n for n, p in self._pages.items() if p is page), None)
        if name is None or self._reasons[name] is not None or not self._waiting[name]:
            return
        waiting, self._waiting[name] = self._waiting[name], []
        shown = False
        for snapshot in waiting:
            shown = page.content.show_snapshot(snapshot) or shown
        if shown:
            page.show_data()

    def clear(self) -> None:
        """Back to the state before `set_plan`: no data, no reasons, the tabs in their first order."""
        self.health.reset()
        for page in self._pages.values():
            if page.made:
                page.content.reset()
            page.say(WAITING)
        self._reasons = dict.fromkeys(REGISTRY)
        self._waiting = {name: [] for name in REGISTRY}
        self._arrange()

    def panel(self, name: str) -> QWidget:
        """The panel's own widget (made now if it was not yet)."""
        return self._pages[name].content

    def show_panel(self, name: str) -> QWidget:
        """Bring a panel into view (as clicking its tab does: it draws what it has not drawn yet); its widget."""
        self.setCurrentWidget(self._pages[name])
        return self._pages[name].content

    def showing_data(self, name: str) -> bool:
        return self._pages[name].showing_data

    def message(self, name: str) -> str:
        """The text the panel shows instead of data ("" while it shows data)."""
        page = self._pages[name]
        return "" if page.showing_data else page.label.text()

    def tab_names(self) -> list[str]:
        """The panels in their tab order ("health" first)."""
        pages = {id(page): name for name, page in self._pages.items()}
        pages[id(self.health)] = "health"
        return [pages[id(self.widget(i))] for i in range(self.count())]

    def _count_findings(self, count: int) -> None:
        index = self.indexOf(self.health)
        self.setTabText(index, f"Health ({count})" if count else "Health")
        self.tabBar().setTabTextColor(index, QColor(HEALTH_COLOUR if count else style.TEXT_COLOUR))

    # ------------------------------------------------------------------ tabs
    def _arrange(self) -> None:
        meaningful = [name for name in REGISTRY if self._reasons[name] is None]
        others = [name for name in REGISTRY if self._reasons[name] is not None]
        self.blockSignals(True)
        while self.count():
            self.removeTab(0)
        self.addTab(self.health, "Health")
        self._count_findings(len(self.health.findings))
        for name in meaningful + others:
            page, reason = self._pages[name], self._reasons[name]
            index = self.addTab(page, REGISTRY[name].title)
            if reason is not None:
                self.tabBar().setTabTextColor(index, QColor(GREYED_TAB))
                self.setTabToolTip(index, reason)
                page.say(reason)
            elif not page.showing_data:
                page.say(WAITING)
        self.setCurrentIndex(1)  # the first live panel; the Health tab turns red and counts when it has something
        self.blockSignals(False)
