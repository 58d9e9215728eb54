"""The window's data and training commands: the dataset choice and its options, checking the model against the
data (and fitting it), the training settings, and starting a run.

A mixin of `MainWindow`, kept apart so the window module stays about the panels and editing. It relies on the
window's `project`, `data` (the DataService), `editors`, `report_of`, `tabs`, `data_panel`, `training_panel`,
`training_settings`, `run_command`, `show_data_panel`, `_training_dock` and `show_message`. Every change is a
core command on the project, through the undo stack; the panels redraw from the project's events
(`on_project_event`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from designer.core.commands import Compound, SetDataset, SetParameter, SetTraining
from designer.core.graph import LayerGraph
from designer.core.project import ProjectEvent
from designer.ui.training_run import TrainingRun


class DataAndTrainingMixin:
    # ================================================================== model against data
    def _fit_graph(self) -> tuple[LayerGraph, bool] | None:
        """The graph the data feeds, and whether its output is compared with the labels."""
        if self.project.is_gan:
            return self.project.graph("discriminator"), False
        graph = next((g for g in self.project.graphs if g.role == "model"), None)
        if graph is None:
            return None
        return graph, self.project.training.get("mode", "supervised") == "supervised"

    def _fit_advice(self):
        dataset = self.data.dataset
        target = self._fit_graph()
        if dataset is None or target is None:
            return None, None
        from designer.data.fit import advise

        graph, check_output = target
        return graph, advise(graph, dataset.sample_shape, dataset.task, dataset.num_classes, dataset.label_shape,
                             check_output=check_output)

    def _check_fit(self) -> None:
        """Show on the canvas (and in the Data panel) where the model does not fit the chosen data."""
        graph, advice = self._fit_advice()
        problems = advice.problems if advice else {}
        for editor in self.editors:
            editor.scene.set_data_problems(problems if editor.graph is graph else {})
        self.data_panel.show_fit_problems([p for texts in problems.values() for p in texts])
        if graph is not None:
            self._update_loss_hint()
        if self.data.error:
            self._fit_when_loaded = False  # nothing to fit to
        if self.data.dataset is not None and self._fit_when_loaded:
            self._fit_when_loaded = False
            if problems:
                self.fit_model_to_data()  # choosing data sets the Input's shape (and the units, if agreed)

    def confirm_output_fix(self, node_name: str, units: int) -> bool:
        answer = QMessageBox.question(
            self, "Fit model to data",
            f"Also give the output layer {node_name} {units} units to match the data?",
            QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes,
        )
        return answer == QMessageBox.Yes

    def use_bundled_digits(self) -> None:
        """A download failed: train on the bundled 8×8 digits instead, the network adapted to them (designer.core.
        adapt), as one undo step, each change said."""
        from designer.core.adapt import adapt_to_sample, command, offline_choice
        from designer.data.registry import load_dataset

        choice = offline_choice(self.project)
        digits = load_dataset(choice)  # a small file inside the package: milliseconds
        adaptation = adapt_to_sample(self.project, tuple(digits.x_train.shape[1:]), digits.num_classes)
        if adaptation.refused:
            self.data_panel.description.setText(f"The bundled digits cannot stand in here: {adaptation.refused}.")
            return
        if self.run_command(command(self.project, adaptation, choice, "Train on the bundled digits")) is None:
            changed = "; ".join(adaptation.in_words()) or "nothing else needed changing"
            self.show_message(f"Now training on the bundled 8×8 digits. Changed: {changed} (Edit → Undo takes it "
                              "back).")

    def fit_model_to_data(self) -> None:
        """Set the Input's shape to the data's (and the output units, if the person agrees): one undo step."""
        graph, advice = self._fit_advice()
        if advice is None or advice.ok:
            return
        editor = next(e for e in self.editors if e.graph is graph)
        self.tabs.setCurrentWidget(editor)
        output_fix = advice.output_fix
        if output_fix and not self.confirm_output_fix(graph.node(output_fix[0]).name, output_fix[1]):
            output_fix = None
        steps = []
        if advice.input_fix:
            steps.append(SetParameter(advice.input_fix[0], "shape", advice.input_fix[1]))
        if output_fix:
            steps.append(SetParameter(output_fix[0], "units", output_fix[1]))
        if steps:
            editor.run(Compound("Fit model to data", steps))

    # ================================================================== training
    def start_training(self) -> None:
        """Train a copy of the project on its data in the background, with live curves in the Training panel."""
        if self.sweep_run is not None and self.sweep_run.is_running():
            self.show_message("A sweep is running: stop it first (Runs panel), or wait for it to end.")
            return
        if self.training_run is not None and self.training_run.is_running():
            self.show_message("A run is already going: pause or stop it first.")
            return
        self._training_dock.raise_()
        if self.project.dataset is None:
            self.training_panel.status.setText("Choose the data to train on first, in the Data tab.")
            self.show_data_panel()
            return
        problems = [line for e in self.editors for line in self._report_errors(e.graph)]
        if problems:
            self.training_panel.status.setText("Fix the problems marked in red first: " + problems[0])
            return
        # the data in memory when it is the project's, else the choice, loaded in the training thread
        loaded = self.data.dataset_for(self.project.dataset)
        self.training_run = TrainingRun(self.project, loaded if loaded is not None else self.project.dataset, parent=self,
                                        tensorboard=self.tensorboard_for_next_run())
        # the result goes to this project only: another one opened meanwhile does not get its weights
        self.training_run.finished.connect(
            lambda result, project=self.project, run=self.training_run: self.keep_trained(result, project, run))
        self.training_panel.attach(self.training_run)
        if self._training_dock.height() < 400:
            # room for the curves and the panels; the canvas keeps the rest (the dock's edge can be dragged)
            self.resizeDocks([self._training_dock], [max(420, self.height() * 9 // 20)], Qt.Vertical)

    def _report_errors(self, graph: LayerGraph) -> list[str]:
        report = self.report_of(graph)
        return report.errors(graph) if report is not None else []

    def _on_dataset_chosen(self, choice) -> None:
        if choice == self.project.dataset:
            return
        # another dataset (not only other options): once it is loaded, fit the model to it
        old_name = self.project.dataset.name if self.project.dataset else None
        self._fit_when_loaded = choice is not None and choice.name != old_name
        self.run_command(SetDataset(choice))

    def _on_training_edited(self, name: str, value) -> None:
        run = self.training_run
        if name == "learning_rate" and run is not None and run.is_running():
            run.set_learning_rate(value)  # the running model takes it from its next batch (after Resume)
            self.training_panel.status.setText(f"Learning rate {value:g} from the next batch on.")
        self.run_command(SetTraining(name, value))

    def _follow_frozen_layers(self, graph: LayerGraph, node_id: str | None) -> None:
        """A backbone frozen or unfrozen on the canvas during a run: the running model follows (see TrainingRun)."""
        run = self.training_run
        if run is None or not run.is_running() or node_id is None or node_id not in graph:
            return
        node = graph.node(node_id)
        if "trainable" not in node.params:
            return
        trainable = bool(node.params["trainable"])
        run.set_trainable(node.name, trainable)
        change = "unfrozen: it learns too" if trainable else "frozen again"
        when = "once you press Resume" if run.paused else "from the next batch"
        self.training_panel.status.setText(f"{node.name} {change}, {when}; training goes on from the weights it has now.")

    def on_project_event(self, event: ProjectEvent) -> None:
        """The project's dataset choice or training settings changed (an edit, an undo, a redo): panels follow."""
        if event.kind == "dataset_changed":
            self.data.set_choice(self.project.dataset)
            self._check_fit()  # the old data's problems go; the new data's come when it is loaded
        elif event.kind == "training_changed":
            self.data_panel.show_training(self.project.training)
            self.training_settings.show_settings(self.project.training)
            self._update_loss_hint()
        elif event.kind == "trained_changed":
            self.update_weights_line()
        elif event.kind == "runs_changed":
            self.refresh_runs()
        elif event.kind == "answers_changed":
            self.exercise_answers_changed()
        if event.kind in ("dataset_changed", "trained_changed"):
            self.model_panel_changed()

    def _update_loss_hint(self) -> None:
        """What loss "auto" picks for this output layer and these labels, and whether a chosen one suits."""
        target = self._fit_graph()
        if target is None or self.project.is_gan:
            self.training_settings.show_loss_hint(self.project.training["loss"], None, None)
            return
        from designer.training.losses import loss_warning, suggest_loss

        graph = target[0]
        mode, chosen = self.project.training["mode"], self.project.training["loss"]
        dataset = self.data.dataset
        labels = dataset.y_train if dataset is not None and mode == "supervised" else None
        suggested = suggest_loss(graph, mode, labels) if chosen == "auto" else None
        self.training_settings.show_loss_hint(chosen, suggested, loss_warning(graph, mode, chosen))
