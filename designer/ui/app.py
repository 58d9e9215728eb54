"""Starting the window: a QApplication, the designer window on a project, then TensorFlow in the background.

The window is shown before TensorFlow is imported (it takes seconds); the live analysis thread starts just
after the first paint and the status bar says "Loading TensorFlow…" until it is ready. Before any of it, `run`
checks that there is a display and that Qt's platform plugin can load (`platform_check`): Qt would abort instead.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from designer.ui.platform_check import check_platform_plugin

# Qt is imported inside the functions: `run` first checks that Qt's libraries can load at all (platform_check),
# and importing QtWidgets already needs some of the system libraries a fresh machine may lack.
if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

#: the project the window opens on when none is given: trains offline on the bundled digits
DEFAULT_TEMPLATE = "digits_mlp"


def make_application(argv: list[str] | None = None) -> QApplication:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Network Designer")
    app.setOrganizationName("Network Designer")
    app.setApplicationDisplayName("Network Designer")
    app.setDesktopFileName("network-designer")  # the launcher `designer install-desktop` writes (its icon, its name)
    app.setWindowIcon(application_icon())
    return app


def application_icon():
    """The app's icon (designer/resources/icons): the SVG, with the PNGs for the small sizes a task bar uses."""
    from PySide6.QtGui import QIcon

    from designer.core.templates import resources_dir

    folder = resources_dir() / "icons"
    icon = QIcon(str(folder / "network-designer.svg"))
    for png in sorted(folder.glob("network-designer-*.png")):
        icon.addFile(str(png))
    return icon


def open_window(path: str | None = None, template: str | None = DEFAULT_TEMPLATE):
    """Create and show the window on `path`, else on `template`; returns it (the caller runs the event loop)."""
    from designer.ui.main_window import MainWindow

    window = MainWindow()
    if template:
        window.new_project(template)
    window.mark_start_project(f"the example “{window.project.name}”" if template else "a new project")
    window.show()

    def after_first_paint() -> None:
        window.analysis.start()
        if path is not None:
            window.open_file(path)
        else:
            window.offer_recovery()

    _when_on_screen(window, after_first_paint)
    return window


def _when_on_screen(window, callback) -> None:
    """Call back once the window is exposed and has had time to paint.

    Starting the TensorFlow import any earlier makes the first paint wait ~0.3 s for the interpreter lock
    (measured with bench/bench_startup.py).
    """
    from PySide6.QtCore import QTimer

    def check() -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            QTimer.singleShot(50, callback)
        else:
            QTimer.singleShot(10, check)

    QTimer.singleShot(0, check)


class NoDisplayError(RuntimeError):
    """The window cannot open: there is no screen to put it on."""


def check_display() -> None:
    """On Linux, say plainly that there is no display instead of letting Qt abort the process."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplayError(
            "no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset). Run it in a desktop "
            "session, or use the headless commands: designer --help"
        )


def run(path: str | None = None) -> int:
    """The `designer` command without a sub-command: open the window and run until it closes."""
    check_display()
    check_platform_plugin()  # Qt would abort on a missing system library: name it and the package instead
    app = make_application()
    try:
        window = open_window(path)
    except Exception as error:  # the window itself failed: say so in a dialog rather than vanish
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "Network Designer", f"The window could not start: {error}")
        raise
    app.window = window  # keep a reference for the event loop's lifetime
    return app.exec()
