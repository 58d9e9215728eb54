"""A template whose data is a download, opened without a network: the Data tab says why it cannot load and offers
the bundled 8×8 digits; one click adapts the network to them (its Input, its convolutions' padding) as one undo
step, and the model then trains offline."""

from urllib.error import URLError

from PySide6.QtCore import Qt

from designer.core.templates import load_template


def test_a_failed_download_offers_the_bundled_digits(window, qtbot, monkeypatch):
    import keras

    def no_network():
        raise URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    window.set_project(load_template("mnist_cnn"), None)
    window.show_data_panel()
    panel = window.data_panel
    qtbot.waitUntil(lambda: panel.offline_button.isVisible(), timeout=60_000)
    assert "downloaded from the internet the first time" in panel.description.text()
    assert "--data digits" in panel.description.text()

    qtbot.mouseClick(panel.offline_button, Qt.LeftButton)
    graph = window.project.graph("model")
    assert window.project.dataset.name == "digits"
    assert graph.node_by_name("input").params["shape"] == [8, 8, 1]
    assert graph.node_by_name("conv2d").params["padding"] == "same"
    assert window.undo_stack.undoText() == "Train on the bundled digits"
    assert "Now training on the bundled 8×8 digits" in window.statusBar().currentMessage()

    qtbot.waitUntil(lambda: window.data.dataset_for(window.project.dataset) is not None, timeout=60_000)
    qtbot.waitUntil(lambda: window.analysis_settled(graph), timeout=60_000)
    window.project.training["epochs"] = 1
    qtbot.mouseClick(window.training_panel.train_button, Qt.LeftButton)
    run = window.training_run
    qtbot.waitUntil(lambda: run.result is not None or run.error is not None, timeout=120_000)
    assert run.error is None and len(run.result.history["loss"]) == 1

    window.undo_stack.undo()  # the record of that run
    window.undo_stack.undo()  # back to MNIST as it was
    assert window.project.dataset.name == "mnist" and graph.node_by_name("input").params["shape"] == [28, 28, 1]
