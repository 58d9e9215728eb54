"""The editor of a "config" parameter: the whole Keras configuration of a generic "Keras layer" node, one row per
setting. Plain values are edited where they are (numbers and texts in a field, on/off in a check box); nested ones
(an initializer, the dtype policy) are shown as compact JSON, read-only; a flat list (an axis list) is edited as
JSON, with the whole value in the tooltip. An
edit leaves as `edited(new configuration)`; the inspector's form checks it like any other parameter."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QSizePolicy, QWidget

#: how much of a nested value the row shows before "…"
SHOWN_CHARACTERS = 60


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _parse(text: str, before: Any) -> Any:
    """What a person typed, read as the same kind of value the setting had: a text stays a text; a number (or an
    empty setting) is read as JSON (3, 0.5, null, "name"), and a word that is not JSON is a text."""
    text = text.strip()
    if isinstance(before, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text


class ConfigEditor(QWidget):
    edited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config: dict[str, Any] = {}
        self._rows: dict[str, QWidget] = {}
        self._form = QFormLayout(self)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

    def config(self) -> dict[str, Any]:
        return dict(self._config)

    def field(self, key: str) -> QWidget:
        return self._rows[key]

    def set_config(self, config: dict[str, Any] | None) -> None:
        config = dict(config or {})
        if list(config) != list(self._config) or any(
            _is_plain(config[k]) != _is_plain(self._config[k]) or isinstance(config[k], bool) != isinstance(self._config[k], bool)
            for k in config
        ):
            self._rebuild(config)
        self._config = config
        for key, value in config.items():
            self._show(key, value)

    def _rebuild(self, config: dict[str, Any]) -> None:
        while self._form.rowCount():
            self._form.removeRow(0)
        self._rows = {}
        for key, value in config.items():
            if isinstance(value, bool):
                widget: QWidget = QCheckBox()
                # stretched across the row, a box without text would take clicks only on its small square
                widget.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                widget.toggled.connect(lambda on, k=key: self._commit(k, on))
            elif _is_plain(value):
                widget = QLineEdit()
                widget.editingFinished.connect(lambda k=key: self._commit_text(k))
            else:
                widget = QLabel()
                widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                widget.setStyleSheet("color: palette(placeholder-text);")
            label = QLabel(key.replace("_", " "))
            label.setToolTip(key)
            self._form.addRow(label, widget)
            self._rows[key] = widget

    def _show(self, key: str, value: Any) -> None:
        widget = self._rows[key]
        with QSignalBlocker(widget):
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QLineEdit):
                widget.setText(_text(value))
                widget.setCursorPosition(0)
            else:
                whole = json.dumps(value, separators=(", ", ": "))
                widget.setText(whole if len(whole) <= SHOWN_CHARACTERS else whole[: SHOWN_CHARACTERS - 1] + "…")
                widget.setToolTip(f"{key} (read-only here): {whole}")

    def _commit_text(self, key: str) -> None:
        before = self._config.get(key)
        value = _parse(self._rows[key].text(), before)
        if isinstance(before, list) and not isinstance(value, list):  # "1, 2" is not a list: show what it was
            self._show(key, before)
            return
        self._commit(key, value)

    def _commit(self, key: str, value: Any) -> None:
        if self._config.get(key) == value and type(self._config.get(key)) is type(value):
            return
        changed = dict(self._config)
        changed[key] = value
        self.edited.emit(changed)


def _is_plain(value: Any) -> bool:
    """Edited in a field: a number, a text, on/off, empty, or a flat list of numbers and texts (an axis list)."""
    if isinstance(value, list):
        return all(v is None or isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in value)
    return value is None or isinstance(value, (bool, int, float, str))
