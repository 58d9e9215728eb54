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

from designer.core.commands import SetDataset, SetTraining
from designer.core.graph import LayerGraph
from designer.core.project import ProjectEvent
from designer.data.fit import FIT_TEXT  # the Data panel offers the fit back while it is the last step
from designer.ui.data_choices import fit_when_loaded
from designer.ui.training_run import TrainingRun


class DataAndTrainingMixin:
    # ================================================================== model against data
    def _fit_graph(self) -> tuple[LayerGraph, bool] | None:
        """The graph the data feeds, and whether its output is compared with the labels."""
        from designer.data.fit import fit_target

        return fit_target(self.project)

    def _fit_advice(self):
        dataset = self.data.dataset
        target = self._fit_graph()
        if dataset is None or target is None:
            return None, None
        from designer.data.fit import fit_advice

        graph, check_output = target
        return graph, fit_advice(self.project, dataset, graph, check_output=check_output)

    def _fit_problems(self) -> dict[str, dict[str, list[str]]]:
        """Every mismatch to show on the canvas, by graph role: the Input or the output against the chosen data
        (designer.data.fit), the two ends of a GAN or an autoencoder against each other, and small images that
        vanish on the way (designer.core.fit_checks; these need the analysis's shapes)."""
        from designer.core.fit_checks import side_problems, vanishing_problems

        graph, advice = self._fit_advice()
        found: dict[str, dict[str, list[str]]] = {}

        def add(role: str, problems: dict[str, list[str]]) -> None:
            for node_id, texts in problems.items():
                found.setdefault(role, {}).setdefault(node_id, []).extend(texts)

        if advice is not None:
            add(graph.role, advice.problems)
        for role, problems in side_problems(self.project, {g.role: self.report_of(g) for g in self.project.graphs}).items():
            add(role, problems)
        if graph is not None and self.data.dataset is not None:
            add(graph.role, vanishing_problems(graph, self.report_of(graph), self.data.dataset.sample_shape))
        return found

    def _check_fit(self) -> None:
        """Show on the canvas (and in the Data panel) where the model does not fit the chosen data, or itself."""
        found = self._fit_problems()
        for editor in self.editors:
            editor.scene.set_data_problems(found.get(editor.graph.role, {}))
        self.data_panel.show_fit_problems([p for problems in found.values() for texts in problems.values()
                                           for p in texts])
        self._show_fitted()
        if self._fit_graph() is not None:
            self._update_loss_hint()
        if self.data.error:
            self._fit_when_loaded = False  # nothing to fit to
        if self.data.dataset is not None and self._fit_when_loaded:
            self._fit_when_loaded = False
            if found:
                self.fit_model_to_data()  # choosing data fits the model to it (the units of classes, if agreed)

    def _show_fitted(self) -> None:
        """While the fit is the last step, the Data panel says what it changed and offers it back (Undo)."""
        lines = getattr(self, "_fitted_lines", None)
        if lines and self.undo_stack.undoText() == FIT_TEXT:
            self.data_panel.show_fitted(lines, self.undo_action)
        else:
            self.data_panel.show_fitted([], None)

    def confirm_output_fix(self, node_name: str, units: int) -> bool:
        """Yes to changing the output layer `node_name` to `units` units for the data's labels — and, when the data
        has numbers instead of classes (or back), its activation, the loss and the metrics, in the same question?"""
        question = self._output_question or f"Also give the output layer {node_name} {units} units to match the data?"
        answer = QMessageBox.question(self, FIT_TEXT, question, QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        return answer == QMessageBox.Yes

    #: the words of the output question being asked (designer.core.adapt.OutputFit.question)
    _output_question: str | None = None

    def _agree_to_output_fit(self, fit) -> bool:
        """The one question about the output layer (a designer.core.adapt.OutputFit) before the fit changes it.
        Every answer goes through `confirm_output_fix(name, units)`, the one place a test or a caller answers."""
        self._output_question = fit.question
        try:
            return self.confirm_output_fix(fit.node_name, fit.units)
        finally:
            self._output_question = None

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
        """Fit the model to the chosen data as one undo step, each change said: the Input's shape (an image keeps
        its channel axis), what makes or rebuilds a sample (a GAN generator's output, an autoencoder's), small
        images' paddings, and — if the person agrees — the output layer for the labels: its units, and for numbers
        instead of classes (or back) its activation, the loss and the metrics (designer.data.fit.plan_fit). Without
        data, a GAN's or an autoencoder's two ends are made to meet."""
        from designer.core.fit_checks import vanishing_problems
        from designer.data.fit import plan_fit

        target, dataset = self._fit_graph(), self.data.dataset
        graph = target[0] if target is not None else None
        vanishing = bool(graph is not None and dataset is not None
                         and vanishing_problems(graph, self.report_of(graph), tuple(dataset.sample_shape)))
        plan = plan_fit(self.project, dataset, vanishing=vanishing, agree=self._agree_to_output_fit)
        if plan.refused:
            self._fitted_lines = None
            said = f"The model cannot be fitted to this data: {plan.refused}."
            self.data_panel.show_fit_refusal(said)
            self.show_message(said)
            return
        command = plan.command()
        if command is None or self.run_command(command) is not None:
            return  # nothing to change, or refused (said in the status bar)
        self._fitted_lines = plan.lines
        self._show_fitted()
        self.show_message("Fitted the model to the data: " + "; ".join(plan.lines) + " (Edit → Undo takes it back).")
        editor = next((e for e in self.editors if e.graph is graph), None)
        if editor is not None and editor is not self.current_editor():
            self.tabs.setCurrentWidget(editor)  # a canvas never shown yet is fitted to its view as it shows

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
        if not problems:
            from designer.core.fit_checks import side_problems

            ends = side_problems(self.project, {g.role: self.report_of(g) for g in self.project.graphs})
            problems = [text for found in ends.values() for texts in found.values() for text in texts]
        if problems:
            self.training_panel.status.setText("Fix the problems marked on the canvas first: " + problems[0])
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
        # once loaded, fit the model to it: other data, or another column to predict; a table whose column to
        # predict is still to be chosen waits for it (designer.ui.data_panel.fit_when_loaded)
        self._fit_when_loaded = fit_when_loaded(self.project.dataset, choice)
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
