"""A form generated from `ParamSpec`s: the editor the inspector uses for a layer's parameters and the Data
panel for a dataset's options.

Each spec gets the editor its type calls for (a spin box for a whole number, a check box for on/off, a combo
box for a choice, check boxes for several choices, a text field for numbers, shapes and pairs). What a person
types is parsed into a Python value and checked with `ParamSpec.coerce`; a refused value is never sent on: the
form emits `refused(message)` and the field goes back to the value it showed. An accepted value that differs
from the shown one leaves as `value_edited(name, value)`. `set_values` shows values without emitting anything.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

from designer.core.catalogue import ParameterError, ParamSpec

INT_LIMIT = 2**31 - 1  # QSpinBox holds a C int
MULTI_COLUMNS = 2  # check boxes of a "multi" parameter wrap into columns so a narrow panel clips nothing

_SEPARATORS = re.compile(r"[,\s]+")


class _WheelGuard(QObject):
    """Lets the mouse wheel scroll the panel instead of changing a spin or combo box the pointer passes over."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


def is_undo_key(event: QKeyEvent) -> bool:
    """Undo or redo as the window's Edit menu takes them: Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y (and the platform's own)."""
    chord = event.keyCombination().toCombined()
    return (event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)
            or any(chord == QKeySequence(key)[0].toCombined() for key in ("Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y")))


class _ProjectUndoKeys(QObject):
    """Undo and redo in a field that holds no typing of its own (its value committed with Enter) go to the
    project's undo stack: a text field otherwise takes Ctrl+Z for its own, empty, history and the key does
    nothing while Edit → Undo says "Undo Set units". While the person is typing, the field keeps the key."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and is_undo_key(event):
            line = watched if isinstance(watched, QLineEdit) else watched.lineEdit()
            if not line.isModified():
                event.ignore()  # not taken here: the shortcut of the window's Undo/Redo action fires
                return True
        return False


class _SpinBox(QSpinBox):
    """A whole-number field that takes any number typed and lets the parameter's own check refuse it in words
    ("units must be at least 1 (got -5)"), the previous value kept: a QSpinBox limited to the parameter's range
    would drop the minus sign of -5 as it is typed and quietly put back a 0, edits the person never sees refused.
    Its arrows and the keyboard's up/down still stay within the range."""

    def __init__(self, low: int, high: int) -> None:
        super().__init__()
        self.setRange(-INT_LIMIT, INT_LIMIT)
        self._low, self._high = low, high

    def stepBy(self, steps: int) -> None:
        self.setValue(max(self._low, min(self._high, self.value() + steps)))

    def stepEnabled(self):
        enabled = QAbstractSpinBox.StepEnabledFlag.StepNone
        if self.value() > self._low:
            enabled |= QAbstractSpinBox.StepEnabledFlag.StepDownEnabled
        if self.value() < self._high:
            enabled |= QAbstractSpinBox.StepEnabledFlag.StepUpEnabled
        return enabled


def format_value(spec: ParamSpec, value: Any) -> str:
    """A parameter value as its text field shows it: 0.001, "28, 28, 1", "3, 3"; None is an empty field."""
    if value is None:
        return ""
    if spec.type == "float":
        return repr(float(value))  # the shortest text that reads back as the same number
    if spec.type == "penalty":
        return ", ".join(f"{float(v):g}" for v in value)
    if spec.type == "words":
        return "; ".join(value)  # "; " because a word may hold a comma ("Smith, J.")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def parse_text(spec: ParamSpec, text: str) -> Any:
    """Turn what a person typed into a Python value for `spec.coerce`, which judges it.

    Words that are not numbers are passed on as text, so coerce's own message names them ("must be a whole
    number, not 'x'"). Shapes accept "28, 28, 1", "(28, 28, 1)", "28 28 1" and "784"; pairs accept "3" or "3, 3".
    """
    text = text.strip()
    if spec.type == "str":
        return text
    if spec.type == "words":
        return [word.strip() for word in text.split(";") if word.strip()]
    if not text:
        return None  # coerce accepts it for optional parameters and says "needs a value" otherwise
    if spec.type in ("shape", "pair", "penalty"):
        tokens = [t for t in _SEPARATORS.split(text.strip("()[] ")) if t]
        numbers = [_number(t) for t in tokens]
        if spec.type == "pair" and len(numbers) == 1:
            return numbers[0]
        return numbers
    return _number(text)


def _number(text: str) -> Any:
    for convert in (int, float):
        try:
            return convert(text)
        except ValueError:
            pass
    return text


