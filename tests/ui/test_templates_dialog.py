"""The "New project" dialog: the gallery lists a blank canvas and every template with its picture and
description, a click describes a template, a double click chooses it, and Cancel chooses nothing."""

from __future__ import annotations

import html

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from designer.core.templates import list_templates, load_template
from designer.ui.templates_dialog import BLANK_NAME, PICTURE_BACKGROUND, TemplatesDialog, graph_picture


@pytest.fixture
def dialog(qtbot) -> TemplatesDialog:
    widget = TemplatesDialog()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _click(qtbot, dialog: TemplatesDialog, key: str, double: bool = False) -> None:
    item = dialog.item_for(key)
    dialog.gallery.scrollToItem(item)
    centre = dialog.gallery.visualItemRect(item).center()
    qtbot.mouseClick(dialog.gallery.viewport(), Qt.LeftButton, pos=centre)
    if double:
        # a real double click is a click then a double-click event; the view ignores one without the press
        qtbot.mouseDClick(dialog.gallery.viewport(), Qt.LeftButton, pos=centre)


def test_gallery_lists_blank_then_every_template_with_picture_and_tooltip(dialog: TemplatesDialog) -> None:
    templates = list_templates()
    gallery = dialog.gallery
    assert dialog.windowTitle() == "New project"
    assert gallery.count() == len(templates) + 1
    assert gallery.item(0).text() == BLANK_NAME and gallery.item(0).data(Qt.UserRole) == ""
    for row, template in enumerate(templates, start=1):
        item = gallery.item(row)
        assert item.text() == template.name
        assert item.data(Qt.UserRole) == template.key
        assert item.toolTip().startswith(template.description)  # then where its data comes from
        assert not item.icon().isNull()
    assert dialog.buttons.button(QDialogButtonBox.Ok).text() == "Create"


def test_clicking_an_item_shows_its_name_and_description(qtbot, dialog: TemplatesDialog) -> None:
    template = list_templates()[3]
    _click(qtbot, dialog, template.key)
    assert dialog.selected_key() == template.key
    text = dialog.description.text()
    assert f"<b>{html.escape(template.name)}</b>" in text
    assert html.escape(template.description) in text


def test_double_click_accepts_with_that_template(qtbot, dialog: TemplatesDialog) -> None:
    template = next(t for t in list_templates() if t.key == "mlp_gan")
    _click(qtbot, dialog, template.key, double=True)
    assert dialog.result() == QDialog.Accepted
    assert dialog.selected_key() == "mlp_gan"


def test_blank_is_chosen_by_default_and_nothing_selected_gives_none(dialog: TemplatesDialog) -> None:
    assert dialog.selected_key() == ""
    dialog.gallery.clearSelection()
    assert dialog.selected_key() is None
    assert not dialog.buttons.button(QDialogButtonBox.Ok).isEnabled()


def test_cancel_rejects(qtbot, dialog: TemplatesDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Cancel), Qt.LeftButton)
    assert dialog.result() == QDialog.Rejected
    assert not dialog.isVisible()


def test_gan_picture_has_the_requested_size_and_is_not_blank() -> None:
    size = QSize(300, 200)
    image = graph_picture(load_template("mlp_gan").graphs, size).toImage()
    assert image.size() == size
    background = PICTURE_BACKGROUND.rgb()
    drawn = sum(
        1 for y in range(0, size.height(), 2) for x in range(0, size.width(), 2) if image.pixel(x, y) != background
    )
    assert drawn > 100
    # both graphs are drawn: something on the left half and something on the right half
    left = any(image.pixel(x, y) != background for x in range(10, 140) for y in range(30, 190, 3))
    right = any(image.pixel(x, y) != background for x in range(160, 290) for y in range(30, 190, 3))
    assert left and right


def test_pictures_are_cached_by_template_key(dialog: TemplatesDialog) -> None:
    assert dialog.picture("perceptron") is dialog.picture("perceptron")
    assert QColor(dialog.picture("perceptron").toImage().pixel(0, 0)) == PICTURE_BACKGROUND
