"""The Model panel for a model that reads words (a CSV's text column read inside the model, "text columns: in
model", fitted with Data → Fit model to data): its held-out rows scored and shown as a confusion matrix, a sample
tried with its words shown by column name, a file of rows tried by its header (an unknown word too), a file of
numbers only refused in a plain line, and no plane to click (a plane holds only the numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from designer.core.graph import LayerGraph
from designer.core.project import DatasetChoice, Project, check_training
from designer.data.registry import load_dataset

pytestmark = pytest.mark.slow

SIZE = (420, 600)
REGIONS = ("east", "west", "north")


def write_houses(path, rows=60):
    """area, rooms, region, sold (yes/no): a house sells in the east, whatever its numbers."""
    rng = np.random.default_rng(5)
    lines = ["area,rooms,region,sold"]
    for i in range(rows):
        region = REGIONS[i % 3]
        lines.append(f"{rng.uniform(40, 250):.0f},{int(rng.integers(1, 7))},{region},"
                     f"{'yes' if region == 'east' else 'no'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def trained_on_words(folder, **options):
    """A small classifier of two numbers, fitted to the houses with the region read inside the model, trained 3
    epochs: the TrainedModel and its scores."""
    from designer.core.commands import History
    from designer.data.fit import plan_fit
    from designer.training.engine import train
    from designer.training.scoring import trained_model

    graph = LayerGraph("houses")
    x = graph.add("Input", shape=[2])
    x = graph.add("Dense", x, units=8, activation="relu", name="hidden")
    graph.add("Dense", x, units=1, activation="sigmoid", name="out")
    project = Project.single(graph, name="houses", training=check_training(
        {"loss": "binary_crossentropy", "metrics": ["accuracy"], "epochs": 3, "batch_size": 16, "seed": 1,
         "learning_rate": 0.05, **options.pop("training", {})}))
    project.dataset = DatasetChoice(str(write_houses(folder / "houses.csv")), {"text_columns": "in model", **options})
    History(project).push(plan_fit(project, load_dataset(project.dataset)).command())
    assert any(node.kind == "TextInput" for node in project.graph("model").nodes())
    dataset = load_dataset(project.dataset)
    assert dataset.word_columns == ["region"]
    project.trained = train(project, dataset).trained
    trained = trained_model(project, dataset)
    assert trained.reads_words
    return trained, trained.score()


@pytest.fixture(scope="module")
def houses(tmp_path_factory):
    return trained_on_words(tmp_path_factory.mktemp("houses"), test_fraction=0.25)


@pytest.fixture(scope="module")
def houses_split(tmp_path_factory):
    """No test rows: the held-out rows are the tail of the training rows that Keras's validation split keeps."""
    return trained_on_words(tmp_path_factory.mktemp("split"), training={"validation_split": 0.25})


def shown(qtbot, trained):
    from designer.ui.model_panel import ModelPanel

    panel = ModelPanel()
    qtbot.addWidget(panel)
    panel.resize(*SIZE)
    panel.show()
    qtbot.waitExposed(panel)
    panel.show_trained(trained[0], trained[1], "Trained 3 epochs")
    return panel


def fed_word(rows, index: int) -> str:
    """The word the model was given in row `index` of held-out rows (a list: the numbers, the region's words)."""
    from designer.training.feeds import is_text

    text = next(part for part in rows if is_text(part))
    return np.asarray(text)[index, 0].decode()


def test_the_held_out_rows_are_scored_and_shown_as_a_confusion_matrix(qtbot, houses):
    trained, scores = houses
    panel = shown(qtbot, houses)
    assert "test rows never seen in training" in panel.scores_label.text()
    assert "accuracy" in panel.scores_label.text() and scores.row_count == 15
    assert panel.confusion_matrix is not None and int(panel.confusion_matrix.sum()) == 15
    assert panel.message() == ""


def test_held_out_answers_cut_numbers_and_words_together(houses, monkeypatch):
    import designer.ui.model_panel.held_out as held_out

    monkeypatch.setattr(held_out, "MAX_ROWS", 4)
    held, outputs, why = held_out.held_out_answers(houses[0])
    assert why == "" and len(held) == 4 and len(held.y) == 4 and outputs.shape == (4, 1)
    assert [int(np.shape(part)[0]) for part in held.x] == [4, 4]


def test_a_sample_is_tried_with_its_words_shown_by_column_name(qtbot, houses):
    trained, _ = houses
    panel = shown(qtbot, houses)
    panel.tabs.setCurrentIndex(1)
    assert panel.sources() == ["sample", "file"]  # no plane: it cannot hold the words
    assert "region" in panel.plane_note.text() and "plane" in panel.plane_note.text()
    for index in (0, 7):
        panel.try_sample(index)
        assert panel.message() == ""
        assert "Class <b>" in panel.result_label.text() and "true class <b>" in panel.result_label.text()
        shown_input = panel.sample_numbers.text()
        word = fed_word(panel.held.x, index)
        assert word == trained.dataset.words_test[index, 0]
        assert "area " in shown_input and "rooms " in shown_input and f"region {word}" in shown_input
        expected = trained.predict(trained.dataset.x_test[index:index + 1], trained.dataset.words_test[index:index + 1])
        np.testing.assert_allclose(panel.prediction, expected[0], atol=1e-5)
        np.testing.assert_allclose(panel.tried, trained.dataset.x_test[index], atol=1e-5)  # the file's own numbers
    assert panel.sample_spin.value() == 8


def test_a_validation_sample_shows_the_word_it_was_given(qtbot, houses_split):
    trained, _ = houses_split
    panel = shown(qtbot, houses_split)
    assert panel.held.kind == "validation" and "validation rows" in panel.scores_label.text()
    for index in (0, len(panel.held) - 1):
        panel.try_sample(index)
        assert panel.message() == "" and "Class <b>" in panel.result_label.text()
        assert f"region {fed_word(panel.held.x, index)}" in panel.sample_numbers.text()


def test_a_file_of_rows_is_read_by_its_header_and_numbers_only_is_a_plain_line(qtbot, houses, tmp_path):
    trained, _ = houses
    panel = shown(qtbot, houses)
    panel.tabs.setCurrentIndex(1)
    panel.choose_source("file")
    assert "region" in panel.file_label.text() and "first line names the columns" in panel.file_label.text()

    rows = tmp_path / "mine.csv"
    rows.write_text("region,rooms,area\nsouth,3,120\neast,2,80\n")  # any order; a word never seen
    panel.try_file(rows)
    assert panel.message() == ""
    assert "Class <b>" in panel.result_label.text() and "first is tried" in panel.result_label.text()
    assert "region south" in panel.file_numbers.text() and "area 120" in panel.file_numbers.text()
    expected = trained.predict(np.asarray([[120, 3]], np.float32), np.asarray([["south"]]))
    np.testing.assert_allclose(panel.prediction, expected[0], atol=1e-5)
    assert len(panel.probabilities()) == 2

    numbers = tmp_path / "numbers.csv"
    numbers.write_text("120,3\n")
    panel.try_file(numbers)
    message = panel.message()
    assert "reads the words of region" in message and "Traceback" not in message
    assert panel.probabilities() == [] and panel.result_label.text() == "" and panel.file_numbers.text() == ""

    (tmp_path / "lacking.csv").write_text("area,rooms\n120,3\n")
    panel.try_file(tmp_path / "lacking.csv")
    assert "lacks the column 'region'" in panel.message() and panel.result_label.text() == ""