def form_layout(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setContentsMargins(0, 0, 0, 0)
    # in a narrow dock a long label moves above its field instead of squeezing it
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


class ParamForm(QWidget):
    """One row per spec; see the module docstring for the protocol."""

    value_edited = Signal(str, object)
    refused = Signal(str)

    def __init__(self, specs, parent: QWidget | None = None, labels: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self._specs: dict[str, ParamSpec] = {}
        self._fields: dict[str, QWidget] = {}
        self._multi_boxes: dict[str, list[QCheckBox]] = {}
        #: the value each field shows; set_values leaves a field alone when the value is unchanged, so an
        #: update arriving while someone types does not wipe their typing
        self._shown: dict[str, Any] = {}
        self._wheel_guard = _WheelGuard(self)
        self._undo_keys = _ProjectUndoKeys(self)
        form = self._form = form_layout(self)
        for spec in specs:
            editor = self._make_editor(spec)
            editor.setToolTip(spec.help)
            label = QLabel((labels or {}).get(spec.name, spec.name.replace("_", " ")))
            label.setToolTip(spec.help)
            label.setBuddy(editor)
            form.addRow(label, editor)
            self._specs[spec.name] = spec
            self._fields[spec.name] = editor

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def field(self, name: str) -> QWidget:
        return self._fields[name]

    def set_row_visible(self, name: str, visible: bool) -> None:
        """Show or hide a field with its label (a setting that does not apply now)."""
        self._form.setRowVisible(self._fields[name], visible)

    def is_row_visible(self, name: str) -> bool:
        return not self._fields[name].isHidden()

    def set_values(self, values: dict[str, Any], force: bool = True) -> None:
        """Show `values` (missing names keep their field) without emitting; unchanged fields are left alone
        unless `force`."""
        for name in self._specs:
            if name not in values:
                continue
            if force or name not in self._shown or values[name] != self._shown[name]:
                self._put(name, values[name])

    def block_all_signals(self) -> None:
        """Before the form is thrown away: a focused field would otherwise send editingFinished while dying."""
        for widget in self.findChildren(QWidget):
            widget.blockSignals(True)

    def _make_editor(self, spec: ParamSpec) -> QWidget:
        name = spec.name
        if spec.type == "int" and not spec.optional:
            low = -INT_LIMIT if spec.minimum is None else max(-INT_LIMIT, int(spec.minimum))
            high = INT_LIMIT if spec.maximum is None else min(INT_LIMIT, int(spec.maximum))
            spin = _SpinBox(low, high)
            spin.setKeyboardTracking(False)  # typing "128" is one edit, not three (1, 12, 128)
            spin.valueChanged.connect(lambda value, n=name: self._commit(n, value))
            return self._guarded(spin)
        if spec.type == "bool":
            box = QCheckBox()
            # stretched across the row, a box without text would take clicks only on its small square
            box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            box.toggled.connect(lambda on, n=name: self._commit(n, on))
            return box
        if spec.type == "choice":
            combo = QComboBox()
            for choice in spec.choices:
                combo.addItem(str(choice))
            # a long choice must not make the whole panel wider than a narrow dock
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.currentIndexChanged.connect(lambda index, n=name: self._commit_choice(n, index))
            return self._guarded(combo)
        if spec.type == "multi":
            row = QWidget()
            grid = QGridLayout(row)
            grid.setContentsMargins(0, 0, 0, 0)
            boxes = []
            for i, choice in enumerate(spec.choices):
                box = QCheckBox(str(choice))
                box.setToolTip(spec.help)
                box.toggled.connect(lambda _on, n=name: self._commit_multi(n))
                grid.addWidget(box, i // MULTI_COLUMNS, i % MULTI_COLUMNS)
                boxes.append(box)
            self._multi_boxes[name] = boxes
            return row
        if spec.type == "config":
            from designer.ui.config_editor import ConfigEditor

            editor = ConfigEditor()
            editor.edited.connect(lambda value, n=name: self._commit(n, value))
            return editor
        line = QLineEdit()
        line.setMinimumWidth(60)
        if spec.optional:
            line.setPlaceholderText("empty: automatic")
        elif spec.type == "shape":
            line.setPlaceholderText("e.g. 28, 28, 1")
        elif spec.type == "penalty":
            line.setPlaceholderText("L1, L2 — e.g. 0, 0.0005")
        elif spec.type == "words":
            line.setPlaceholderText("words separated by ; — e.g. east; north; west")
        line.editingFinished.connect(lambda n=name: self._commit_text(n))
        line.installEventFilter(self._undo_keys)
        return line

    def _guarded(self, widget: QWidget) -> QWidget:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self._wheel_guard)
        if isinstance(widget, QSpinBox):
            widget.installEventFilter(self._undo_keys)
        return widget

    def _put(self, name: str, value: Any) -> None:
        """Show `value` in the field of `name` without emitting anything."""
        spec, widget = self._specs[name], self._fields[name]
        self._shown[name] = value
        if spec.type == "multi":
            chosen = list(value or ())
            for choice, box in zip(spec.choices, self._multi_boxes[name]):
                with QSignalBlocker(box):
                    box.setChecked(choice in chosen)
            return
        with QSignalBlocker(widget):
            if isinstance(widget, QSpinBox):
                widget.setValue(int(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QComboBox):
                index = next((i for i, c in enumerate(spec.choices) if c == value and type(c) is type(value)), -1)
                widget.setCurrentIndex(index)
            elif isinstance(widget, QLineEdit):
                widget.setText(format_value(spec, value))
                widget.setCursorPosition(0)
            elif spec.type == "config":
                widget.set_config(value)

    # ------------------------------------------------------------------ edits
    def _commit_text(self, name: str) -> None:
        widget = self._fields.get(name)
        if isinstance(widget, QLineEdit):
            self._commit(name, parse_text(self._specs[name], widget.text()))

    def _commit_choice(self, name: str, index: int) -> None:
        choices = self._specs[name].choices
        if 0 <= index < len(choices):
            self._commit(name, choices[index])

    def _commit_multi(self, name: str) -> None:
        boxes = self._multi_boxes[name]
        self._commit(name, [choice for choice, box in zip(self._specs[name].choices, boxes) if box.isChecked()])

    def _commit(self, name: str, raw: Any) -> None:
        if name not in self._specs:
            return
        current = self._shown.get(name)
        try:
            value = self._specs[name].coerce(raw)
        except ParameterError as error:
            self._put(name, current)
            self.refused.emit(str(error))
            return
        self._put(name, value)  # "(28,28,1)" reads back as "28, 28, 1"
        if value != current:
            self.value_edited.emit(name, value)
