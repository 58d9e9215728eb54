"""The Model panel on tiny models trained here: the scores line, the held-out rows (a confusion matrix, a
regression's scatter, an autoencoder's errors) and trying the model — a digit drawn with the mouse, a sample of
the test rows, a file of one's own (and a plain line for one that does not fit), a point clicked on the plane,
a GAN's new images and a VAE's code plane."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QPushButton

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.data.registry import load_dataset

pytestmark = pytest.mark.slow

SIZE = (420, 600)  # the dock the panel must be usable in


def trained_for(project: Project, choice: DatasetChoice, **training):
    """Train `project` on the data of `choice` as set up; the TrainedModel and its scores (None for a GAN)."""
    from designer.training.engine import train
    from designer.training.scoring import trained_model

    project.dataset = choice
    project.training = check_training({**project.training, "seed": 1, **training})
    dataset = load_dataset(choice)
    project.trained = train(project, dataset).trained
    trained = trained_model(project, dataset)
    return trained, (None if trained.mode == "gan" else trained.score())



@pytest.fixture(scope="module")
def digits():
    from designer.core.templates import load_template

    return trained_for(load_template("digits_mlp"), DatasetChoice("digits", {"scale": "0..1", "test_fraction": 0.2}),
                       epochs=3)


@pytest.fixture(scope="module")
def points():
    graph = LayerGraph("points")
    x = graph.add("Input", shape=[2])
    x = graph.add("Dense", x, units=8, activation="relu", name="hidden")
    graph.add("Dense", x, units=1, activation="sigmoid", name="out")
    project = Project.single(graph, name="points", training=check_training({"loss": "binary_crossentropy"}))
    return trained_for(project, DatasetChoice("sum_threshold", {"samples": 200, "test_fraction": 0.2}),
                       epochs=3, batch_size=16, learning_rate=0.05)


@pytest.fixture(scope="module")
def line():
    graph = LayerGraph("line")
    graph.add("Dense", graph.add("Input", shape=[1]), units=1, activation="linear", name="out")
    project = Project.single(graph, name="line", training=check_training({"loss": "mse", "metrics": ["mae"]}))
    return trained_for(project, DatasetChoice("linear_5x_plus_3", {"test_fraction": 0.2}), epochs=3, batch_size=16)


@pytest.fixture(scope="module")
def gan(for_8x8_digits):
    return trained_for(for_8x8_digits("mlp_gan"), DatasetChoice("digits", {"scale": "-1..1", "flatten": True}),
                       epochs=1, batch_size=128)


@pytest.fixture(scope="module")
def vae(for_8x8_digits):
    return trained_for(for_8x8_digits("vae"),
                       DatasetChoice("digits", {"scale": "0..1", "flatten": True, "test_fraction": 0.2}),
                       epochs=2, batch_size=64)


def shown(qtbot, trained, summary="Trained 3 epochs · every layer keeps what it learned"):
    from designer.ui.model_panel import ModelPanel

    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.resize(*SIZE)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_trained(trained[0], trained[1], summary)
    return panel


def draw(qtbot, pad, *strokes):
    """Each stroke (points in the unit square) with the left button: press, moves in small steps, release.
    The moves are sent as events: offscreen, qtbot's mouseMove carries no held button."""
    square = pad.square()

    def at(x, y):
        return QPoint(int(square.left() + x * square.width()), int(square.top() + y * square.height()))

    for stroke in strokes:
        qtbot.mousePress(pad, Qt.LeftButton, Qt.NoModifier, at(*stroke[0]))
        for (x0, y0), (x1, y1) in zip(stroke, stroke[1:]):
            for t in np.linspace(0.1, 1.0, 10):
                point = QPointF(at(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t))
                QApplication.sendEvent(pad, QMouseEvent(QEvent.Type.MouseMove, point, pad.mapToGlobal(point),
                                                        Qt.NoButton, Qt.LeftButton, Qt.NoModifier))
        qtbot.mouseRelease(pad, Qt.LeftButton, Qt.NoModifier, at(*stroke[-1]))


