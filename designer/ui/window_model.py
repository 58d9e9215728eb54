"""The window's commands for what training learned: keeping a run's weights with the project (an undoable change
to save), saying what an edit keeps of them, Reset weights, the Model panel (score and try the trained model) and
File → Export….

A mixin of `MainWindow`, like `window_files` and `window_data`. It relies on the window's `project`, `data`,
`editors`, `report_of`, `run_command`, `training_panel`, `show_message` and the docks made in `_make_model_docks`.
Building the trained model and scoring it take seconds: they run in a `BackgroundTask`, on a copy of the project.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from designer.core.commands import Compound, SetTrained
from designer.core.run_commands import AddRun
from designer.core.trained import reuse_of
from designer.ui.background import BackgroundTask


class TrainedModelMixin:
    # ================================================================== keeping what a run learned
    def keep_trained(self, result, project=None, run=None) -> None:
        """A run ended (finished, stopped, early-stopped): the project keeps what it learned and the run's record
        (designer.core.runs), as one undo step. `project`: the one the run was started for; when another is open
        by now, nothing is kept. `run`: the TrainingRun, whose record is kept (none without it)."""
        if project is not None and project is not self.project:
            self.show_message("The run that ended trained a project that is no longer open; its weights were not kept.")
            return
        epochs = len(next(iter(result.history.values()), []))
        steps = [AddRun(self.run_record(run, result))] if run is not None else []
        if result.trained:
            steps.insert(0, SetTrained(result.trained))
        else:
            self.training_panel.show_weights("The weights this run reached are not kept (the loss was not a number); "
                                             "the project keeps the ones it had.", warning=True)
        if steps:
            self.run_command(Compound(f"Train {epochs} epoch{'s' * (epochs != 1)}", steps))

    def reset_weights(self) -> None:
        """Forget the trained weights: the next run starts from fresh ones (undoable)."""
        if not self.project.trained:
            self.show_message("The project has no trained weights to reset.")
            return
        self.run_command(SetTrained({}))
        self.show_message("Weights reset: the next run starts from fresh weights (Edit → Undo brings them back).")

    def weights_in_words(self) -> tuple[str, bool]:
        """The weights line: untrained, or trained N epochs and what the graphs as they are now keep of it; True
        when an edit since training means some layers start again."""
        if not self.project.trained:
            notes = self.project.load_notes
            return (notes[0], True) if notes else ("Not trained yet.", False)
        parts, partial = [], False
        for role, weights in self.project.trained.items():
            graph = next((g for g in self.project.graphs if g.role == role), None)
            report = self.report_of(graph) if graph is not None else None
            whose = "" if role == "model" else f"the {role} "
            trained = f"{whose}trained {weights.epochs} epoch{'s' * (weights.epochs != 1)}"
            if weights.epochs == 0:  # an imported model: weights learned elsewhere
                trained = f"{whose}weights imported with the model, not trained here yet"
            if graph is None or weights.fits(graph):
                parts.append(trained)
            elif report is None:
                parts.append(f"{trained}, edited since")
            else:
                shapes = {graph.node(node_id).name: r.weight_shapes for node_id, r in report.nodes.items()
                          if node_id in graph}
                reuse = reuse_of(weights, graph, shapes)
                partial = partial or bool(reuse.kept and reuse.fresh)
                parts.append(f"{trained}; edited since: {reuse.clause()}")
        text = "; ".join(parts)
        if partial:
            text += " (Train → Reset Weights starts all over)"
        return text[0].upper() + text[1:] + ".", partial

    def update_weights_line(self) -> None:
        text, warning = self.weights_in_words()
        self.training_panel.show_weights(text, warning)
        self.reset_weights_action.setEnabled(bool(self.project.trained))

    # ================================================================== the Model panel
    def _make_model_docks(self) -> None:
        self._model_panel = None  # made when first shown: it brings numpy and pyqtgraph, the window opens without
        self._model_dock = QDockWidget("Model", self)
        self._model_dock.setObjectName("model_dock")
        self._model_dock.setWidget(QWidget())
        self.addDockWidget(Qt.RightDockWidgetArea, self._model_dock)
        self.tabifyDockWidget(self._settings_dock, self._model_dock)
        self._inspector_dock.raise_()
        self._model_dock.visibilityChanged.connect(self._on_model_dock_visible)
        self._model_task: BackgroundTask | None = None
        self._model_stale = True

    @property
    def model_panel(self):
        """The Model panel (designer.ui.model_panel), made the first time it is wanted."""
        if self._model_panel is None:
            from designer.ui.model_panel import ModelPanel

            self._model_panel = ModelPanel(self)
            self._model_dock.setWidget(self._model_panel)
        return self._model_panel

    def show_model_panel(self) -> None:
        self._model_dock.show()
        self._model_dock.raise_()
        # the panel's pictures and bars need height: the Summary below gives up most of its share meanwhile
        self.resizeDocks([self._model_dock, self._summary_dock], [self.height() * 3 // 4, self.height() // 4],
                         Qt.Vertical)
        self.refresh_model_panel()

    def _on_model_dock_visible(self, visible: bool) -> None:
        if visible and (self._model_stale or self._model_panel is None):
            self.refresh_model_panel()

    def model_panel_changed(self) -> None:
        """The trained weights, the graphs or the data changed: the panel shows them again when it is in view."""
        self._model_stale = True
        if self._model_dock.isVisible() and not self._model_dock.visibleRegion().isEmpty():
            self.refresh_model_panel()

    def refresh_model_panel(self) -> None:
        """Build the trained model and score it in the background, then show it in the Model panel."""
        self._model_stale = False
        if not self.project.trained:
            notes = self.project.load_notes
            self.model_panel.show_untrained(notes[0] if notes else
                                            "Not trained yet: train the model (Train → Train, F5), then score it "
                                            "and try it here.")
            return
        if self._model_task is not None and self._model_task.isRunning():
            self._model_stale = True  # shown again when the task in flight ends
            return
        project = self.project.copy()
        loaded = self.data.dataset_for(project.dataset) if project.dataset is not None else None
        summary = self.weights_in_words()[0]
        self.model_panel.show_untrained("Building the trained model and scoring it…")

        def job():
            from designer.data.registry import load_dataset
            from designer.training.engine import TrainingError
            from designer.training.scoring import trained_model

            if project.dataset is None:
                raise TrainingError("Choose the data in the Data tab first: the model is scored on its test rows.")
            from designer.ui.model_panel import held_out_answers

            dataset = loaded if loaded is not None else load_dataset(project.dataset)
            trained = trained_model(project, dataset)
            scores, why_no_score = None, ""
            try:
                scores = trained.score()
            except TrainingError as error:  # a GAN, or no rows apart: the panel says why and still tries inputs
                why_no_score = str(error)
            return trained, scores, why_no_score, held_out_answers(trained)

        task = BackgroundTask(job, self)
        task.done.connect(lambda result: self._show_trained(result, summary))
        task.failed.connect(self.model_panel.show_untrained)
        task.finished.connect(self._model_task_ended)
        task.finished.connect(task.deleteLater)
        self._model_task = task
        task.start()

    def _show_trained(self, result, summary: str) -> None:
        trained, scores, why_no_score, answers = result
        self.model_panel.show_trained(trained, scores, summary, why_no_score, answers)

    def _model_task_ended(self) -> None:
        self._model_task = None
        if self._model_stale and self._model_dock.isVisible():
            self.refresh_model_panel()

    def wait_for_model_task(self) -> None:
        """Before the window goes: the Model panel's job (seconds at most) ends first."""
        if self._model_task is not None:
            self._model_task.wait()

    def export_in_progress(self) -> bool:
        dialog = getattr(self, "_export_dialog", None)
        return dialog is not None and dialog.task is not None and dialog.task.isRunning()

    # ================================================================== export
    def export_dialog(self) -> None:
        from designer.ui.export_dialog import ExportDialog

        dialog = ExportDialog(self.project, self.data, self.path, self)
        dialog.setObjectName("export_dialog")
        dialog.open()
        self._export_dialog = dialog  # kept for tests and so it is not collected while open
