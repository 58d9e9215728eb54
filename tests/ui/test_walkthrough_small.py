"""The smaller things a new student met in the walkthrough of issue 18, each through the real widgets: a layer
clicked while the Data tab is in front brings the Inspector forward; Save As… opens where the projects are; the
neuron calculator follows the typing; the gallery scrolls by a fraction of a row per wheel step and says which
templates' data is a download; the GAN's epoch slider names one epoch."""

from pathlib import Path
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QTabBar

from designer.core.project_files import save_project
from designer.core.templates import load_template
from designer.ui.insights.generated import GeneratedPanel
from designer.ui.templates_dialog import TemplatesDialog


def front_tab(window, title):
    """The title of the dock in front among those tabbed with the dock called `title`."""
    for bar in window.findChildren(QTabBar):
        if title in [bar.tabText(i) for i in range(bar.count())]:
            return bar.tabText(bar.currentIndex())
    return None


def test_a_layer_clicked_while_the_data_tab_is_in_front_shows_the_inspector(window, canvas, qtbot):
    node = canvas.drop("Dense", 0, 0)
    qtbot.wait(20)
    window._data_dock.raise_()
    qtbot.wait(20)
    assert front_tab(window, "Inspector") == "Data"
    canvas.click_node(node)
    qtbot.wait(20)
    assert front_tab(window, "Inspector") == "Inspector"
    assert window.inspector.field("units").value() == 32


def test_save_as_opens_in_the_folder_of_the_last_project(window, tmp_path, monkeypatch):
    folder = tmp_path / "my projects"
    folder.mkdir()
    save_project(load_template("perceptron"), folder / "earlier.json")
    assert window.open_file(str(folder / "earlier.json"))
    window.new_project("digits_mlp")
    offered = []
    monkeypatch.setattr("designer.ui.window_files.QFileDialog.getSaveFileName",
                        lambda parent, title, suggested, filter: (offered.append(suggested), ("", ""))[1])
    window.save_as()
    assert len(offered) == 1 and Path(offered[0]).parent == folder and offered[0].endswith(".json")


def test_the_neuron_calculator_follows_the_typing(window, qtbot):
    dialog = window.show_explorer()
    qtbot.addWidget(dialog)
    dialog.bias.selectAll()
    qtbot.keyClicks(dialog.bias, "1.1")  # no Enter
    assert "z = 0.5·2 − 0.3·3 + 0.8·1 + 1.1 = <b>2</b>" in dialog.result.text()


def test_the_gallery_scrolls_gently_and_says_which_data_is_a_download(qtbot):
    dialog = TemplatesDialog()
    qtbot.addWidget(dialog)
    dialog.resize(900, 400)
    dialog.show()
    qtbot.waitExposed(dialog)
    bar = dialog.gallery.verticalScrollBar()
    assert bar.maximum() > 0
    viewport = dialog.gallery.viewport()
    wheel = QWheelEvent(QPointF(50, 50), QPointF(viewport.mapToGlobal(QPoint(50, 50))), QPoint(0, 0), QPoint(0, -120),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    row = dialog.gallery.gridSize().height()
    assert 0 < bar.value() < row  # one wheel step: a fraction of a row, not two rows
    tips = {dialog.gallery.item(i).data(Qt.UserRole): dialog.gallery.item(i).toolTip()
            for i in range(dialog.gallery.count())}
    assert "is a download the first time it trains" in tips["mnist_cnn"] and "11 MB" in tips["mnist_cnn"]
    assert "comes with the app: it works offline" in tips["digits_mlp"]
    assert "is made on this computer: it works offline" in tips["perceptron"]


def test_the_gan_epoch_slider_names_one_epoch(qtbot):
    panel = GeneratedPanel()
    qtbot.addWidget(panel)
    for epoch in (0, 4, 39):
        panel.show_snapshot(SimpleNamespace(epoch=epoch, generated=np.zeros((16, 8, 8, 1), dtype="float32")))
    assert panel.slider_label.text() == "40"
    panel.slider.setValue(1)
    assert panel.slider_label.text() == "5" and "3 kept so far" in panel.slider.toolTip()