def predicted_class(trained, rows) -> str:
    output = trained.model.predict(rows.reshape(len(rows), -1), verbose=0)
    return trained.dataset.class_names[int(np.argmax(output[0]))]


# ---------------------------------------------------------------------- before training
def test_untrained_it_says_so_in_a_plain_line(qtbot):
    from designer.ui.model_panel import ModelPanel

    panel = ModelPanel()
    qtbot.addWidget(panel)
    assert "Train the model first" in panel.message()
    panel.show_untrained("The weights kept with the project cannot be used: the layer out changed.")
    assert panel.message() == "The weights kept with the project cannot be used: the layer out changed."
    assert panel.probabilities() == [] and panel.sources() == []


# ---------------------------------------------------------------------- a classifier of 8×8 digits
def test_the_scores_line_and_the_confusion_matrix_of_the_test_rows(qtbot, digits):
    trained, scores = digits
    panel = shown(qtbot, digits)
    text = panel.scores_label.text()
    assert text.startswith("On 359 test rows never seen in training: accuracy")
    assert f"{scores.values['accuracy']:.4f}" in text and f"{scores.values['loss']:.4f}" in text
    assert text.index("accuracy") < text.index("loss")  # the metrics first, then the loss
    assert panel.summary_label.text() == "Trained 3 epochs · every layer keeps what it learned"
    matrix = panel.confusion_matrix
    assert matrix.shape == (10, 10) and matrix.sum() == 359 == len(trained.dataset.x_test)
    # the matrix is the model's own answers: its diagonal is Keras's accuracy
    assert np.trace(matrix) / matrix.sum() == pytest.approx(scores.values["accuracy"], abs=1e-6)
    truth = trained.dataset.y_test.astype(int)
    chosen = trained.model.predict(trained.dataset.x_test.reshape(-1, 64), verbose=0).argmax(axis=1)
    assert matrix[truth[0], chosen[0]] >= 1 and matrix.sum(axis=1).tolist() == np.bincount(truth, minlength=10).tolist()
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == ["Test rows", "Try it"]
    # the weights go (a reset) and come back (trained again): the panel starts over each time
    panel.show_untrained("Train the model first.")
    assert panel.message() == "Train the model first." and panel.confusion_matrix is None
    panel.show_trained(trained, scores, "Trained 6 epochs")
    assert panel.confusion_matrix.sum() == 359 and panel.tabs.count() == 2 and panel.message() == ""


def test_a_digit_drawn_with_the_mouse_gets_class_probabilities(qtbot, digits):
    trained, _ = digits
    panel = shown(qtbot, digits)
    panel.tabs.setCurrentIndex(1)
    assert panel.sources() == ["sample", "file", "draw"] and panel.source.currentData() == "draw"
    pad = panel.drawing_pad
    qtbot.waitUntil(lambda: pad.square().width() >= 200)  # usable in a 420×600 dock
    assert pad.square().bottom() < pad.clear_button.geometry().top()
    assert panel.probabilities() == []
    with qtbot.waitSignal(pad.drawn):
        draw(qtbot, pad, [(0.3, 0.15), (0.7, 0.15), (0.42, 0.88)])  # a 7
    assert len(pad.strokes) == 1 and len(pad.strokes[0]) > 10
    # the sample the model was given: 8×8 in the digits' raw 0..16, the ink centred across, top to bottom
    sample = panel.drawn_sample
    assert sample.shape == (8, 8) and sample.max() == pytest.approx(16.0) and sample.min() == 0.0
    assert sample[0].max() > 8 and sample[7].max() > 8  # the digit fills the box's height, as the data's do
    assert sample[:, 0].max() == 0 and sample[:, 7].max() < 8  # and leaves the sides, centred
    probabilities = panel.probabilities()
    assert len(probabilities) == 10 and sum(p for _, p in probabilities) == pytest.approx(1.0, abs=1e-4)
    assert [p for _, p in probabilities] == sorted((p for _, p in probabilities), reverse=True)
    widths = panel.probability_bars.widths()
    assert widths[0] == max(widths) and widths[0] > widths[-1]
    # the answer is the model's for the drawing prepared as the data was
    expected = predicted_class(trained, trained.dataset.scale_inputs(sample[None]))
    assert probabilities[0][0] == expected and f"Class <b>{expected}</b>" in panel.result_label.text()
    qtbot.mouseClick(pad.clear_button, Qt.LeftButton)
    assert pad.is_empty() and panel.probabilities() == [] and panel.result_label.text() == ""


