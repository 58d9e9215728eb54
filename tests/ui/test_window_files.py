"""Files in the window: title and unsaved-changes marker, the close question, a broken file that leaves the open
project untouched, recent files, a GAN in two tabs, and recovery after the app is killed."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from designer.core.project_files import dumps

ROOT = Path(__file__).resolve().parents[2]


def answer_next_dialog(button_text):
    """Click a button of the next modal dialog once it is open (dialogs block until answered)."""

    def click():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, click)
            return
        for button in box.findChildren(type(box.buttons()[0])):
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(20, click)


def test_broken_file_is_explained_and_the_open_project_kept(window, tmp_path, read_next_dialog):
    window.new_project("perceptron")
    before = dumps(window.project)
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": [{"id": "a", '
                      '"kind": "Dense", "params": {"units": -5}}]}]}')
    messages = []
    read_next_dialog(messages)
    assert not window.open_file(str(broken))
    assert "units must be at least 1" in messages[0] and "graphs[0].nodes[0].params.units" in messages[0]
    assert dumps(window.project) == before


def test_close_with_unsaved_changes_asks_first(window, canvas):
    canvas.drop("Input", 0, 0)
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    answer_next_dialog("Cancel")
    assert not window.close()
    assert window.isVisible()
    answer_next_dialog("Discard")
    assert window.close()


def test_gan_project_shows_generator_and_discriminator_tabs(window, qtbot):
    window.new_project("mlp_gan")
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Generator", "Discriminator"]
    assert not window.tabs.tabBar().isHidden()
    window.tabs.setCurrentIndex(1)
    discriminator = window.current_editor()
    assert discriminator.graph.role == "discriminator"
    qtbot.waitUntil(lambda: window.analysis.up_to_date(id(discriminator.graph)), timeout=30_000)
    rows = window.summary.model.rowCount()
    assert rows == len(discriminator.graph)


def test_undo_spans_both_gan_graphs_and_marks_the_title(window, canvas):
    window.new_project("mlp_gan")
    window.tabs.setCurrentIndex(1)
    canvas.drop("Dropout", 400, 0)
    assert window.isWindowModified()
    window.undo_action.trigger()
    assert not window.isWindowModified()


CRASHING_APP = textwrap.dedent(
    """
    import os, sys
    from PySide6.QtCore import QTimer
    from designer.ui.app import make_application
    from designer.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    window.new_project("perceptron")
    window.show()
    editor = window.current_editor()
    editor.add_after_selection("Dropout")  # an edit the user has not saved
    def report():
        if window.recovery.project_path.exists():
            print("AUTOSAVED", flush=True)
        else:
            QTimer.singleShot(50, report)
    QTimer.singleShot(50, report)
    app.exec()
    """
)


def test_recovery_after_the_app_is_killed(qtbot, isolated_settings):
    env = dict(os.environ, DESIGNER_AUTOSAVE_SECONDS="0.2", QT_QPA_PLATFORM="offscreen")
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_APP], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        assert line.strip() == "AUTOSAVED"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    from designer.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window, before_close_func=lambda w: w.undo_stack.setClean())
    answer_next_dialog("Recover")
    assert window.offer_recovery()
    kinds = [n.kind for n in window.project.graphs[0].nodes()]
    assert "Dropout" in kinds
    assert window.isWindowModified()  # recovered work is in no file until saved
    # the next start offers nothing: the recovered work moved into this session's own recovery file
    from designer.ui.recovery import RecoveryStore

    assert RecoveryStore().orphans() == []
    window.undo_stack.setClean()
    window.close()


def test_clean_close_leaves_nothing_to_recover(window, canvas):
    canvas.drop("Input", 0, 0)
    window.autosave()
    assert window.recovery.project_path.exists()
    answer_next_dialog("Discard")
    window.close()
    from designer.ui.recovery import RecoveryStore

    assert RecoveryStore().orphans() == []
    assert not any(Path(os.environ["DESIGNER_DATA_DIR"], "recovery").glob("*.json"))


def test_importing_the_window_leaves_tensorflow_unloaded():
    run = subprocess.run(
        [sys.executable, "-c", "import sys, designer.ui.main_window, designer.ui.app; "
         "print('tensorflow' in sys.modules, 'keras' in sys.modules)"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert run.stdout.split() == ["False", "False"], run.stderr
