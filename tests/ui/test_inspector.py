"""The inspector panel: a form generated from the layer kind's parameters, edited by typing and clicking.

Valid edits leave as one `parameter_edited` each (coerced to canonical form), refused ones show the plain
message in `error_label` and emit nothing, `refresh` updates fields silently, and the panel shows the layer's
report and explanation. Every test drives the real widgets with key presses and clicks.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox

from designer.core import catalogue
from designer.core.analysis import Message, NodeReport
from designer.core.catalogue import ParamSpec
from designer.core.graph import LayerNode
from designer.ui.inspector import PLACEHOLDER_TEXT, Inspector
from designer.ui.param_form import format_value, parse_text


def make_node(kind: str, node_id: str = "n1", name: str | None = None, **params) -> LayerNode:
    layer_kind = catalogue.get(kind)
    return LayerNode(node_id, kind, name or layer_kind.name_prefix, layer_kind.check_params(params))


@pytest.fixture
def inspector(qtbot) -> Inspector:
    widget = Inspector()
    qtbot.addWidget(widget)
    widget.resize(300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def edits(inspector: Inspector) -> list[tuple]:
    received: list[tuple] = []
    inspector.parameter_edited.connect(lambda *args: received.append(args))
    inspector.rename_requested.connect(lambda *args: received.append(("rename", *args)))
    return received


def type_into(qtbot, widget, text: str) -> None:
    """Click into the field, replace its text as a person would, and press Enter."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(widget, text)
    else:
        qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_nothing_selected_shows_the_placeholder(inspector: Inspector) -> None:
    assert inspector.placeholder_label.isVisible()
    assert inspector.placeholder_label.text() == PLACEHOLDER_TEXT
    inspector.show_node(None, None, selected_count=3)
    assert "3 layers selected" in inspector.placeholder_label.text()
    inspector.show_node(make_node("Dense"))
    assert not inspector.placeholder_label.isVisible()
    inspector.show_node(None)
    assert inspector.placeholder_label.text() == PLACEHOLDER_TEXT
    assert not inspector.title_label.isVisible()
    with pytest.raises(KeyError):
        inspector.field("units")


def test_dense_form_header_report_and_explanation(inspector: Inspector) -> None:
    kind = catalogue.get("Dense")
    report = NodeReport(
        (None, 128), 100_480, 0, [Message("error", "Bad input"), Message("warning", "Add a Flatten")]
    )
    inspector.show_node(make_node("Dense", units=128), report)
    assert inspector.title_label.text() == "Dense"
    assert "Core" in inspector.category_label.text()
    assert inspector.name_edit.text() == "dense"
    assert isinstance(inspector.field("units"), QSpinBox) and inspector.field("units").value() == 128
    assert isinstance(inspector.field("activation"), QComboBox)
    assert inspector.field("activation").currentText() == "linear"
    assert isinstance(inspector.field("use_bias"), QCheckBox) and inspector.field("use_bias").isChecked()
    assert inspector.field("units").toolTip() == kind.param("units").help
    assert inspector.report_label.text() == "Output (None, 128) · 100,480 parameters"
    messages = inspector.messages_label.text()
    assert "Bad input" in messages and "Add a Flatten" in messages
    assert "#d64541" in messages and "#d9a21b" in messages  # errors red, warnings amber
    assert inspector.explanation_label.text() == kind.explanation
    assert inspector.explanation_label.isVisible()
    assert inspector.formula_label.text() == kind.formula
    assert inspector.formula_label.font().styleHint() == QFont.StyleHint.TypeWriter


def test_typing_units_in_the_spin_box_emits_exactly_once(qtbot, inspector: Inspector, edits: list) -> None:
    inspector.show_node(make_node("Dense"))
    spin = inspector.field("units")
    type_into(qtbot, spin, "128")
    spin.clearFocus()  # leaving the field must not send the same edit again
    assert edits == [("n1", "units", 128)]
    assert type(edits[0][2]) is int


def test_choosing_an_activation_in_the_combo_emits_it(qtbot, inspector: Inspector, edits: list) -> None:
    inspector.show_node(make_node("Dense"))
    combo = inspector.field("activation")
    combo.setFocus()
    qtbot.keyClicks(combo, "relu")  # keyboard search in a closed combo picks the matching choice
    assert combo.currentText() == "relu"
    assert edits[-1] == ("n1", "activation", "relu")
    assert all(edit[1] == "activation" for edit in edits)


