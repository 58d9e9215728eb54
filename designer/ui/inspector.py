"""The inspector: the side panel that shows and edits the one layer selected on the canvas.

Its form is a `ParamForm` generated from the layer kind's `ParamSpec`s (a spin box for a whole number, a check box
for on/off, a combo box for a choice, a text field for numbers, shapes and pairs...). Whatever a person types is
parsed and checked with `ParamSpec.coerce`; a refused value is never sent on: the plain message appears in red
under the form and the field goes back to the layer's current value. An accepted value that differs from the
current one leaves as `parameter_edited(node_id, name, value)`; the window turns it into an undoable command and
calls `refresh` once the document has changed, which updates the fields in place without emitting anything.
Below the form the panel shows the layer's output shape, parameter count, errors and warnings, and the kind's
explanation and formula.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from designer.core.analysis import NodeReport
from designer.core.shapes import format_shape
from designer.core.catalogue import LayerKind
from designer.core.graph import LayerNode
from designer.ui.panels import fill_with_scrolling
from designer.ui.param_form import ParamForm, form_layout
from designer.ui.style import ERROR_COLOUR, MUTED_TEXT_COLOUR, WARNING_COLOUR, category_colour

PLACEHOLDER_TEXT = "Select a layer on the canvas to edit it."


class Inspector(QWidget):
    """Edits the parameters and name of one layer node; see the module docstring for the protocol."""

    parameter_edited = Signal(str, str, object)
    rename_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._node: LayerNode | None = None
        self._shown_name = ""

        self.scroll = fill_with_scrolling(self)

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
        name_form = form_layout()
        name_form.addRow("Name", self.name_edit)
        panel.addLayout(name_form)

        # the parameter form is rebuilt per layer kind inside this holder
        self._form_holder = QVBoxLayout()
        self._form_holder.setContentsMargins(0, 0, 0, 0)
        panel.addLayout(self._form_holder)
        self._form_widget: ParamForm | None = None
        self._no_settings: QLabel | None = None

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
        if self._form_widget is None:
            raise KeyError(name)
        return self._form_widget.field(name)

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
            self._form_widget.block_all_signals()
            self._form_holder.removeWidget(self._form_widget)
            self._form_widget.hide()
            self._form_widget.deleteLater()
            self._form_widget = None
        if self._no_settings is not None:
            self._no_settings.deleteLater()
            self._no_settings = None
        self._shown_name = ""
        if kind is None:
            return
        self._form_widget = ParamForm(kind.params)
        self._form_widget.value_edited.connect(self._on_value_edited)
        self._form_widget.refused.connect(self._on_refused)
        self._form_holder.addWidget(self._form_widget)
        if not kind.params:
            self._no_settings = _wrapped_label("This layer has no settings.")
            self._form_holder.addWidget(self._no_settings)

    def _on_value_edited(self, name: str, value: Any) -> None:
        self._clear_error()
        if self._node is not None:
            self.parameter_edited.emit(self._node.id, name, value)

    def _on_refused(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

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
        if self._form_widget is not None:
            self._form_widget.set_values(node.params, force)
        if force or node.name != self._shown_name:
            with QSignalBlocker(self.name_edit):
                self.name_edit.setText(node.name)
            self._shown_name = node.name

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


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setStyleSheet(f"color: {MUTED_TEXT_COLOUR};")
    return line