def test_a_sample_of_the_test_rows_is_tried_with_its_true_class(qtbot, digits):
    trained, _ = digits
    panel = shown(qtbot, digits)
    panel.tabs.setCurrentIndex(1)
    panel.choose_source("sample")
    panel.sample_spin.setValue(5)  # as the spin box is stepped: the fifth test row
    row = trained.dataset.x_test[4:5]
    expected = predicted_class(trained, row)
    assert panel.probabilities()[0][0] == expected
    true = trained.dataset.class_names[int(trained.dataset.y_test[4])]
    assert f"true class <b>{true}</b>" in panel.result_label.text()
    np.testing.assert_allclose(panel.tried.reshape(-1), row.reshape(-1))
    panel.try_sample(358)
    assert panel.sample_spin.value() == 359
    assert panel.probabilities()[0][0] == predicted_class(trained, trained.dataset.x_test[358:359])


def test_a_file_of_ones_own_is_read_in_the_datas_units_and_a_wrong_one_is_a_plain_line(qtbot, digits, tmp_path,
                                                                                       monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    trained, _ = digits
    panel = shown(qtbot, digits)
    panel.tabs.setCurrentIndex(1)
    raw = trained.dataset.x_test[7] * 16.0  # the digits' own 0..16
    np.save(tmp_path / "digit.npy", raw)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "digit.npy"), ""))
    panel.choose_source("file")
    qtbot.mouseClick(panel.file_button, Qt.LeftButton)
    assert panel.message() == ""
    np.testing.assert_allclose(panel.tried, trained.dataset.x_test[7], atol=1e-6)
    assert panel.probabilities()[0][0] == predicted_class(trained, trained.dataset.x_test[7:8])
    (tmp_path / "short.csv").write_text("1,2,3\n")
    panel.try_file(tmp_path / "short.csv")
    assert "64 numbers a row" in panel.message() and "Traceback" not in panel.message()
    assert panel.probabilities() == [] and panel.result_label.text() == ""


# ---------------------------------------------------------------------- points in a plane
def test_a_point_clicked_on_the_plane_is_marked_and_answered(qtbot, points):
    trained, scores = points
    panel = shown(qtbot, points)
    assert panel.confusion_matrix.sum() == 40 and "accuracy" in panel.scores_label.text()
    panel.tabs.setCurrentIndex(1)
    assert panel.sources() == ["sample", "file", "point"] and panel.source.currentData() == "point"
    plot = panel.plane.plot
    qtbot.waitUntil(lambda: plot.width() > 300)
    view = plot.getPlotItem().vb
    target = view.mapViewToScene(QPointF(0.8, 0.7))
    qtbot.mouseClick(plot.viewport(), Qt.LeftButton, Qt.NoModifier, plot.mapFromScene(target))
    assert len(panel.clicked_points) == 1
    x, y = panel.clicked_points[0]
    assert x == pytest.approx(0.8, abs=0.02) and y == pytest.approx(0.7, abs=0.02)
    probability = float(trained.model.predict(np.array([[x, y]], dtype=np.float32), verbose=0)[0, 0])
    pairs = dict(panel.probabilities())
    assert set(pairs) == set(trained.dataset.class_names)
    assert pairs["x0 + x1 > 1"] == pytest.approx(probability, abs=1e-5)
    assert sum(pairs.values()) == pytest.approx(1.0)
    marked = panel.new_mark.getData()
    assert marked[0][0] == pytest.approx(x) and marked[1][0] == pytest.approx(y)
    panel.try_point(0.1, 0.1)
    assert len(panel.clicked_points) == 2 and len(panel.old_marks.getData()[0]) == 1