def test_clicking_a_bool_check_box_emits(qtbot, inspector: Inspector, edits: list) -> None:
    inspector.show_node(make_node("Dense"))
    box = inspector.field("use_bias")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert edits == [("n1", "use_bias", False)]


def test_shape_field_accepts_several_spellings_and_refuses_words(qtbot, inspector: Inspector, edits: list) -> None:
    node = make_node("Input", node_id="in")
    inspector.show_node(node)
    field = inspector.field("shape")
    assert isinstance(field, QLineEdit) and field.text() == "784"

    type_into(qtbot, field, "28, x")
    assert edits == []
    assert "whole number" in inspector.error_label.text() and "'x'" in inspector.error_label.text()
    assert inspector.error_label.isVisible()
    assert field.text() == "784"  # back to the layer's value

    type_into(qtbot, field, "28, 28, 1")
    assert edits == [("in", "shape", [28, 28, 1])]
    assert not inspector.error_label.isVisible()

    node.params["shape"] = [28, 28, 1]  # what the window's command does
    type_into(qtbot, field, "(28, 28, 1)")
    assert len(edits) == 1  # the same value again sends nothing
    assert field.text() == "28, 28, 1"


def test_out_of_range_float_is_refused_with_the_coerce_message(qtbot, inspector: Inspector, edits: list) -> None:
    inspector.show_node(make_node("Dropout", node_id="d"))
    field = inspector.field("rate")
    assert isinstance(field, QLineEdit) and field.text() == "0.5"
    type_into(qtbot, field, "1.5")
    spec = catalogue.get("Dropout").param("rate")
    with pytest.raises(catalogue.ParameterError) as refused:
        spec.coerce(1.5)
    assert inspector.error_label.text() == str(refused.value)
    assert edits == [] and field.text() == "0.5"
    type_into(qtbot, field, "0.25")
    assert edits == [("d", "rate", 0.25)]


def test_small_floats_show_in_short_form(inspector: Inspector) -> None:
    inspector.show_node(make_node("BatchNormalization"))
    assert inspector.field("epsilon").text() == "0.001"
    assert inspector.field("momentum").text() == "0.99"


def test_pair_and_optional_fields(qtbot, inspector: Inspector, edits: list) -> None:
    inspector.show_node(make_node("MaxPooling2D", node_id="p"))
    pool = inspector.field("pool_size")
    assert pool.text() == "2, 2"
    type_into(qtbot, pool, "3")
    assert edits == [("p", "pool_size", [3, 3])]
    strides = inspector.field("strides")
    assert strides.text() == ""  # None: "the window size"
    type_into(qtbot, strides, "1 2")
    assert edits[-1] == ("p", "strides", [1, 2])
    inspector.node.params["strides"] = [1, 2]
    type_into(qtbot, strides, "")
    assert edits[-1] == ("p", "strides", None)


def test_renaming_emits_rename_requested(qtbot, inspector: Inspector, edits: list) -> None:
    inspector.show_node(make_node("Dense", name="dense"))
    type_into(qtbot, inspector.name_edit, "hidden")
    assert edits == [("rename", "n1", "hidden")]
    type_into(qtbot, inspector.name_edit, "")
    assert inspector.name_edit.text() == "dense"  # an empty name is not a name
    assert len(edits) == 1


def test_refresh_updates_fields_in_place_without_emitting(qtbot, inspector: Inspector, edits: list) -> None:
    node = make_node("Dense")
    inspector.show_node(node, NodeReport((None, 32), 100))
    spin, combo, box = inspector.field("units"), inspector.field("activation"), inspector.field("use_bias")
    node.params = {"units": 64, "activation": "relu", "use_bias": False}  # an undo, say
    node.name = "hidden"
    inspector.refresh(node, NodeReport((None, 64), 200))
    assert inspector.field("units") is spin  # same widgets
    assert (spin.value(), combo.currentText(), box.isChecked()) == (64, "relu", False)
    assert inspector.name_edit.text() == "hidden"
    assert inspector.report_label.text() == "Output (None, 64) · 200 parameters"
    assert edits == []

    inspector.refresh(make_node("Dense", node_id="n2", units=7))
    assert inspector.field("units") is not spin and inspector.field("units").value() == 7
    assert edits == []


def test_refresh_keeps_what_is_being_typed_when_only_the_report_changed(qtbot, inspector: Inspector) -> None:
    node = make_node("Dropout")
    inspector.show_node(node)
    field = inspector.field("rate")
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, "0.3")
    inspector.refresh(node, NodeReport((None, 10), 0))
    assert field.text() == "0.3"


