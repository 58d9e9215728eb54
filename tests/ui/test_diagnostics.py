"""Help → Diagnostics shows the same report as `designer doctor`, made in the background, and Copy puts it on the
clipboard; the window carries the app's icon."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication


def test_help_diagnostics_shows_the_report_and_copies_it(window, qtbot):
    window.diagnostics_action.trigger()
    dialog = window._diagnostics_dialog
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=60_000)
    text = dialog.text.toPlainText()
    assert text.startswith("[ok] Versions") and "] GPU" in text and "] Folders" in text
    qtbot.mouseClick(dialog.copy_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == text and dialog.copy_button.text() == "Copied"
    dialog.reject()


def test_the_application_has_its_icon(qtbot):
    from designer.ui.app import make_application

    app = make_application()
    assert not app.windowIcon().isNull() and app.desktopFileName() == "network-designer"
