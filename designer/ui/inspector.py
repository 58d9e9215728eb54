"""The inspector: the side panel that shows and edits the one layer selected on the canvas.

Its form is generated from the layer kind's `ParamSpec`s (a spin box for a whole number, a check box for on/off, a
combo box for a choice, a text field for numbers, shapes and pairs...). Whatever a person types is parsed into a
Python value and checked with `ParamSpec.coerce`; a refused value is never sent on: the plain message appears in
red under the form and the field goes back to the layer's current value. An accepted value that differs from the
current one leaves as `parameter_edited(node_id, name, value)`; the window turns it into an undoable command and
calls `refresh` once the document has changed, which updates the fields in place without emitting anything.
Below the form the panel shows the layer's output shape, parameter count, errors and warnings, and the kind's
explanation and formula.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from designer.core.analysis import NodeReport, format_shape
from designer.core.catalogue import LayerKind, ParameterError, ParamSpec
from designer.core.graph import LayerNode
from designer.ui.style import ERROR_COLOUR, MUTED_TEXT_COLOUR, WARNING_COLOUR, category_colour

PLACEHOLDER_TEXT = "Select a layer on the canvas to edit it."
INT_LIMIT = 2**31 - 1  # QSpinBox holds a C int
MULTI_COLUMNS = 2  # check boxes of a "multi" parameter wrap into columns so a narrow panel clips nothing

_SEPARATORS = re.compile(r"[,\s]+")


def format_value(spec: ParamSpec, value: Any) -> str:
    """A parameter value as its text field shows it: 0.001, "28, 28, 1", "3, 3"; None is an empty field."""
    if value is None:
        return ""
    if spec.type == "float":
        return repr(float(value))  # the shortest text that reads back as the same number
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
    if not text:
        return None  # coerce accepts it for optional parameters and says "needs a value" otherwise
    if spec.type in ("shape", "pair"):
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


class _WheelGuard(QObject):
    """Lets the mouse wheel scroll the panel instead of changing a spin or combo box the pointer passes over."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


