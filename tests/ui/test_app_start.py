"""Starting the window as the `designer` command does: on the bundled example, or on a file given to
`designer open`, with TensorFlow loaded only after the window is on screen; keyboard shortcuts on the canvas."""

from PySide6.QtCore import Qt

from designer.core.project_files import dumps, load_project
from designer.core.templates import template_path


def test_window_opens_on_the_bundled_example_then_loads_tensorflow(qtbot, isolated_settings):
    from designer.ui.app import DEFAULT_TEMPLATE, open_window

    window = open_window()
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    assert window.isVisible()
    assert window.project.name == load_project(template_path(DEFAULT_TEMPLATE)).name
    assert not window.is_modified
    qtbot.waitUntil(lambda: window.analysis.ready, timeout=120_000)
    assert window.device_label.text().startswith("Training device: ")
    qtbot.waitUntil(lambda: window.analysis.up_to_date(id(window.project.graphs[0])), timeout=30_000)
    assert "Total params:" in window.summary.totals.text()


def test_designer_open_file_shows_that_file(qtbot, isolated_settings, tmp_path):
    from designer.core.project_files import save_project
    from designer.core.templates import load_template
    from designer.ui.app import open_window

    path = tmp_path / "mine.json"
    save_project(load_template("simple_rnn"), path)
    window = open_window(str(path))
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    qtbot.waitUntil(lambda: window.path == str(path.resolve()), timeout=30_000)
    assert dumps(window.project) == dumps(load_project(path))
    assert window.windowTitle().startswith("mine.json")


def test_designer_open_on_a_broken_file_says_what_the_window_shows_instead(qtbot, isolated_settings, tmp_path,
                                                                          read_next_dialog):
    from designer.core.templates import load_template
    from designer.ui.app import DEFAULT_TEMPLATE, open_window

    path = tmp_path / "broken.json"
    text = dumps(load_template("perceptron"))
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    messages = []
    read_next_dialog(messages)
    window = open_window(str(path))
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    qtbot.waitUntil(lambda: bool(messages), timeout=30_000)
    example = load_template(DEFAULT_TEMPLATE).name
    assert messages[0].startswith("“broken.json” could not be opened.")
    assert "looks cut short" in messages[0] and f"The window shows the example “{example}” instead." in messages[0]
    assert "you had open" not in messages[0]  # there was none
    assert window.path is None and window.project.name == example


def test_keyboard_delete_copy_paste_undo_on_the_canvas(canvas, window, qtbot):
    a = canvas.drop("Input", 0, 0)
    b = canvas.drop("Dense", 0, 150)
    canvas.connect(a, b)
    view = canvas.editor.view
    canvas.click_node(b)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_C, Qt.ControlModifier)
    qtbot.keyClick(view, Qt.Key_V, Qt.ControlModifier)
    graph = canvas.editor.graph
    assert len(graph) == 3
    qtbot.keyClick(view, Qt.Key_Delete)
    assert len(graph) == 2
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert len(graph) == 3
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(graph) == 2


def test_closing_while_tensorflow_is_still_loading_exits_cleanly(tmp_path):
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    program = textwrap.dedent(
        """
        from PySide6.QtCore import QTimer
        from designer.ui.app import make_application, open_window
        app = make_application()
        window = open_window()
        def close():
            assert not window.analysis.ready  # still importing TensorFlow
            window.close()
            app.quit()
        QTimer.singleShot(300, close)
        app.exec()
        print("closed", flush=True)
        """
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESIGNER_DATA_DIR=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 0, run.stderr[-2000:]  # a QThread destroyed while running aborts with 134
    assert run.stdout.strip() == "closed"
