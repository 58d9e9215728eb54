"""GUI tests run headless: Qt's offscreen platform is chosen before any test module imports Qt.

Fixtures here open the real designer window with its settings and recovery files in a temporary folder, and
drive it as a person would: drops from the palette (synthetic drag events, since a QDrag never delivers its
drop under the offscreen platform), port-to-port drags with the mouse, typing into the inspector.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture
def read_next_dialog():
    """`read_next_dialog(messages)`: once the next modal dialog is open, append its text and informative text to
    `messages` and close it (dialogs block until answered)."""
    return _read_next_dialog


def _read_next_dialog(messages: list) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def read_and_close():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, read_and_close)
            return
        messages.append(box.text() + "\n" + box.informativeText())
        box.accept()

    QTimer.singleShot(20, read_and_close)


@pytest.fixture
def isolated_settings(tmp_path, monkeypatch):
    """Recent files and recovery files go to a temporary folder, never the user's."""
    monkeypatch.setenv("DESIGNER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DESIGNER_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def window(qtbot, isolated_settings):
    """The designer window on a blank project, shown, with Keras ready for shapes."""
    from designer.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.new_project("")
    win.show()
    qtbot.waitExposed(win)
    win.analysis.start()
    qtbot.waitUntil(lambda: win.analysis.ready, timeout=120_000)
    yield win
    win.undo_stack.setClean()  # no "save changes?" question at teardown
    win.close()
    # what this test's window leaves in reference cycles is collected here, in the GUI thread, not by a later
    # test's worker thread (see designer.ui.gui_garbage)
    from designer.ui.gui_garbage import collect_before_worker

    win.deleteLater()
    qtbot.wait(10)
    collect_before_worker()


class CanvasDriver:
    """Mouse and keyboard on the current canvas of a window, in scene coordinates."""

    def __init__(self, qtbot, window):
        self.qtbot = qtbot
        self.window = window

    @property
    def editor(self):
        return self.window.current_editor()

    def viewport_point(self, scene_point):
        return self.editor.view.mapFromScene(scene_point)

    def drop(self, key, scene_x, scene_y):
        """Drop a layer kind from the palette at a scene position, as a drag-and-drop would deliver it."""
        from PySide6.QtCore import QPointF, Qt
        from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
        from PySide6.QtWidgets import QApplication

        from designer.ui.palette import Palette

        palette = self.window.palette
        assert isinstance(palette, Palette)
        mime = palette.tree.mimeData([palette.item_for(key)])  # exactly what the palette would drag
        point = self.viewport_point(QPointF(scene_x, scene_y))
        viewport = self.editor.view.viewport()
        before = {node.id for node in self.editor.graph.nodes()}
        QApplication.sendEvent(viewport, QDragEnterEvent(point, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
        QApplication.sendEvent(viewport, QDragMoveEvent(point, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
        QApplication.sendEvent(viewport, QDropEvent(QPointF(point), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
        added = {node.id for node in self.editor.graph.nodes()} - before
        assert len(added) == 1, f"the drop of {key} added {len(added)} layers"
        return added.pop()

    def drag(self, start, end):
        """Press at one scene point, move in steps, release at another (left button)."""
        from PySide6.QtCore import QPointF, Qt

        viewport = self.editor.view.viewport()
        a, b = self.viewport_point(start), self.viewport_point(end)
        self.qtbot.mousePress(viewport, Qt.LeftButton, Qt.NoModifier, a)
        for step in range(1, 6):
            t = step / 5
            point = QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t).toPoint()
            self.qtbot.mouseMove(viewport, point)
        self.qtbot.mouseRelease(viewport, Qt.LeftButton, Qt.NoModifier, b)

    def connect(self, source_id, target_id):
        """Drag from the source layer's output port to the target layer's input port."""
        scene = self.editor.scene
        self.drag(scene.nodes[source_id].output_port.scenePos(), scene.nodes[target_id].input_port.scenePos())

    def click_node(self, node_id):
        from PySide6.QtCore import QPointF, Qt

        item = self.editor.scene.nodes[node_id]
        centre = item.scenePos() + QPointF(60, 45)
        self.qtbot.mouseClick(self.editor.view.viewport(), Qt.LeftButton, Qt.NoModifier, self.viewport_point(centre))

    def type_into(self, widget, text):
        """Replace a field's text by typing, then press Enter (as a person edits a value)."""
        from PySide6.QtCore import Qt

        widget.setFocus()
        line_edit = widget.lineEdit() if hasattr(widget, "lineEdit") and widget.lineEdit() else widget
        line_edit.selectAll()
        self.qtbot.keyClicks(line_edit, text)
        self.qtbot.keyClick(line_edit, Qt.Key_Return)

    def wait_for_analysis(self):
        """Until the window shows a complete report for the current graph's present state."""
        graph = self.editor.graph
        self.qtbot.waitUntil(lambda: self.window.analysis_settled(graph), timeout=30_000)


@pytest.fixture
def canvas(qtbot, window):
    return CanvasDriver(qtbot, window)


@pytest.fixture(scope="session", autouse=True)
def _empty_clipboard_before_exit():
    """PySide6 6.11 on the offscreen platform crashes at interpreter exit (exit status 139, after every test has
    passed) if the clipboard still holds data the app put there; a copy/paste test leaves layers on it. Measured:
    one QClipboard.setMimeData, then exit → segfault offscreen, none under X11 (xcb). Emptying it first avoids it."""
    yield
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is not None:
        QApplication.clipboard().clear()