class Inspector(QWidget):
    """Edits the parameters and name of one layer node; see the module docstring for the protocol."""

    parameter_edited = Signal(str, str, object)
    rename_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._node: LayerNode | None = None
        self._specs: dict[str, ParamSpec] = {}
        self._fields: dict[str, QWidget] = {}
        self._multi_boxes: dict[str, list[QCheckBox]] = {}
        #: the value each field shows; refresh leaves a field alone when the document still holds it, so an
        #: analysis report arriving while someone types does not wipe their typing
        self._shown: dict[str, Any] = {}
        self._shown_name = ""
        self._wheel_guard = _WheelGuard(self)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)

        content = QWidget()
        self._layout = QVBoxLayout(content)
        self._layout.setContentsMargins(10, 10, 10, 10)
        self._layout.setSpacing(8)

        self.placeholder_label = _wrapped_label(PLACEHOLDER_TEXT)
        self.placeholder_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder_label.setStyleSheet(f"color: {MUTED_TEXT_COLOUR}; padding: 24px 4px;")
        self._layout.addWidget(self.placeholder_label)

        self._panel = QWidget()
        panel = QVBoxLayout(self._panel)
        panel.setContentsMargins(0, 0, 0, 0)
        panel.setSpacing(8)
        self.title_label = _wrapped_label("")
        title_font = QFont(self.title_label.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        self.title_label.setFont(title_font)
        self.category_label = _wrapped_label("")
        self.summary_label = _wrapped_label("")
        self.summary_label.setStyleSheet(f"color: {MUTED_TEXT_COLOUR};")
        for label in (self.title_label, self.category_label, self.summary_label):
            panel.addWidget(label)

        self.name_edit = QLineEdit()
        self.name_edit.setToolTip("The layer's name in the model, the summary and the exported code.")
        self.name_edit.editingFinished.connect(self._commit_name)
        name_form = _form_layout()
        name_form.addRow("Name", self.name_edit)
        panel.addLayout(name_form)

        # the parameter form is rebuilt per layer kind inside this holder
        self._form_holder = QVBoxLayout()
        self._form_holder.setContentsMargins(0, 0, 0, 0)
        panel.addLayout(self._form_holder)
        self._form_widget: QWidget | None = None

        self.error_label = _wrapped_label("")
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.hide()
        panel.addWidget(self.error_label)

        panel.addWidget(_separator())
        self.report_label = _wrapped_label("")
        panel.addWidget(self.report_label)
        self.messages_label = _wrapped_label("")
        self.messages_label.setTextFormat(Qt.TextFormat.RichText)
        panel.addWidget(self.messages_label)

        panel.addWidget(_separator())
        self.explanation_label = _wrapped_label("")
        self.explanation_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        panel.addWidget(self.explanation_label)
        self.formula_label = _wrapped_label("")
        formula_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        formula_font.setStyleHint(QFont.StyleHint.TypeWriter)  # a monospace fallback where the family is missing
        self.formula_label.setFont(formula_font)
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        panel.addWidget(self.formula_label)

        self._layout.addWidget(self._panel)
        self._layout.addStretch(1)
        self.scroll.setWidget(content)
        self.setMinimumWidth(220)
        self.show_node(None)

    # ------------------------------------------------------------------ public API
    @property
    def node(self) -> LayerNode | None:
        return self._node

    def field(self, name: str) -> QWidget:
        """The editor of parameter `name` of the layer shown (KeyError if it has none)."""
        return self._fields[name]

    def show_node(self, node: LayerNode | None, report: NodeReport | None = None, selected_count: int = 1) -> None:
        """Show `node` (rebuilding the form for its kind), or the placeholder when it is None."""
        self._clear_error()
        if node is None:
            self._node = None
            self._build_form(None)
            several = f"{selected_count} layers selected.\nSelect just one to edit it."
            self.placeholder_label.setText(several if selected_count > 1 else PLACEHOLDER_TEXT)
            self.placeholder_label.show()
            self._panel.hide()
            return
        # the same layer shown again (a click on the selected node) keeps its widgets, and with them the focus
        same_node = self._node is not None and (self._node.id, self._node.kind) == (node.id, node.kind)
        self._node = node
        if not same_node or self._form_widget is None:
            self._build_form(node.layer_kind)
        self._show_kind(node.layer_kind)
        self._sync_fields(force=True)
        self._show_report(report)
        self.placeholder_label.hide()
        self._panel.show()

    def refresh(self, node: LayerNode | None, report: NodeReport | None = None) -> None:
        """Bring the fields up to date with `node` without emitting; another node (or kind) is shown afresh."""
        if node is None or self._node is None or node.id != self._node.id or node.kind != self._node.kind:
            self.show_node(node, report)
            return
        self._node = node
        self._sync_fields(force=False)
        self._show_report(report)

    def show_error(self, text: str) -> None:
        """Show why the window refused an edit; every field goes back to what the layer really holds."""
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        if self._node is not None:
            self._sync_fields(force=True)

    # ------------------------------------------------------------------ building
    def _build_form(self, kind: LayerKind | None) -> None:
        if self._form_widget is not None:
            # a focused field of the old form would otherwise send editingFinished while it is being deleted
            for widget in self._form_widget.findChildren(QWidget):
                widget.blockSignals(True)
            self._form_holder.removeWidget(self._form_widget)
            self._form_widget.hide()
            self._form_widget.deleteLater()
            self._form_widget = None
        self._specs, self._fields, self._multi_boxes, self._shown = {}, {}, {}, {}
        self._shown_name = ""
        if kind is None:
            return
        self._form_widget = QWidget()
        form = _form_layout(self._form_widget)
        if not kind.params:
            form.addRow(_wrapped_label("This layer has no settings."))
        for spec in kind.params:
            editor = self._make_editor(spec)
            editor.setToolTip(spec.help)
            label = QLabel(spec.name.replace("_", " "))
            label.setToolTip(spec.help)
            label.setBuddy(editor)
            form.addRow(label, editor)
            self._specs[spec.name] = spec
            self._fields[spec.name] = editor
        self._form_holder.addWidget(self._form_widget)

    def _make_editor(self, spec: ParamSpec) -> QWidget:
        name = spec.name
        if spec.type == "int" and not spec.optional:
            spin = QSpinBox()
            low = -INT_LIMIT if spec.minimum is None else max(-INT_LIMIT, int(spec.minimum))
            high = INT_LIMIT if spec.maximum is None else min(INT_LIMIT, int(spec.maximum))
            spin.setRange(low, high)
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
        line = QLineEdit()
        line.setMinimumWidth(60)
        if spec.optional:
            line.setPlaceholderText("empty: automatic")
        elif spec.type == "shape":
            line.setPlaceholderText("e.g. 28, 28, 1")
        line.editingFinished.connect(lambda n=name: self._commit_text(n))
        return line

    def _guarded(self, widget: QWidget) -> QWidget:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self._wheel_guard)
        return widget

    def _show_kind(self, kind: LayerKind) -> None:
        self.title_label.setText(kind.title)
        colour = category_colour(kind.category).name()
        self.category_label.setText(f"<span style='color:{colour}; font-weight:600;'>{escape(kind.category)}</span>")
        self.summary_label.setText(kind.summary)
        self.explanation_label.setText(kind.explanation)
        self.formula_label.setText(kind.formula)
        self.formula_label.setVisible(bool(kind.formula))

    def _show_report(self, report: NodeReport | None) -> None:
        if report is None:
            self.report_label.setText("Output and parameters: not computed yet")
            self.messages_label.setText("")
            self.messages_label.hide()
            return
        shape = "unknown" if report.output_shape is None else format_shape(report.output_shape)
        count = report.params
        text = f"Output {shape} · {count:,} parameter{'' if count == 1 else 's'}"
        if report.non_trainable_params:
            text += f" ({report.non_trainable_params:,} not trainable)"
        self.report_label.setText(text)
        lines = [
            f"<span style='color:{ERROR_COLOUR if m.is_error else WARNING_COLOUR};'>"
            f"{'Error' if m.is_error else 'Warning'}: {escape(m.text)}</span>"
            for m in report.messages
        ]
        self.messages_label.setText("<br>".join(lines))
        self.messages_label.setVisible(bool(lines))

    # ------------------------------------------------------------------ values in the fields
    def _sync_fields(self, force: bool) -> None:
        node = self._node
        assert node is not None
        for name in self._specs:
            value = node.params.get(name)
            if force or name not in self._shown or value != self._shown[name]:
                self._put(name, value)
        if force or node.name != self._shown_name:
            with QSignalBlocker(self.name_edit):
                self.name_edit.setText(node.name)
            self._shown_name = node.name

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
        node = self._node
        if node is None or name not in self._specs:
            return
        current = node.params.get(name)
        try:
            value = self._specs[name].coerce(raw)
        except ParameterError as error:
            self.error_label.setText(str(error))
            self.error_label.show()
            self._put(name, current)
            return
        self._clear_error()
        self._put(name, value)  # "(28,28,1)" reads back as "28, 28, 1"
        if value != current:
            self.parameter_edited.emit(node.id, name, value)

    def _commit_name(self) -> None:
        node = self._node
        if node is None:
            return
        text = self.name_edit.text().strip()
        if not text or text == node.name:
            with QSignalBlocker(self.name_edit):
                self.name_edit.setText(node.name)
            return
        self._shown_name = text
        self.rename_requested.emit(node.id, text)

    def _clear_error(self) -> None:
        self.error_label.setText("")
        self.error_label.hide()


def _wrapped_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


def _form_layout(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent) if parent is not None else QFormLayout()
    form.setContentsMargins(0, 0, 0, 0)
    # in a narrow dock a long label moves above its field instead of squeezing it
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet(f"color: {MUTED_TEXT_COLOUR};")
    return line
