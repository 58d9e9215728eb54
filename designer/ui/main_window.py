"""The designer window: palette, one canvas per graph (two for a GAN), inspector, summary, undo.

It owns the open `Project` (the one document), the single QUndoStack of core commands over it and its graphs,
the live analysis service, the data service and the autosave timer; the file commands (open, save, recovery)
live in `window_files`, the data and training commands in `window_data`. Panels redraw from the document's
events and talk to each other only through this window.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
)

from designer import __version__
from designer.core.commands import Command, RenameNode, SetParameter
from designer.core.graph import GraphEvent, LayerGraph
from designer.core.project import Project
from designer.ui.analysis_service import AnalysisService
from designer.ui.app_settings import RecentFiles
from designer.ui.canvas.editor import GraphEditor
from designer.ui.data_panel import DataPanel
from designer.ui.data_service import DataService
from designer.ui.inspector import Inspector
from designer.ui.palette import Palette
from designer.ui.recovery import RecoveryStore
from designer.ui.summary import SummaryPanel
from designer.ui.training_panel import TrainingPanel
from designer.ui.training_settings import TrainingSettings
from designer.ui.undo import run
from designer.ui.window_data import DataAndTrainingMixin
from designer.ui.window_exercises import ExercisesMixin
from designer.ui.window_files import APP_NAME, ProjectFilesMixin
from designer.ui.window_health import TrainingHealthMixin
from designer.ui.window_import import ModelImportMixin
from designer.ui.window_model import TrainedModelMixin
from designer.ui.window_runs import RunsMixin

ROLE_TITLES = {"model": "Model", "generator": "Generator", "discriminator": "Discriminator"}


def redo_keys() -> list[QKeySequence]:
    """Redo's keys: Ctrl+Shift+Z, Ctrl+Y and the platform's own, each once."""
    keys: list[QKeySequence] = []
    for key in [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"), *QKeySequence.keyBindings(QKeySequence.Redo)]:
        if not any(key.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in keys):
            keys.append(key)
    return keys


def autosave_interval_ms() -> int:
    """30 s, or DESIGNER_AUTOSAVE_SECONDS (tests make it short)."""
    try:
        return max(100, int(float(os.environ.get("DESIGNER_AUTOSAVE_SECONDS", "30")) * 1000))
    except ValueError:
        return 30_000


class _LayerClicks(QObject):
    """A layer clicked on a canvas while the Data or Settings tab is in front brings the Inspector forward: the
    person wants that layer's parameters (the click may not change the selection, so it is the click that counts)."""

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.MouseButtonRelease and event.button() == Qt.LeftButton:
            window = self.parent()
            if len(window.current_editor().scene.selected_node_ids()) == 1:
                window._inspector_dock.raise_()
        return False


