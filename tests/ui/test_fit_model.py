""""Fit model to data" as a person meets it: choosing the bundled 8×8 digits in the Data panel fits a CNN (its
channel axis kept, small images padded "same"), a GAN (the generator's output with the discriminator's input) and
an autoencoder (its output with its input) in one undo step; the panel says what changed and offers it back; a
mismatch of a model's two ends is on the canvas before Train (F5) and Train refuses with its words."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from designer.core.commands import SetParameter


def choose_digits(qtbot, window):
    window.show_data_panel()
    panel = window.data_panel
    index = panel.combo.findData("digits")
    panel.combo.setCurrentIndex(index)
    panel.combo.activated.emit(index)  # what a click on the item sends
    return panel


def node(window, role, name):
    return window.project.graph(role).node_by_name(name)


def editor_of(window, role):
    return next(e for e in window.editors if e.graph.role == role)


def settled(window, *roles):
    return all(window.analysis_settled(window.project.graph(role)) for role in roles)


def test_a_cnn_fitted_to_the_digits_keeps_its_channel_axis_and_trains_shapes_without_red(window, qtbot):
    window.new_project("mnist_cnn")
    panel = choose_digits(qtbot, window)
    qtbot.waitUntil(lambda: node(window, "model", "input").params["shape"] == [8, 8, 1], timeout=30_000)
    graph = window.project.graph("model")
    assert {node(window, "model", n).params["padding"] for n in ("conv2d", "max_pooling2d", "conv2d_1",
                                                                  "max_pooling2d_1")} == {"same"}
    qtbot.waitUntil(lambda: settled(window, "model"), timeout=30_000)
    report = window.report_of(graph)
    assert report.ok, report.errors(graph)  # no red layer: (8, 8, 1) → … → 10 classes
    # what was fitted is said, and offered back
    assert panel.fitted.isVisibleTo(panel) and "input: shape (28, 28, 1) → (8, 8, 1)" in panel.fitted.text()
    assert "padding valid → same" in panel.fitted.text() and panel.take_back_button.isVisibleTo(panel)
    assert not panel.fit_button.isVisibleTo(panel)
    qtbot.mouseClick(panel.take_back_button, Qt.LeftButton)
    assert node(window, "model", "input").params["shape"] == [28, 28, 1]
    assert window.project.dataset.name == "digits"  # only the fit was taken back
    qtbot.waitUntil(lambda: panel.fit_button.isVisibleTo(panel), timeout=30_000)
    assert not panel.fitted.isVisibleTo(panel)
    assert "Set its shape to (8, 8, 1)" in panel.fit_problems.text()  # the suggestion is the data's, not 28×28
    qtbot.mouseClick(panel.fit_button, Qt.LeftButton)
    assert node(window, "model", "input").params["shape"] == [8, 8, 1] and panel.fitted.isVisibleTo(panel)
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)  # Edit → Undo takes the fit back too
    assert node(window, "model", "input").params["shape"] == [28, 28, 1]


def test_a_convolutions_hint_and_vanishing_images_speak_of_the_chosen_data(window, qtbot):
    window.new_project("mnist_cnn")
    panel = choose_digits(qtbot, window)
    qtbot.waitUntil(lambda: panel.fitted.isVisibleTo(panel), timeout=30_000)
    editor = window.current_editor()
    input_id, conv = node(window, "model", "input").id, node(window, "model", "conv2d").id
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)  # the fit taken back: valid paddings again
    editor.run(SetParameter(input_id, "shape", [8, 8]))  # the channel axis dropped by hand
    qtbot.waitUntil(lambda: "e.g. (8, 8, 1)" in editor.scene.nodes[conv].toolTip(), timeout=30_000)
    editor.run(SetParameter(input_id, "shape", [8, 8, 1]))  # the right shape, but two valid blocks are too many
    pooling = node(window, "model", "max_pooling2d_1").id
    qtbot.waitUntil(lambda: "cannot shrink them that far" in editor.scene.nodes[pooling].toolTip(), timeout=30_000)
    assert panel.fit_button.isVisibleTo(panel)
    qtbot.mouseClick(panel.fit_button, Qt.LeftButton)  # pads them "same"
    assert node(window, "model", "max_pooling2d_1").params["padding"] == "same"
    qtbot.waitUntil(lambda: settled(window, "model") and window.report_of(editor.graph).ok, timeout=30_000)
    qtbot.waitUntil(lambda: not editor.scene.data_problems, timeout=30_000)


def test_a_gan_fitted_to_the_digits_fits_its_generator_too_and_shows_a_mismatch_before_train(window, qtbot):
    window.new_project("mlp_gan")
    panel = choose_digits(qtbot, window)
    qtbot.waitUntil(lambda: node(window, "discriminator", "input").params["shape"] == [64], timeout=30_000)
    assert node(window, "generator", "dense_3").params["units"] == 64  # it makes what the discriminator reads
    assert "generator dense_3: units 784 → 64 (it makes one sample)" in panel.fitted.text()
    discriminator = editor_of(window, "discriminator")
    assert window.current_editor() is discriminator
    # its view fitted to the tab's real size (unfitted it kept the readable-zoom floor of a view of no size, 0.4:
    # a thin column in a wide empty canvas)
    def visible():
        return discriminator.view.mapToScene(discriminator.view.viewport().rect()).boundingRect()

    graph_rect = discriminator.scene.itemsBoundingRect()
    qtbot.waitUntil(lambda: visible().contains(graph_rect), timeout=5_000)
    assert discriminator.view.transform().m11() > 0.6 and visible().height() < 1.5 * graph_rect.height()
    # the generator's output edited by hand: the mismatch is on both canvases before anyone presses Train
    generator = editor_of(window, "generator")
    made_at = node(window, "generator", "dense_3").id
    generator.run(SetParameter(made_at, "units", 784))
    qtbot.waitUntil(lambda: made_at in generator.scene.data_problems, timeout=30_000)
    assert "the discriminator reads (64,)" in generator.scene.nodes[made_at].toolTip()
    read_at = node(window, "discriminator", "input").id
    assert "generator makes (784,)" in discriminator.scene.data_problems[read_at][0]
    window.tabs.setCurrentWidget(generator)
    generator.scene.select_nodes([made_at])
    qtbot.waitUntil(lambda: "the discriminator reads (64,)" in window.inspector.messages_label.text(),
                    timeout=10_000)  # the Inspector says it too
    assert panel.fit_button.isVisibleTo(panel)
    QTest.keyClick(window, Qt.Key_F5)  # Train refuses, with the canvas's words
    assert window.training_run is None or not window.training_run.is_running()
    assert "discriminator reads (64,)" in window.training_panel.status.text()
    qtbot.mouseClick(panel.fit_button, Qt.LeftButton)
    assert node(window, "generator", "dense_3").params["units"] == 64
    qtbot.waitUntil(lambda: not generator.scene.data_problems and not discriminator.scene.data_problems,
                    timeout=30_000)


def test_an_autoencoder_fitted_to_the_digits_rebuilds_64_values(window, qtbot):
    window.new_project("autoencoder")
    panel = choose_digits(qtbot, window)
    qtbot.waitUntil(lambda: node(window, "model", "input").params["shape"] == [64], timeout=30_000)
    assert node(window, "model", "dense_1").params["units"] == 64
    assert panel.fitted.text().count("•") == 2  # the Input and the output, said
    steps = window.undo_stack.count()
    QTest.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert node(window, "model", "dense_1").params["units"] == 784 and window.undo_stack.index() == steps - 1
    # the output alone left as it was: said on the output layer, before Train
    editor = window.current_editor()
    editor.run(SetParameter(node(window, "model", "input").id, "shape", [64]))
    output = node(window, "model", "dense_1").id
    qtbot.waitUntil(lambda: "rebuilds its input" in editor.scene.nodes[output].toolTip(), timeout=30_000)
    assert "Give this layer 64 units" in editor.scene.nodes[output].toolTip()
    qtbot.mouseClick(panel.fit_button, Qt.LeftButton)
    assert node(window, "model", "dense_1").params["units"] == 64
    qtbot.waitUntil(lambda: not editor.scene.data_problems, timeout=30_000)
