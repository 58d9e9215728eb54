"""The layer palette: every catalogue kind listed with icon and tooltip, search, adding by double-click or Enter,
and drags that carry only the catalogue key."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt

from designer.core import catalogue
from designer.ui.icons import layer_glyph, layer_icon
from designer.ui.palette import LAYER_MIME, Palette, kind_key_from_mime, layer_mime_data

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def palette(qtbot) -> Palette:
    widget = Palette()
    qtbot.addWidget(widget)
    widget.resize(260, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _top_level_titles(palette: Palette) -> list[str]:
    return [palette.tree.topLevelItem(i).text(0) for i in range(palette.tree.topLevelItemCount())]


def test_every_kind_is_listed_under_its_category_with_icon_and_tooltip(palette: Palette) -> None:
    groups = {name: kinds for name, kinds in catalogue.by_category().items() if kinds}
    assert _top_level_titles(palette) == list(groups)
    for category, kinds in groups.items():
        for kind in kinds:
            item = palette.item_for(kind.key)
            assert item.parent().text(0) == category
            assert item.parent().isExpanded()
            assert item.text(0) == kind.title
            assert item.data(0, Qt.ItemDataRole.UserRole) == kind.key
            assert not item.icon(0).isNull()
            tooltip = item.toolTip(0)
            assert f"<b>{kind.title}</b>" in tooltip
            assert kind.explanation.split()[0] in tooltip
    assert palette.visible_keys() == [kind.key for kind in catalogue.all_kinds()]
    assert palette.minimumWidth() >= 200


def test_icons_are_painted_with_the_category_colour(qapp) -> None:
    kind = catalogue.get("Conv2D")
    image = layer_icon(kind, 28).pixmap(28, 28).toImage()
    assert image.pixelColor(14, 3).name() == "#2e9e6a"  # inside the rounded square, above the glyph
    assert image.pixelColor(0, 0).alpha() < 255  # the corners are rounded off
    assert layer_icon(kind, 28) is layer_icon(kind, 28)


def test_icon_falls_back_to_the_first_letter_of_the_title(qapp) -> None:
    dense = catalogue.get("Dense")
    assert layer_glyph(dense) == dense.icon
    assert layer_glyph(replace(dense, icon="")) == "D"
    assert layer_glyph(replace(dense, icon="\U0010fffd")) == "D"  # a glyph no installed font can draw


def test_search_filters_and_clearing_restores(palette: Palette, qtbot) -> None:
    qtbot.keyClicks(palette.search_box, "conv")
    visible = palette.visible_keys()
    # a match by name, or by category (ZeroPadding2D sits with the convolutions), or by summary
    assert visible and all("conv" in f"{key} {catalogue.get(key).category} {catalogue.get(key).summary}".lower()
                           for key in visible)
    assert {"Conv2D", "Conv1D", "Conv2DTranspose"} <= set(visible)
    shown_categories = [
        palette.tree.topLevelItem(i).text(0)
        for i in range(palette.tree.topLevelItemCount())
        if not palette.tree.topLevelItem(i).isHidden()
    ]
    assert shown_categories == ["Convolution"]
    assert palette.item_for("Dense").isHidden()

    palette.search_box.clear()
    assert palette.visible_keys() == [kind.key for kind in catalogue.all_kinds()]
    assert not any(palette.tree.topLevelItem(i).isHidden() for i in range(palette.tree.topLevelItemCount()))


def test_search_matches_summary_and_category_case_insensitively(palette: Palette, qtbot) -> None:
    qtbot.keyClicks(palette.search_box, "RECURRENT")
    assert set(palette.visible_keys()) == {k.key for k in catalogue.by_category()["Recurrent"]}
    palette.search_box.clear()
    qtbot.keyClicks(palette.search_box, "no layer is called this")
    assert palette.visible_keys() == []


def test_double_click_on_a_layer_emits_add_requested(palette: Palette, qtbot) -> None:
    item = palette.item_for("Dense")
    palette.tree.scrollToItem(item)
    point = palette.tree.visualItemRect(item).center()
    with qtbot.waitSignal(palette.add_requested, timeout=1000) as blocker:
        qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == ["Dense"]


def test_double_click_on_a_category_adds_nothing(palette: Palette, qtbot) -> None:
    header = palette.item_for("Dense").parent()
    point = palette.tree.visualItemRect(header).center()
    with qtbot.assertNotEmitted(palette.add_requested):
        qtbot.mouseDClick(palette.tree.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_enter_in_search_adds_the_first_match(palette: Palette, qtbot) -> None:
    qtbot.keyClicks(palette.search_box, "lstm")
    with qtbot.waitSignal(palette.add_requested, timeout=1000) as blocker:
        qtbot.keyClick(palette.search_box, Qt.Key.Key_Return)
    assert blocker.args == ["LSTM"]


def test_enter_on_a_selected_layer_emits_but_not_on_a_category(palette: Palette, qtbot) -> None:
    palette.tree.setFocus()
    palette.tree.setCurrentItem(palette.item_for("Dropout"))
    with qtbot.waitSignal(palette.add_requested, timeout=1000) as blocker:
        qtbot.keyClick(palette.tree, Qt.Key.Key_Return)
    assert blocker.args == ["Dropout"]

    palette.tree.setCurrentItem(palette.item_for("Dropout").parent())
    with qtbot.assertNotEmitted(palette.add_requested):
        qtbot.keyClick(palette.tree, Qt.Key.Key_Enter)


def test_down_in_search_moves_to_the_first_match(palette: Palette, qtbot) -> None:
    qtbot.keyClicks(palette.search_box, "gru")
    qtbot.keyClick(palette.search_box, Qt.Key.Key_Down)
    assert palette.tree.currentItem() is palette.item_for("GRU")


def test_drag_data_carries_only_the_key(palette: Palette) -> None:
    item = palette.item_for("Conv2D")
    mime = palette.tree.mimeData([item])
    assert palette.tree.mimeTypes() == [LAYER_MIME]
    assert bytes(mime.data(LAYER_MIME).data()) == b"Conv2D"
    assert set(mime.formats()) <= {LAYER_MIME, "text/plain"}
    assert kind_key_from_mime(mime) == "Conv2D"
    assert kind_key_from_mime(layer_mime_data("MaxPooling2D")) == "MaxPooling2D"


def test_foreign_drag_data_is_not_a_layer() -> None:
    plain = QMimeData()
    plain.setText("Dense")
    assert kind_key_from_mime(plain) is None
    assert kind_key_from_mime(None) is None
    broken = QMimeData()
    broken.setData(LAYER_MIME, b"\xff\xfe")
    assert kind_key_from_mime(broken) is None


def test_only_layer_items_are_draggable(palette: Palette) -> None:
    assert palette.tree.dragEnabled()
    for i in range(palette.tree.topLevelItemCount()):
        header = palette.tree.topLevelItem(i)
        assert not header.flags() & Qt.ItemFlag.ItemIsDragEnabled
        assert palette.tree.mimeData([header]) is None
        assert header.font(0).bold()
    assert palette.item_for("Dense").flags() & Qt.ItemFlag.ItemIsDragEnabled


def test_importing_the_palette_does_not_import_tensorflow() -> None:
    code = "import designer.ui.palette, sys; assert 'tensorflow' not in sys.modules, 'tensorflow was imported'"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60, cwd=REPO_ROOT
    )
    assert result.returncode == 0, result.stderr