def test_show_error_shows_the_message_and_puts_fields_back(qtbot, inspector: Inspector, edits: list) -> None:
    inspector.show_node(make_node("Dense", name="dense"))
    type_into(qtbot, inspector.name_edit, "bad name!")
    assert edits == [("rename", "n1", "bad name!")]
    inspector.show_error("dense: a name may hold only letters, digits, _ . -")
    assert inspector.error_label.text().startswith("dense: a name")
    assert inspector.name_edit.text() == "dense"


def test_multi_and_text_parameters(qtbot, inspector: Inspector, edits: list, monkeypatch) -> None:
    # no registered kind uses these types yet; a stand-in kind checks the editors exist and work
    catalogue.all_kinds()
    kind = replace(
        catalogue.get("Flatten"),
        key="TestMulti",
        params=(
            ParamSpec("metrics", "multi", ["mae"], "Which numbers to track.", choices=("mae", "mse", "accuracy")),
            ParamSpec("label", "str", "", "A note."),
        ),
    )
    monkeypatch.setitem(catalogue._REGISTRY, "TestMulti", kind)
    inspector.show_node(LayerNode("m", "TestMulti", "m", kind.defaults()))
    boxes = inspector.field("metrics").findChildren(QCheckBox)
    assert [b.text() for b in boxes] == ["mae", "mse", "accuracy"] and boxes[0].isChecked()
    qtbot.mouseClick(boxes[2], Qt.MouseButton.LeftButton, pos=boxes[2].rect().center())
    assert edits == [("m", "metrics", ["mae", "accuracy"])]
    type_into(qtbot, inspector.field("label"), "hello")
    assert edits[-1] == ("m", "label", "hello")


def test_every_kind_fits_a_narrow_panel(inspector: Inspector) -> None:
    for kind in catalogue.all_kinds():
        inspector.show_node(LayerNode("k", kind.key, kind.name_prefix or "x", kind.defaults()))
        for spec in kind.params:
            assert inspector.field(spec.name).toolTip() == spec.help or spec.type == "multi"
        width = inspector.scroll.widget().minimumSizeHint().width()
        assert width <= 300, f"{kind.key} needs {width} px"


@pytest.mark.parametrize(
    ("kind", "name", "text", "expected"),
    [
        ("Input", "shape", "(28, 28, 1)", [28, 28, 1]),
        ("Input", "shape", "28 28 1", [28, 28, 1]),
        ("Input", "shape", "[784,]", [784]),
        ("Conv2D", "kernel_size", "3", 3),
        ("Conv2D", "kernel_size", "3,5", [3, 5]),
        ("Dropout", "rate", "1e-3", 0.001),
        ("Dropout", "rate", "abc", "abc"),
        ("Dropout", "rate", " ", None),
    ],
)
def test_parse_text(kind: str, name: str, text: str, expected) -> None:
    assert parse_text(catalogue.get(kind).param(name), text) == expected


def test_format_value() -> None:
    assert format_value(catalogue.get("Dropout").param("rate"), 1e-05) == "1e-05"
    assert format_value(catalogue.get("Input").param("shape"), [28, 28, 1]) == "28, 28, 1"


def test_a_generic_keras_layer_shows_its_config_and_edits_its_plain_values(inspector: Inspector, edits, qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    dtype = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
    config = {"trainable": True, "dtype": dtype, "axis": [1, 2], "epsilon": 0.001, "mode": "fast"}
    inspector.show_node(make_node("KerasLayer", class_name="UnitNormalization", config=config))
    fields = inspector.field("config")
    assert isinstance(fields.field("dtype"), QLabel) and "DTypePolicy" in fields.field("dtype").toolTip()
    assert fields.field("axis").text() == "[1, 2]" and fields.field("epsilon").text() == "0.001"
    type_into(qtbot, fields.field("axis"), "[1]")
    assert edits[-1] == ("n1", "config", {**config, "axis": [1]})
    type_into(qtbot, fields.field("epsilon"), "0.01")
    assert edits[-1][2]["epsilon"] == 0.01
    type_into(qtbot, fields.field("mode"), "12")  # a text stays a text
    assert edits[-1][2]["mode"] == "12"
    count = len(edits)
    type_into(qtbot, fields.field("axis"), "1, 2")  # not a list: nothing is sent, the field shows the value again
    assert len(edits) == count and fields.field("axis").text() == "[1]"  # as last set
    qtbot.mouseClick(fields.field("trainable"), Qt.MouseButton.LeftButton)
    assert edits[-1][2]["trainable"] is False
