"""The Data panel: choose the dataset (bundled, generated, downloaded, or the person's own file or image folder)
and see what it holds before training: shapes, sizes, task, value range, class balance, and the first samples —
a grid of pictures with their class for images, a table for everything else (designer.ui.data_preview).

It shows what the window's `DataService` holds (the choice, the loaded data or its error) and redraws when the
service says so; a choice made here is only asked for (`dataset_chosen`): the window turns it into an undoable
command on the project. The panel asks the service to load the choice when it comes into view.

A table file (CSV) is fitted to only once the person has said which column it predicts (`fit_when_loaded`): until
then the panel asks for it, highlighted. Another file chosen keeps the options set for the last one that still
apply (`options_for_file`). The preview names each value of a sample as the data does ("age", "region=east").
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from designer.core.shapes import format_shape
from designer.core.project import DatasetChoice
from designer.ui import style
from designer.ui.data_choices import is_table, needs_target, options_for_file
from designer.ui.data_preview import ClassBalance, fill_image_grid, fill_table
from designer.ui.data_service import DataService
from designer.ui.panels import fill_with_scrolling
from designer.ui.param_form import ParamForm

# numpy and designer.data are imported when the panel is first shown, not with the window: importing them
# made the window appear ~130 ms later (bench/bench_startup.py)

#: the task a model trains in a mode that is not learning the labels
MODE_TASKS = {
    "autoencoder": "rebuild each sample (autoencoder): the labels are not used",
    "vae": "rebuild each sample through a code of random draws (VAE): the labels are not used",
    "gan": "make new samples like these (GAN): the labels are not used",
}


class DataPanel(QWidget):
    dataset_chosen = Signal(object)  # DatasetChoice picked by the person (the window makes it undoable)
    preview_ready = Signal()  # the loaded data (or why it could not be loaded) is shown
    fit_requested = Signal()  # "Fit model to data"
    offline_requested = Signal()  # "Use the bundled 8×8 digits instead" (a download failed)
    #: a training setting edited here (the validation fraction): name, value
    training_edited = Signal(str, object)

    def __init__(self, data: DataService, parent=None, active: bool = True) -> None:
        super().__init__(parent)
        self.active = active
        self.data = data
        self._shown_choice: object = ()  # the choice the combo and the options show (() before the first)
        self._preview_of: object = None  # the dataset (or error text) the preview shows
        data.choice_changed.connect(self._on_choice_changed)
        data.finished.connect(self._on_finished)

        self.combo = QComboBox(self)
        self.combo.setMinimumContentsLength(24)
        self.combo.activated.connect(self._on_combo)
        self.file_button = QPushButton("Your file…", self)
        self.file_button.setToolTip("A CSV table (one row per sample), a NumPy .npz (x and y) or .npy file")
        self.file_button.clicked.connect(self._ask_file)
        self.folder_button = QPushButton("Image folder…", self)
        self.folder_button.setToolTip("A folder with one subfolder of images per class")
        self.folder_button.clicked.connect(self._ask_folder)

        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.fit_problems = QLabel(self)
        self.fit_problems.setWordWrap(True)
        self.fit_button = QPushButton("Fit model to data", self)
        self.fit_button.setToolTip("Set the Input's shape to match the data and, if you agree, the output layer (its units; "
                                   "for numbers to predict a linear output and a regression loss); your own table or "
                                   "images also get their preparation inside the model. One undo step.")
        self.fit_button.clicked.connect(self.fit_requested)
        self.show_fit_problems([])
        # after a fit (often made by choosing the data): what it changed, and the step offered back
        self.fitted = QLabel(self)
        self.fitted.setObjectName("fitted_note")
        self.fitted.setWordWrap(True)
        self.take_back_button = QPushButton("Undo the fit", self)
        self.take_back_button.setObjectName("take_back_fit")
        self.take_back_button.setToolTip("Put the layers back as they were before the fit (Edit → Undo)")
        self._take_back = None  # the window's Undo action, while the fit is its last step
        self.take_back_button.clicked.connect(lambda: self._take_back is not None and self._take_back.trigger())
        self.show_fitted([], None)
        # both buttons hide once clicked (the problems are gone, or the fit is): taking the focus on a click would
        # hand it, on hiding, to the next field down and scroll the panel away from what the click changed
        for button in (self.fit_button, self.take_back_button):
            button.setFocusPolicy(Qt.TabFocus)
        # a download that failed (no network): the bundled digits, the network adapted to them, in one step
        self.offline_button = QPushButton("Use the bundled 8×8 digits instead", self)
        self.offline_button.setObjectName("offline_button")
        # hidden once clicked: taking the focus would hand it on to a field further down and scroll the panel there
        self.offline_button.setFocusPolicy(Qt.NoFocus)
        self.offline_button.setToolTip("No download: the network is adapted to the bundled 8×8 digits (its Input, "
                                       "the layer that rebuilds a sample); one step to undo")
        self.offline_button.clicked.connect(self.offline_requested)
        self.offline_button.hide()
        # the options of the chosen dataset (scaling, flattening, labels, validation rows, its own settings)
        self.options_title = QLabel("<b>Preparation</b> (applied when the data is loaded; undo with Ctrl+Z)", self)
        self.options_title.setWordWrap(True)
        # a CSV: which column the network learns to predict (the others are its inputs); asked for first, highlighted,
        # when the file is chosen: the model is fitted to the data once it is answered
        self.target_row = QFrame(self)
        self.target_row.setObjectName("target_row")
        target_box = QVBoxLayout(self.target_row)
        self.target_prompt = QLabel("<b>Which column should the network predict?</b> Every other column is an "
                                    "input. The model is fitted to the data once you choose.", self.target_row)
        self.target_prompt.setWordWrap(True)
        target_box.addWidget(self.target_prompt)
        target_layout = QHBoxLayout()
        target_layout.setContentsMargins(0, 0, 0, 0)
        target_layout.addWidget(QLabel("Predict the column", self.target_row))
        self.target_combo = QComboBox(self.target_row)
        self.target_combo.setToolTip("The column the network learns to predict; every other column is an input")
        self.target_combo.activated.connect(self._on_target_chosen)
        target_layout.addWidget(self.target_combo, 1)
        self.target_button = QPushButton("Use this column", self.target_row)
        self.target_button.setObjectName("use_target")
        self.target_button.setToolTip("Predict the column shown, and fit the model to the data")
        # hidden once clicked: the focus must not jump to a field further down and scroll the panel there
        self.target_button.setFocusPolicy(Qt.TabFocus)
        self.target_button.clicked.connect(lambda: self._on_target_chosen(self.target_combo.currentIndex()))
        target_layout.addWidget(self.target_button)
        target_box.addLayout(target_layout)
        self.target_row.hide()
        self.options_holder = QVBoxLayout()
        self.options_holder.setContentsMargins(0, 0, 0, 0)
        self.options_form: ParamForm | None = None
        self._mode = "supervised"  # the training mode: the task the Data panel names is the one the model trains
        # the validation fraction is a training setting, shown here where the data is split
        from designer.core.project import TRAINING_SPECS

        split_spec = next(spec for spec in TRAINING_SPECS if spec.name == "validation_split")
        self.split_form = ParamForm((split_spec,), labels={"validation_split": "validation fraction"})
        self.split_form.value_edited.connect(self.training_edited)
        self.split_form.refused.connect(self._on_option_refused)
        self.options_error = QLabel(self)
        self.options_error.setWordWrap(True)
        self.options_error.setStyleSheet(f"color: {style.ERROR_COLOUR};")
        self.options_error.hide()
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.balance_title = QLabel("<b>Class balance</b> (training samples)", self)
        self.balance = ClassBalance(self)
        self.samples_title = QLabel(self)
        self.grid_host = QWidget(self)
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(4)
        self.table = QTableWidget(self)
        self.table.setMinimumHeight(220)

        buttons = QHBoxLayout()
        buttons.addWidget(self.file_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        content = QWidget(self)
        layout = QVBoxLayout(content)
        for widget in (self.combo,):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        for widget in (self.description, self.target_row, self.offline_button, self.fit_problems, self.fit_button,
                       self.fitted, self.take_back_button, self.options_title):
            layout.addWidget(widget)
        layout.addLayout(self.options_holder)
        layout.addWidget(self.split_form)
        layout.addWidget(self.options_error)
        for widget in (self.facts, self.balance_title, self.balance, self.samples_title,
                       self.grid_host, self.table):
            layout.addWidget(widget)
        layout.addStretch(1)
        fill_with_scrolling(self, content)
        self._on_choice_changed()

    # ------------------------------------------------------------------ choosing
    def _on_combo(self, index: int) -> None:
        name = self.combo.itemData(index)
        self.dataset_chosen.emit(DatasetChoice(name) if name else None)

    def _ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Your data file", str(Path.home()),
                                              "Data files (*.csv *.tsv *.txt *.npz *.npy);;All files (*)")
        if path:
            self.choose_path(path)

    def _ask_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "A folder with one subfolder per class", str(Path.home()))
        if path:
            self.choose_path(path)

    def choose_path(self, path: str) -> None:
        """The person chose their own file or folder: it keeps the options chosen for the data before that apply."""
        name = str(Path(path).resolve())
        self.dataset_chosen.emit(DatasetChoice(name, options_for_file(self.data.choice, name)))

    def show_fit_problems(self, problems: list[str]) -> None:
        """Mismatches between the model and this data, with the button that fixes them."""
        self.fit_problems.setVisible(bool(problems))
        self.fit_button.setVisible(bool(problems))
        sentences = [p.removeprefix("Data: ") for p in problems]
        text = "<br>".join(f"• {s[:1].upper()}{s[1:]}" for s in sentences)
        self.fit_problems.setText(f"<span style='color:{style.WARNING_COLOUR}'><b>The model does not fit this data</b><br>{text}</span>")

    def show_fitted(self, changes: list[str], take_back) -> None:
        """What the last fit changed, one line each, with a button that triggers `take_back` (the window's Undo
        action); no changes: nothing shown."""
        self._take_back = take_back if changes else None
        self.fitted.setVisible(bool(changes))
        self.take_back_button.setVisible(bool(changes) and take_back is not None)
        if changes:
            text = "<br>".join(f"• {line}" for line in changes)
            self.fitted.setText(f"<b>Fitted to this data</b> (one step)<br>{text}")

    def show_fit_refusal(self, text: str) -> None:
        """Why the model cannot be fitted, where the fit's changes would be said."""
        self._take_back = None
        self.take_back_button.hide()
        self.fitted.setText(f"<span style='color:{style.ERROR_COLOUR}'>{text}</span>")
        self.fitted.show()

    def _show_options(self, choice: DatasetChoice | None) -> None:
        """The options form of the chosen dataset, rebuilt when the dataset changes, updated otherwise."""
        from designer.data.registry import option_specs

        # a CSV's target is picked from its columns in the combo above, not typed
        specs = tuple(s for s in (option_specs(choice.name) if choice else ()) if s.name != "target")
        names = tuple(spec.name for spec in specs)
        if self.options_form is None or self.options_form.names != names:
            if self.options_form is not None:
                self.options_form.block_all_signals()
                self.options_form.deleteLater()
            self.options_form = ParamForm(specs)
            self.options_form.value_edited.connect(self._on_option_edited)
            self.options_form.refused.connect(self._on_option_refused)
            self.options_holder.addWidget(self.options_form)
        values = {spec.name: spec.default for spec in specs}
        values.update(choice.options if choice else {})
        self.options_form.set_values(values)
        self._show_validation_choice(values)
        self.options_title.setVisible(bool(specs))
        self.options_error.hide()

    def _show_validation_choice(self, options: dict) -> None:
        """Only the validation field that applies: the fraction the trainer holds out ("split"), or how many of the
        last rows are kept ("last")."""
        form = self.options_form
        if form is None or "validation" not in form.names:
            self.split_form.setVisible(True)
            return
        last = options.get("validation", "split") == "last"
        self.split_form.setVisible(not last)
        if "validation_rows" in form.names:
            form.set_row_visible("validation_rows", last)

    def _on_option_edited(self, name: str, value) -> None:
        self.options_error.hide()
        choice = self.data.choice
        if choice is not None:
            self.dataset_chosen.emit(DatasetChoice(choice.name, {**choice.options, name: value}))

    def show_training(self, training: dict) -> None:
        """The training settings shown here (the validation fraction; the task follows the mode), without
        emitting."""
        self.split_form.set_values({"validation_split": training.get("validation_split", 0.2)})
        if training.get("mode", "supervised") != self._mode:
            self._mode = training.get("mode", "supervised")
            if getattr(self, "_preview_of", None) is not None and self.data.dataset is self._preview_of:
                self._show_dataset(self._preview_of)

    def _on_target_chosen(self, index: int) -> None:
        column = self.target_combo.itemText(index)
        choice = self.data.choice
        if choice is not None and column != choice.options.get("target", ""):
            self.dataset_chosen.emit(DatasetChoice(choice.name, {**choice.options, "target": column}))

    def _show_target(self, dataset) -> None:
        """The columns to predict from; highlighted, with its question, while none has been chosen."""
        columns = getattr(dataset, "columns", None) if dataset is not None else None
        self.target_row.setVisible(bool(columns))
        if not columns:
            return
        self.target_combo.clear()
        self.target_combo.addItems(columns)
        target = (self.data.choice.options.get("target") if self.data.choice else "") or columns[-1]
        self.target_combo.setCurrentIndex(columns.index(target) if target in columns else len(columns) - 1)
        pending = needs_target(self.data.choice)
        self.target_prompt.setVisible(pending)
        self.target_button.setVisible(pending)
        # framed only while it asks: then it lines up with the fields below
        self.target_row.layout().setContentsMargins(*((8, 6, 8, 6) if pending else (0, 0, 0, 0)))
        self.target_row.setStyleSheet(
            f"QFrame#target_row {{ border: 2px solid {style.SELECTION_COLOUR}; border-radius: 4px; }}" if pending
            else "QFrame#target_row { border: none; }")

    def _on_option_refused(self, message: str) -> None:
        self.options_error.setText(message)
        self.options_error.show()

    # ------------------------------------------------------------------ showing
    def _fill_combo(self) -> None:
        if self.combo.count():
            return
        from designer.data.registry import list_datasets

        self.combo.addItem("(no dataset)", "")
        for info in list_datasets():
            self.combo.addItem(f"{info.title}  ·  {info.task}, {info.source}", info.name)
            self.combo.setItemData(self.combo.count() - 1, info.description, Qt.ToolTipRole)

    def _on_choice_changed(self) -> None:
        """The service holds another choice: show it (and have it loaded), if the panel is in view."""
        if self.active:
            self._show_current()

    def set_active(self, active: bool) -> None:
        """Whether the panel is on screen: the preview loads only then, not while the window opens behind
        another tab (the window follows its dock's visibilityChanged; a tabbed dock stays 'visible' in Qt's
        sense even behind another tab). What changed while it was hidden is drawn now."""
        self.active = active
        if not active:
            return
        if self._shown_choice is not self.data.choice:
            self._show_current()
        else:
            self._show_result()

    def _show_current(self) -> None:
        self._fill_combo()
        choice = self.data.choice
        self._shown_choice = choice
        index = self.combo.findData(choice.name if choice else "")
        if index < 0:  # the person's own file: listed once, under its name
            self.combo.addItem(f"{Path(choice.name).name}  ·  your file", choice.name)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)
        self._clear_preview()
        self._show_options(choice)
        if choice is None:
            self.description.setText("Choose the data to train on: a bundled or generated set works offline.")
            return
        self.description.setText("Loading…")
        self._show_result()

    def _on_finished(self) -> None:
        if self.active:
            self._show_result()

    def _show_result(self) -> None:
        """The loaded data or its error, once, for the choice shown; asks for it if nobody has yet."""
        data = self.data
        if data.choice is None or self._shown_choice is not data.choice:
            return
        result = data.dataset if data.dataset is not None else data.error
        if result is None:
            data.load()  # shown when the service says it is finished
            return
        if self._preview_of is result:
            return
        self._preview_of = result
        if data.error is not None:
            self.description.setText(f"<span style='color:{style.ERROR_COLOUR}'>{data.error}</span>")
            if not is_table(data.choice.name):
                self.target_row.hide()  # the column to predict of the table chosen before: not this data's
            from designer.data.downloads import SOURCES  # the data layer is loaded by now: it made the error

            self.offline_button.setVisible(data.choice.name in SOURCES)
        else:
            self._show_dataset(data.dataset)
        self.preview_ready.emit()

    def _show_dataset(self, dataset) -> None:
        from designer.data.summary import summarize

        self._show_target(dataset)
        summary = summarize(dataset)
        self.description.setText(f"<b>{dataset.title}</b> — {dataset.description}")
        shape = format_shape(summary.sample_shape)
        if summary.label_shape is None:
            labels = "none (the inputs are the targets)"
        elif summary.label_shape == () or (summary.class_counts and summary.label_shape == (1,)):
            labels = "a class number" if summary.class_counts else "one number"
        else:
            labels = format_shape(summary.label_shape)
        validation = f", {summary.validation_rows:,} for validation" if summary.validation_rows else ""
        task = MODE_TASKS.get(self._mode, summary.task)
        self.facts.setText(
            f"Task: <b>{task}</b><br>Samples: {summary.train_rows:,} for training{validation}<br>"
            f"One sample: {shape} · label: {labels}<br>"
            f"Values from {summary.value_min:.3g} to {summary.value_max:.3g}, mean {summary.value_mean:.3g}"
        )
        self.balance.set_counts(summary.class_counts)
        self.balance_title.setVisible(bool(summary.class_counts))
        self.grid_host.setVisible(summary.is_image)
        if summary.is_image:
            self._show_images(dataset)
        else:
            self._show_table(dataset)

    def _clear_preview(self) -> None:
        self._preview_of = None
        self.offline_button.hide()
        self.facts.clear()
        self.balance.set_counts(None)
        self.balance_title.hide()
        self.samples_title.clear()
        while self.grid.count():
            self.grid.takeAt(0).widget().deleteLater()
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.table.hide()

    def _show_images(self, dataset) -> None:
        self.samples_title.setText(fill_image_grid(self.grid, self.grid_host, dataset))

    def _show_table(self, dataset) -> None:
        self.samples_title.setText(fill_table(self.table, dataset))