class MainWindow(ProjectFilesMixin, ModelImportMixin, DataAndTrainingMixin, TrainedModelMixin, TrainingHealthMixin,
                 RunsMixin, ExercisesMixin, QMainWindow):
    project_loaded = Signal()

    def __init__(self, recovery: RecoveryStore | None = None, analysis: AnalysisService | None = None) -> None:
        super().__init__()
        self.project = Project([LayerGraph()])
        self._watched: Project | None = None  # the project whose events the window follows
        self.path: str | None = None
        self.undo_stack = QUndoStack(self)
        self._layer_clicks = _LayerClicks(self)
        self.editors: list[GraphEditor] = []
        self._pending: set[int] = set()  # graphs edited since their last analysis request (see _request_analysis)
        self._fit_when_loaded = False
        self._never_shown: set[int] = set()  # canvases not yet shown since the project opened (see _fit_all)
        self.recent = RecentFiles()
        self.recovery = recovery or RecoveryStore()
        self.analysis = analysis or AnalysisService(self)
        self.data = DataService(self)

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setTabBarAutoHide(True)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)

        self.palette = Palette(self)
        self.inspector = Inspector(self)
        self.summary = SummaryPanel(self)
        self._dock(self.palette, "Layers", Qt.LeftDockWidgetArea)
        self._inspector_dock = self._dock(self.inspector, "Inspector", Qt.RightDockWidgetArea)
        self._summary_dock = self._dock(self.summary, "Summary", Qt.RightDockWidgetArea)
        self.data_panel = DataPanel(self.data, self, active=False)
        self._data_dock = self._dock(self.data_panel, "Data", Qt.RightDockWidgetArea)
        self.tabifyDockWidget(self._inspector_dock, self._data_dock)
        self._inspector_dock.raise_()
        self._data_dock.visibilityChanged.connect(self.data_panel.set_active)
        self.training_settings = TrainingSettings(self)
        self._settings_dock = self._dock(self.training_settings, "Settings", Qt.RightDockWidgetArea)
        self.tabifyDockWidget(self._data_dock, self._settings_dock)
        self._inspector_dock.raise_()
        self.training_settings.setting_edited.connect(self._on_training_edited)
        self._make_model_docks()
        self._init_import()
        self.training_panel = TrainingPanel(self)
        self._training_dock = self._dock(self.training_panel, "Training", Qt.BottomDockWidgetArea)
        # the Training dock sits under the canvas only, a slim bar until a run shows its curves
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)
        self.setCorner(Qt.BottomRightCorner, Qt.RightDockWidgetArea)
        self.training_panel.train_requested.connect(self.start_training)
        self.training_run = None
        self._make_runs_dock()
        self._make_exercise_dock()
        self._init_health()
        self.data.finished.connect(self._check_fit)
        self.data_panel.fit_requested.connect(self.fit_model_to_data)
        self.data_panel.offline_requested.connect(self.use_bundled_digits)
        self.data_panel.training_edited.connect(self._on_training_edited)
        self.data_panel.dataset_chosen.connect(self._on_dataset_chosen)
        self.palette.add_requested.connect(self._add_from_palette)
        self.inspector.parameter_edited.connect(self._on_parameter_edited)
        self.inspector.rename_requested.connect(self._on_rename_requested)
        self.summary.layer_activated.connect(self._select_from_summary)

        self.device_label = QLabel("Loading TensorFlow…")
        self.statusBar().addPermanentWidget(self.device_label)
        self.analysis.keras_ready.connect(self._on_keras_ready)
        self.analysis.keras_failed.connect(self._on_keras_failed)
        self.analysis.report_ready.connect(self._on_report)

        self._make_actions()
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)
        self.undo_stack.indexChanged.connect(self._on_undo_index_changed)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(autosave_interval_ms())
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        self.recovery.start()

        self.resize(1400, 880)
        # the inspector gets the taller share: its form, messages and explanation should not need scrolling
        self.resizeDocks([self._inspector_dock, self._summary_dock], [500, 300], Qt.Vertical)
        self.resizeDocks([self._inspector_dock], [420], Qt.Horizontal)
        self.resizeDocks([self._training_dock], [70], Qt.Vertical)
        self.set_project(self.project, None)

    def _dock(self, widget, title: str, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}_dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    # ================================================================== actions and menus
    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action(file_menu, "&New…", self.new_from_gallery, QKeySequence.New,
                                       "Start a project from a template or a blank canvas")
        self.open_action = self._action(file_menu, "&Open…", self.open_dialog, QKeySequence.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.save_action = self._action(file_menu, "&Save", self.save, QKeySequence.Save)
        self.save_as_action = self._action(file_menu, "Save &As…", self.save_as, QKeySequence.SaveAs)
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export…", self.export_dialog, "Ctrl+E",
                                          "Write the trained model as .keras, SavedModel, TFLite, ONNX, a Python script "
                                          "or a notebook, checked by running it")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.Quit)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        # Ctrl+Shift+Z and Ctrl+Y everywhere; the platform's own Redo is one of them here, and giving one key twice
        # makes Qt call the shortcut ambiguous and do nothing
        self.redo_action.setShortcuts(redo_keys())
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        self._action(edit_menu, "Cu&t", lambda: self.current_editor().cut_selection(), QKeySequence.Cut)
        self._action(edit_menu, "&Copy", lambda: self.current_editor().copy_selection(), QKeySequence.Copy)
        self._action(edit_menu, "&Paste", lambda: self.current_editor().paste(), QKeySequence.Paste)
        self.delete_action = self._action(edit_menu, "&Delete", lambda: self.current_editor().delete_selection())
        self.delete_action.setShortcuts([QKeySequence.Delete, QKeySequence(Qt.Key_Backspace)])
        self._action(edit_menu, "Select &All", lambda: self.current_editor().select_all(), QKeySequence.SelectAll)

        view_menu = bar.addMenu("&View")
        self._action(view_menu, "&Fit to Window", lambda: self.current_editor().fit_to_view(), "Ctrl+0")
        self._action(view_menu, "Zoom &In", lambda: self.current_editor().view.zoom_by(1.25), QKeySequence.ZoomIn)
        self._action(view_menu, "Zoom &Out", lambda: self.current_editor().view.zoom_by(0.8), QKeySequence.ZoomOut)
        self._action(view_menu, "&Auto-arrange", lambda: self.current_editor().auto_arrange(), "Ctrl+L",
                     "Lay the layers out top to bottom, in the order data flows")
        train_menu = bar.addMenu("&Train")
        self.train_action = self._action(train_menu, "&Train", self.start_training, "F5",
                                         "Train the model on the chosen data, in the background")
        self.model_action = self._action(train_menu, "&Score and Try…", self.show_model_panel, "F6",
                                         "The trained model's scores on the test rows; try it on an input of yours")
        train_menu.addSeparator()
        self.reset_weights_action = self._action(train_menu, "&Reset Weights", self.reset_weights, None,
                                                 "Forget what training learned: the next run starts from fresh weights")
        train_menu.addSeparator()
        self.runs_action = self._action(train_menu, "R&uns", self.show_runs_panel, "F7",
                                        "Every run recorded with the project: compare their settings and curves")
        self.sweep_action = self._action(train_menu, "S&weep…", self.sweep_dialog, "Shift+F5",
                                         "Train several times with different settings and compare")
        view_menu.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view_menu.addAction(dock.toggleViewAction())

        learn_menu = bar.addMenu("&Learn")
        self.explorer_action = self._action(learn_menu, "&Activation functions and one neuron…", self.show_explorer,
                                            tip="The activation functions with their derivatives, and one neuron's sum")
        self.explorer_action.setEnabled(False)  # its numbers come from Keras: enabled once TensorFlow is loaded
        learn_menu.addSeparator()
        self.exercises_action = self._action(learn_menu, "&Exercises", self.show_exercises, "F8",
                                             "Exercises from the course notes that check your network and say what "
                                             "to change")
        self.check_action = self._action(learn_menu, "&Check Exercise", self.check_exercise, "F9",
                                         "Check the network (and your answers) against the open exercise")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Canvas basics", self._show_canvas_help)
        self.diagnostics_action = self._action(help_menu, "&Diagnostics…", self.show_diagnostics, None,
                                               "What this installation has and lacks: versions, GPUs (and why "
                                               "none), the display, the Keras cache, the app's folders")
        self._action(help_menu, f"&About {APP_NAME}", self._show_about)

    # ================================================================== the project
    def current_editor(self) -> GraphEditor:
        return self.tabs.currentWidget() or self.editors[0]

    def set_project(self, project: Project, path: str | None, clean: bool = True) -> None:
        """Show `project` (replacing what is open) with an empty undo history."""
        self.stop_sweep_for_another_project()
        for editor in self.editors:
            editor.graph.unsubscribe(editor._window_listener)
            self.analysis.forget(id(editor.graph))
            editor.detach()
        self.tabs.clear()
        for editor in self.editors:
            editor.deleteLater()
        self.editors = []
        self.undo_stack.clear()
        if self._watched is not None:
            self._watched.unsubscribe(self.on_project_event)
        project.subscribe(self.on_project_event)
        self._watched = project
        self.project = project
        self.path = path
        for graph in project.graphs:
            editor = GraphEditor(graph, self.undo_stack, self)
            editor.message.connect(self.show_message)
            editor.selection_changed.connect(self._on_selection_changed)
            editor.view.viewport().installEventFilter(self._layer_clicks)
            editor._window_listener = lambda event, g=graph: self._on_graph_event(g, event)
            graph.subscribe(editor._window_listener)
            self.editors.append(editor)
            self.tabs.addTab(editor, ROLE_TITLES.get(graph.role, graph.name))
            self._request_analysis(graph)
        if clean:
            self.undo_stack.setClean()
        else:
            # a recovered project has changes that are in no file yet: show it as modified until saved
            self.undo_stack.resetClean()
        self._update_title()
        self.data.set_choice(project.dataset)
        self.data_panel.show_training(project.training)
        self.training_settings.show_settings(project.training)
        if self.analysis.ready:
            self.data.preload()
        self._on_tab_changed(self.tabs.currentIndex())
        QTimer.singleShot(0, self._fit_all)
        self.update_weights_line()
        self.model_panel_changed()
        self.runs_panel.forget()
        if self.training_panel.forget():
            # the slim bar again, the canvas its room (once the hidden curves have left the dock's layout)
            QTimer.singleShot(0, lambda: self.resizeDocks([self._training_dock], [70], Qt.Vertical))
        self.refresh_runs()
        if project.load_notes:
            self.show_message(project.load_notes[0])
        self.project_loaded.emit()

    def _fit_all(self) -> None:
        # only the canvas in view: a hidden tab's view has no size yet, and a graph fitted to it is drawn tiny or
        # cut off when the tab is first shown (the Discriminator); each is fitted on its first showing instead
        self._never_shown = {id(e) for e in self.editors if e is not self.current_editor()}
        self.current_editor().fit_to_view()

    @property
    def is_modified(self) -> bool:
        return not self.undo_stack.isClean()

    def run_command(self, command: Command, target=None) -> str | None:
        """Do a core command on the project (or on one of its graphs) through the undo stack: None when done,
        else the reason it was refused, also shown in the status bar."""
        refusal = run(self.undo_stack, self.project if target is None else target, command)
        if refusal is not None:
            self.show_message(refusal)
        return refusal

    def _update_title(self) -> None:
        name = Path(self.path).name if self.path else self.project.name or "Untitled"
        self.setWindowTitle(f"{name}[*] — {APP_NAME}")
        self.setWindowModified(self.is_modified)

    def _on_undo_index_changed(self, _index: int) -> None:
        self._update_title()
        # an edit (or undo/redo) is complete: analyse now, before the repaints queued by the edit
        for editor in self.editors:
            if id(editor.graph) in self._pending:
                self._send_analysis(editor.graph)

    def _on_clean_changed(self, clean: bool) -> None:
        self._update_title()
        if clean:
            self.recovery.clear()

    # ================================================================== analysis
    def _on_graph_event(self, graph: LayerGraph, event: GraphEvent) -> None:
        if event.kind == "node_moved":
            return  # positions change no shape
        self._request_analysis(graph)
        if event.kind == "param_changed":
            self._follow_frozen_layers(graph, event.node_id)
        if event.kind in ("param_changed", "node_renamed", "node_removed") and graph is self.current_editor().graph:
            QTimer.singleShot(0, self._on_selection_changed)

    def _request_analysis(self, graph: LayerGraph) -> None:
        # many events from one command (a paste) become one request, sent when the undo stack says the
        # command is done (or, for changes outside the stack such as opening a file, on the next turn)
        if id(graph) in self._pending:
            return
        self._pending.add(id(graph))
        QTimer.singleShot(0, lambda: self._send_analysis(graph))

    def _send_analysis(self, graph: LayerGraph) -> None:
        if id(graph) not in self._pending:
            return  # already sent
        self._pending.discard(id(graph))
        if any(editor.graph is graph for editor in self.editors):
            self.analysis.request(id(graph), graph)

    def analysis_settled(self, graph: LayerGraph) -> bool:
        """Whether the canvas shows Keras's complete report for this graph as it is now."""
        return id(graph) not in self._pending and self.analysis.up_to_date(id(graph))

    def _on_report(self, key, report, complete: bool) -> None:
        for editor in self.editors:
            if id(editor.graph) == key:
                editor.scene.apply_report(report, complete)
                if editor is self.current_editor():
                    self.summary.show_report(editor.graph, report, complete)
                    self._refresh_inspector()
        self._check_fit()
        self.update_weights_line()
        self.model_panel_changed()

    def _on_keras_ready(self, device: str) -> None:
        # the window is up and TensorFlow loaded: read the project's data (if it needs no download) so a model
        # that does not fit it is marked on the canvas before anyone opens the Data tab
        self.data.preload()
        self.explorer_action.setEnabled(True)
        self.device_label.setText(f"Training device: {device}")
        self.device_label.setToolTip("The device TensorFlow will train on (Settings → device chooses another)")
        from designer.keras_bridge.runtime import gpu_names  # TensorFlow is loaded: this is quick

        self.training_settings.show_devices(gpu_names())

    def _on_keras_failed(self, message: str) -> None:
        self.device_label.setText("TensorFlow unavailable")
        self.show_message(f"{message}. Shapes cannot be computed; reinstall with: pip install -e .")

    # ================================================================== panels
    def _on_tab_changed(self, index: int) -> None:
        if not self.editors:
            return
        editor = self.current_editor()
        report = editor.scene.report
        self.summary.show_report(editor.graph if report else None, report, editor.scene.report_complete)
        self._on_selection_changed()
        if id(editor) in self._never_shown:
            self._never_shown.discard(id(editor))
            QTimer.singleShot(0, editor.fit_to_view)  # once the tab has its size

    def report_of(self, graph: LayerGraph):
        """The newest analysis report its canvas shows for `graph` (None before the first)."""
        return next((e.scene.report for e in self.editors if e.graph is graph), None)

    def _node_report(self, graph: LayerGraph, node_id: str):
        """What the Inspector shows of a layer: Keras's report, with the messages about the data and the other end
        of the network the canvas shows on the node (a generator that makes 784 numbers where the discriminator
        reads 64)."""
        editor = next((e for e in self.editors if e.graph is graph), None)
        if editor is not None and editor.scene.report is not None:
            return editor.scene.shown_report(node_id)
        report = self.report_of(graph)
        return report.nodes.get(node_id) if report else None

    def show_data_panel(self) -> None:
        """Bring the Data tab to the front (its preview loads once it is in view)."""
        self._data_dock.raise_()

    def _on_selection_changed(self) -> None:
        editor = self.current_editor()
        selected = editor.scene.selected_node_ids()
        if len(selected) == 1 and selected[0] in editor.graph:
            node_id = selected[0]
            self.inspector.show_node(editor.graph.node(node_id), self._node_report(editor.graph, node_id))
        else:
            self.inspector.show_node(None, None, selected_count=len(selected))

    def _refresh_inspector(self) -> None:
        editor = self.current_editor()
        selected = editor.scene.selected_node_ids()
        if len(selected) == 1 and selected[0] in editor.graph:
            node_id = selected[0]
            self.inspector.refresh(editor.graph.node(node_id), self._node_report(editor.graph, node_id))

    def _on_parameter_edited(self, node_id: str, name: str, value) -> None:
        refusal = self.current_editor().run(SetParameter(node_id, name, value))
        if refusal is not None:
            self.inspector.show_error(refusal)
            self._refresh_inspector()

    def _on_rename_requested(self, node_id: str, name: str) -> None:
        refusal = self.current_editor().run(RenameNode(node_id, name))
        if refusal is not None:
            self.inspector.show_error(refusal)
            self._refresh_inspector()

    def _add_from_palette(self, key: str) -> None:
        self.current_editor().add_after_selection(key)
        self.current_editor().view.setFocus()

    def _select_from_summary(self, node_id: str) -> None:
        editor = self.current_editor()
        editor.scene.select_nodes([node_id])
        editor.view.ensureVisible(editor.scene.nodes[node_id], 60, 60)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # ================================================================== help and closing
    def show_explorer(self):
        from designer.ui.explorer import ExplorerDialog

        dialog = ExplorerDialog(self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _show_canvas_help(self) -> None:
        QMessageBox.information(
            self, "Canvas basics",
            "• Drag a layer from the palette onto the canvas, or double-click it to add it after the selected layer.\n"
            "• Drag from a layer's output port (the dot below it) to another layer's input port (above it) to connect.\n"
            "• Drag on empty canvas to select several layers; Del deletes; Ctrl+C / Ctrl+V copy and paste.\n"
            "• Mouse wheel zooms; middle button or Space + drag pans; Ctrl+0 fits; Ctrl+L arranges.\n"
            "• A red layer has a problem: hover it or select it to read what is wrong and how to fix it.",
        )

    def show_diagnostics(self) -> None:
        from designer.ui.diagnostics_dialog import DiagnosticsDialog

        dialog = DiagnosticsDialog(self)
        dialog.setObjectName("diagnostics_dialog")
        dialog.open()
        self._diagnostics_dialog = dialog  # kept for tests and so it is not collected while open

    def _show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", f"{APP_NAME} {__version__}\nDesign, train and export neural networks.")

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.export_in_progress():
            QMessageBox.information(self, APP_NAME, "An export is being written and checked: close the window once "
                                                     "the Export dialog shows how the check went.")
            event.ignore()
            return
        if not self.ask_save_changes():
            event.ignore()
            return
        self.autosave_timer.stop()
        self.recovery.stop()
        self.hide()  # gone from the screen at once, even if the analysis thread is still loading TensorFlow
        if self.sweep_run is not None:
            self.sweep_run.stop_now()  # no next trial; the one under way stops below
        if self.training_run is not None and self.training_run.is_running():
            self.training_run.stop()
            self.training_run.wait()
        self.wait_for_model_task()  # a QThread destroyed while it runs ends the process
        self.wait_for_import()
        self.wait_for_check()
        self.analysis.shutdown()
        event.accept()
