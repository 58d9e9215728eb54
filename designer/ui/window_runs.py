"""The window's commands for runs and sweeps: recording each run with the project, the Runs panel's requests
(restore, delete, note, CSV, the options for new runs) and sweeps (Train → Sweep…).

A mixin of `MainWindow`, like `window_model`. A run's record is kept in the same undo step as its weights ("Train 10
epochs"); a sweep's trial is one step of its own ("Record run 7"), and the project is autosaved to the recovery
file right after it, so that a crash during a long sweep loses no finished trial. It relies on the window's
`project`, `data`, `run_command`, `training_panel`, `training_run`, `autosave` and `show_message`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox

from designer.core.run_commands import AddRun, DeleteRuns, SetRunNote, restore_run
from designer.core.runs import RunRecord, next_number
from designer.ui.app_settings import RunPreferences
from designer.ui.runs_panel import RunsPanel


class RunsMixin:
    def _make_runs_dock(self) -> None:
        self.run_preferences = RunPreferences()
        self.runs_panel = RunsPanel(self)
        self.runs_panel.setObjectName("runs_panel")
        self._runs_dock = QDockWidget("Runs", self)
        self._runs_dock.setObjectName("runs_dock")
        self._runs_dock.setWidget(self.runs_panel)
        self._runs_dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.BottomDockWidgetArea, self._runs_dock)
        self.tabifyDockWidget(self._training_dock, self._runs_dock)
        self._training_dock.raise_()
        self._runs_dock.visibilityChanged.connect(self._on_runs_dock_visible)
        self.sweep_run = None
        panel = self.runs_panel
        panel.sweep_requested.connect(self.sweep_dialog)
        panel.restore_requested.connect(self.restore_run)
        panel.delete_requested.connect(lambda numbers: self.run_command(DeleteRuns(numbers)))
        panel.note_edited.connect(self._note_run)
        panel.export_requested.connect(self.export_runs_csv)
        panel.apply_best_requested.connect(self.apply_best_trial)
        panel.stop_sweep_requested.connect(self.stop_sweep)
        panel.keep_weights_changed.connect(lambda keep: self.run_preferences.set(keep_weights=keep))
        panel.tensorboard_requested.connect(self.choose_tensorboard_folder)
        panel.keep_weights_action.setChecked(self.run_preferences.keep_weights)
        self._show_tensorboard_choice()

    # ================================================================== recording runs
    def run_record(self, run, result) -> RunRecord:
        """The record of a `TrainingRun` that ended with `result`, numbered after the project's runs."""
        from designer.training.run_records import device_in_words, record_of

        record = record_of(run.project, result, run.clock, device_in_words(run.project.training["device"]),
                           next_number(self.project.runs), keep_weights=self.run_preferences.keep_weights)
        if run.learning_rate is not None:  # changed while it trained: its settings say only how it began
            record.note = f"The learning rate was changed to {run.learning_rate:g} during the run."
        return record

    def tensorboard_for_next_run(self, number: int | None = None) -> tuple[str, int] | None:
        folder = self.run_preferences.tensorboard_folder
        return (folder, number or next_number(self.project.runs)) if folder else None

    def refresh_runs(self) -> None:
        self.runs_panel.show_runs(self.project.runs)
        count = len(self.project.runs)
        self._runs_dock.setWindowTitle(f"Runs ({count})" if count else "Runs")

    def show_runs_panel(self) -> None:
        self._runs_dock.show()
        self._runs_dock.raise_()
        self._on_runs_dock_visible(True)

    def _on_runs_dock_visible(self, visible: bool) -> None:
        if visible and self._runs_dock.height() < 300:
            # the table and the curves need room; the canvas keeps the rest (the dock's edge can be dragged)
            self.resizeDocks([self._runs_dock], [max(400, self.height() * 9 // 20)], Qt.Vertical)

    # ================================================================== the panel's requests
    def restore_run(self, number: int) -> None:
        record = self.project.run(number)
        if self.run_command(restore_run(self.project, record)) is None:
            kept = " and the weights it reached" if record.weights else ""
            self.show_message(f"Run {number}'s settings{kept} are back (Edit → Undo takes them away again).")

    def _note_run(self, number: int, text: str) -> None:
        if text.strip() != self.project.run(number).note:
            self.run_command(SetRunNote(number, text))

    def export_runs_csv(self) -> None:
        from pathlib import Path

        from designer.ui.window_files import file_stem

        start = str(Path(self.path).with_name(f"{file_stem(self.path)}-runs.csv")) if self.path else "runs.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export the runs as CSV", start, "CSV files (*.csv)")
        if path:
            self.write_runs_csv(path)

    def write_runs_csv(self, path: str) -> bool:
        from designer.core.atomic import write_text_atomic
        from pathlib import Path

        from designer.core.runs import runs_csv

        try:
            write_text_atomic(Path(path), runs_csv(self.project.runs))
        except OSError as error:
            self.show_message(f"The runs could not be written to {path}: {error.strerror or error}")
            return False
        self.show_message(f"Wrote {len(self.project.runs)} runs to {path}.")
        return True

    def apply_best_trial(self, sweep: int) -> None:
        from designer.core.sweeps import SweepError, apply_values
        from designer.ui.runs_panel import best_of_sweeps

        number = best_of_sweeps(self.project.runs).get(sweep)
        if number is None:
            self.show_message(f"Sweep {sweep} has no trial with a score.")
            return
        record = self.project.run(number)
        try:
            command = apply_values(self.project, record.varied, f"Apply the best of sweep {sweep}")
        except SweepError as error:
            self.show_message(f"The best trial's values cannot be applied: {error}.")
            return
        if self.run_command(command) is None:
            values = ", ".join(f"{k} {v:g}" if isinstance(v, float) else f"{k} {v}" for k, v in record.varied.items())
            self.show_message(f"Applied the best of sweep {sweep}: {values} (Edit → Undo takes it back).")

    def choose_tensorboard_folder(self, wanted: bool) -> None:
        if wanted:
            folder = QFileDialog.getExistingDirectory(self, "Folder for TensorBoard logs")
            self.run_preferences.set(tensorboard_folder=folder or None)
        else:
            self.run_preferences.set(tensorboard_folder=None)
        self._show_tensorboard_choice()

    def _show_tensorboard_choice(self) -> None:
        folder = self.run_preferences.tensorboard_folder
        action = self.runs_panel.tensorboard_action
        action.setChecked(folder is not None)
        action.setText(f"Also write TensorBoard logs to {folder}" if folder else "Also write TensorBoard logs…")

    # ================================================================== sweeps
    def sweep_dialog(self) -> None:
        from designer.ui.sweep_dialog import SweepDialog

        if self._training_busy():
            return
        dialog = SweepDialog(self.project, self)
        dialog.setObjectName("sweep_dialog")
        dialog.accepted.connect(lambda: self.start_sweep(dialog.spec))
        dialog.open()
        self._sweep_dialog = dialog  # kept for tests and so it is not collected while open

    def _training_busy(self) -> bool:
        if self.sweep_run is not None and self.sweep_run.is_running():
            self.show_message("A sweep is running: stop it first (Runs panel).")
            return True
        if self.training_run is not None and self.training_run.is_running():
            self.show_message("A run is going: stop it first.")
            return True
        return False

    def start_sweep(self, spec) -> bool:
        """Start a sweep of the project on its loaded data; False (and the reason shown) when it cannot start."""
        from designer.core.sweeps import SweepError
        from designer.training.run_records import device_in_words
        from designer.training.sweep import Sweep
        from designer.ui.sweep_run import SweepRun

        if self._training_busy():
            return False
        problems = [line for e in self.editors for line in self._report_errors(e.graph)]
        dataset = self.data.dataset_for(self.project.dataset) if self.project.dataset is not None else None
        problem = ("Fix the problems marked in red first: " + problems[0] if problems else
                   "Choose the data to train on first, in the Data tab." if self.project.dataset is None else
                   "The data is still loading: start the sweep once the Data tab shows it." if dataset is None else None)
        if problem is None:
            try:
                sweep = Sweep(self.project, dataset, spec)
            except SweepError as error:
                problem = f"The sweep cannot start: {error}."
        if problem is not None:
            QMessageBox.warning(self, "Sweep", problem)
            return False
        runner = SweepRun(sweep, dataset, device_in_words(self.project.training["device"]), parent=self,
                          tensorboard=self.tensorboard_for_next_run)
        runner.trial_started.connect(self._on_trial_started)
        runner.recorded.connect(self._on_trial_recorded)
        runner.trial_failed.connect(lambda trial, message: self.show_message(f"Trial {trial.number} could not "
                                                                              f"train: {message}"))
        runner.ended.connect(self._on_sweep_ended)
        runner.project = self.project  # its trials are kept with this project only
        self.sweep_run = runner
        varied = "; ".join(v.in_words() for v in spec.varies)
        self.runs_panel.sweep_started(sweep.total, f"Sweep {sweep.number}: {varied}")
        self.show_runs_panel()
        runner.start()
        return True

    def _on_trial_started(self, trial, run) -> None:
        from designer.core.runs import format_value, short_name

        values = ", ".join(f"{short_name(k)} {format_value(v)}" for k, v in trial.values.items())
        runner = self.sweep_run
        self.runs_panel.sweep_trial(runner.finished_trials, f"Sweep {runner.sweep.number}, trial {trial.number} of "
                                    f"{runner.sweep.total}: {values}")
        self.training_run = run
        self.training_panel.attach(run)

    def _on_trial_recorded(self, record: RunRecord) -> None:
        if self.sweep_run.project is not self.project:  # another project was opened meanwhile (set_project stops it)
            return
        self.run_command(AddRun(record))
        self.autosave()  # at once: a crash during the next trial loses nothing finished
        self.runs_panel.sweep_progress.setValue(self.sweep_run.finished_trials)

    def stop_sweep_for_another_project(self) -> None:
        """Another project is being opened: the sweep of this one ends now, its finished trials kept with it."""
        if self.sweep_run is not None and self.sweep_run.is_running():
            self.sweep_run.stop_now()

    def stop_sweep(self, now: bool) -> None:
        runner = self.sweep_run
        if runner is None or not runner.is_running():
            return
        if now:
            runner.stop_now()
        else:
            runner.stop_after_trial()
            self.runs_panel.sweep_stopping()

    def _on_sweep_ended(self, text: str) -> None:
        self.runs_panel.sweep_ended(text)
        self.show_message(text)
        if self.runs_panel.plots is not None and self.sweep_run is not None:
            self.runs_panel.plots.show_sweep(self.sweep_run.sweep.number)
            best = self.sweep_run.sweep.best
            if best is not None:
                self.runs_panel.reveal(best.number)
        self.show_runs_panel()