# ---------------------------------------------------------------------- a regression
def test_a_regression_shows_predicted_against_true_and_a_number(qtbot, line):
    trained, scores = line
    panel = shown(qtbot, line)
    assert "mae" in panel.scores_label.text() and "40 test rows" in panel.scores_label.text()
    truth, predicted = panel.regression_points
    assert len(truth) == len(predicted) == 40
    np.testing.assert_allclose(truth, trained.dataset.y_test.reshape(-1))
    np.testing.assert_allclose(predicted, trained.model.predict(trained.dataset.x_test, verbose=0).reshape(-1),
                               rtol=1e-5, atol=1e-5)
    panel.tabs.setCurrentIndex(1)
    assert panel.sources() == ["sample", "file"]
    panel.try_sample(3)
    value = float(trained.model.predict(trained.dataset.x_test[3:4], verbose=0)[0, 0])
    assert f"Predicted <b>{value:.5g}</b>" in panel.result_label.text()
    assert f"true {trained.dataset.y_test[3, 0]:.5g}" in panel.result_label.text()
    # the window may predict the held-out rows in its background thread, beside the score
    import threading

    from designer.ui.model_panel import held_out_answers

    answers = []
    worker = threading.Thread(target=lambda: answers.append(held_out_answers(trained)))
    worker.start()
    worker.join()
    panel.show_trained(trained, scores, "Trained 3 epochs", answers=answers[0])
    np.testing.assert_allclose(panel.regression_points[1], predicted)


# ---------------------------------------------------------------------- generative models
def test_a_gan_has_no_score_and_makes_new_images(qtbot, gan):
    trained, scores = gan
    assert scores is None
    panel = shown(qtbot, gan, summary="Trained 1 epoch")
    assert "No score for a GAN" in panel.scores_label.text()
    assert not panel.tabs.isTabEnabled(0) and panel.tabs.currentIndex() == 1
    first = panel.generated_images.copy()
    assert first.shape == (16, 8, 8)
    button = next(b for b in panel.findChildren(QPushButton) if b.text() == "New images")
    qtbot.mouseClick(button, Qt.LeftButton)
    assert panel.generated_images.shape == (16, 8, 8) and not np.allclose(panel.generated_images, first)
    item = panel.generated_grid.items[0]
    np.testing.assert_allclose(item.image, panel.generated_images[0])


def test_a_vae_shows_its_errors_a_reconstruction_and_the_code_plane(qtbot, vae):
    trained, scores = vae
    panel = shown(qtbot, vae)
    held = len(trained.dataset.x_test)
    assert panel.reconstruction_errors.shape == (held,) and np.all(panel.reconstruction_errors >= 0)
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == ["Test rows", "Try it", "Code plane"]
    assert panel.code_plane.shape == (12 * 8, 12 * 8)
    panel.tabs.setCurrentIndex(1)
    panel.choose_source("sample")
    panel.try_sample(0)
    rebuilt = panel.prediction.reshape(-1)
    error = float(np.mean((rebuilt - trained.dataset.x_test[0].reshape(-1)) ** 2))
    assert f"{error:.4g}" in panel.result_label.text()
    assert "draw" in panel.sources()


def test_numbers_are_shown_as_a_person_reads_them():
    from designer.ui.model_panel.widgets import readable

    assert readable([676010.4, 0.012345678, -25000]) == "676,010, 0.012346, -25,000"
    assert readable(range(20), most=3) == "0, 1, 2 …"
