"""A CSV's columns of words read by the model itself (dataset option text_columns "in model"): the words travel
row for row beside the numbers through shuffling and the validation and test splits, unscaled, and rows of a table
to try are read by their header's names."""

from __future__ import annotations

import numpy as np
import pytest

from designer.core.project import DatasetChoice
from designer.data.dataset import DataError
from designer.data.inputs import read_table_rows
from designer.data.registry import load_dataset, option_specs
from designer.data.user_files import load_user_file

REGIONS = ("east", "west", "north")


def region_of(row_id: float) -> str:
    return REGIONS[int(round(row_id)) % 3]


def write_shop(tmp_path, rows=40, name="shop.csv"):
    """`rows` customers: id (the row number, so a row's words can be told from its numbers), income, region (a word
    made from the id), bought (yes/no)."""
    lines = ["id,income,region,bought"]
    for i in range(rows):
        lines.append(f"{i},{20_000 + 1_500 * (i % 7)},{region_of(i)},{'yes' if i % 4 == 0 else 'no'}")
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def in_model(path, **options):
    return load_dataset(DatasetChoice(str(path), {"text_columns": "in model", **options}))


def test_the_option_is_offered_for_a_csv_only_and_auto_reads_one_hot(tmp_path):
    """auto: one-hot until Fit model to data puts the words in the model (designer.data.fit)."""
    spec = next(s for s in option_specs(str(tmp_path / "t.csv")) if s.name == "text_columns")
    assert spec.default == "auto" and spec.choices == ("auto", "one-hot", "in model")
    assert "text_columns" not in {s.name for s in option_specs(str(tmp_path / "a.npz"))}
    assert "text_columns" not in {s.name for s in option_specs("iris")}

    path = write_shop(tmp_path)
    data = load_dataset(DatasetChoice(str(path), {"shuffle": False, "scale": "none"}))
    assert data.feature_names == ["id", "income", "region=east", "region=north", "region=west"]
    assert data.x_train.shape == (40, 5) and data.x_train[1].tolist() == [1, 21_500, 0, 0, 1]
    assert data.words_train is None and data.word_columns is None
    assert data.word_values == {"region": ["east", "north", "west"]}  # known in both modes, for a later fit
    assert "5 input values per row" in data.description


def test_in_model_keeps_the_words_row_for_row_beside_the_numbers(tmp_path):
    path = write_shop(tmp_path)
    data = in_model(path, scale="none", seed=3)
    assert data.feature_names == ["id", "income"] and data.input_names == ["id", "income"]
    assert data.sample_shape == (2,) and data.x_train.shape == (40, 2)
    assert data.word_columns == ["region"] and data.word_values == {"region": ["east", "north", "west"]}
    words = data.words_train
    assert words.shape == (40, 1) and words.dtype.kind == "U"
    row_ids = data.x_train[:, 0]
    assert row_ids.tolist() != sorted(row_ids.tolist())  # shuffled ...
    assert [w[0] for w in words] == [region_of(i) for i in row_ids]  # ... the words with their rows
    assert "2 numbers and 1 column of words (read by the model) per row" in data.description


def test_scaling_takes_the_numbers_only(tmp_path):
    data = in_model(write_shop(tmp_path), shuffle=False)  # auto: a table is standardized
    assert data.applied_scale == "standardize"
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0, atol=1e-5)
    assert data.words_train[:3, 0].tolist() == ["east", "west", "north"]  # words as they are in the file
    raw = load_user_file(write_shop(tmp_path), text_columns="in model")
    np.testing.assert_allclose(data.scale_inputs(raw.x), data.x_train, atol=1e-5)


def test_validation_and_test_rows_keep_their_words(tmp_path):
    path = write_shop(tmp_path)
    data = in_model(path, scale="none", validation="last", validation_rows=5, test_rows=7, seed=11)
    parts = ((data.x_train, data.words_train, 28), (data.x_val, data.words_val, 5), (data.x_test, data.words_test, 7))
    for x, words, rows in parts:
        assert x.shape == (rows, 2) and words.shape == (rows, 1)
        assert [w[0] for w in words] == [region_of(i) for i in x[:, 0]]
    seen = np.concatenate([x[:, 0] for x, _, _ in parts])
    assert sorted(seen.tolist()) == list(range(40))  # every row once
    # the same seed shuffles the numbers as in one-hot mode: only the word columns differ
    one_hot = load_dataset(DatasetChoice(str(path), {"scale": "none", "validation": "last", "validation_rows": 5,
                                                     "test_rows": 7, "seed": 11}))
    np.testing.assert_array_equal(one_hot.x_test[:, 0], data.x_test[:, 0])
    np.testing.assert_array_equal(one_hot.y_val, data.y_val)


def test_two_columns_of_words_in_file_order(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("size,age,colour,y\n" + "".join(
        f"{('small', 'big')[i % 2]},{i},{('red', 'blue', 'green')[i % 3]},{i % 2}\n" for i in range(30)))
    data = in_model(path, shuffle=False)
    assert data.word_columns == ["size", "colour"] and data.feature_names == ["age"]
    assert data.words_train[4].tolist() == ["small", "blue"]
    assert data.word_values == {"size": ["big", "small"], "colour": ["blue", "green", "red"]}
    assert "1 number and 2 columns of words" in data.description


def test_a_file_of_words_only_is_refused_in_model_and_names_are_refused_in_both_modes(tmp_path):
    words = tmp_path / "words.csv"
    words.write_text("colour,size,y\n" + "".join(f"{('red', 'blue')[i % 2]},{('s', 'm', 'l')[i % 3]},{i % 2}\n"
                                                 for i in range(30)))
    with pytest.raises(DataError) as error:
        in_model(words)
    message = str(error.value)
    assert "no column of numbers besides the target" in message and "one-hot" in message and "words.csv" in message
    assert load_dataset(DatasetChoice(str(words))).x_train.shape == (30, 5)  # one-hot: fine

    names = tmp_path / "names.csv"
    names.write_text("name,age,y\n" + "".join(f"person {i},{20 + i},{i % 2}\n" for i in range(30)))
    for mode in ("one-hot", "in model"):
        with pytest.raises(DataError, match="30 different values in 30 rows"):
            load_dataset(DatasetChoice(str(names), {"text_columns": mode}))


def test_a_file_without_words_is_the_same_in_both_modes(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("a,b,y\n" + "".join(f"{i},{i * 2},{i % 2}\n" for i in range(20)))
    data = in_model(path)
    assert data.words_train is None and data.word_columns is None and data.word_values is None
    assert data.feature_names == ["a", "b"]


def test_the_table_preview_shows_the_words_after_the_numbers(qtbot, tmp_path):
    from designer.ui.data_panel import DataPanel
    from designer.ui.data_service import DataService

    data = DataService()
    panel = DataPanel(data)
    qtbot.addWidget(panel)
    panel.show()
    with qtbot.waitSignal(panel.preview_ready, timeout=20_000):
        data.set_choice(DatasetChoice(str(write_shop(tmp_path)), {"text_columns": "in model", "shuffle": False}))
    assert "text_columns" in panel.options_form.names  # the option is in the Data panel's form
    table = panel.table
    assert [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())] == [
        "id", "income", "region", "bought"]
    assert [table.item(i, 2).text() for i in range(3)] == ["east", "west", "north"]
    assert table.item(0, 3).text() == "yes"


# ------------------------------------------------------------------------------------------------ rows to try
def trained_on(tmp_path, mode="in model"):
    return load_dataset(DatasetChoice(str(write_shop(tmp_path)), {"text_columns": mode}))


def test_rows_to_try_are_read_by_their_header_in_any_order(tmp_path):
    dataset = trained_on(tmp_path)
    rows = tmp_path / "try.csv"
    rows.write_text("region,bought,income,id\nwest,no,21500,1\nsouth,yes,30000.5,7\n")  # target present: ignored
    numbers, words = read_table_rows(rows, dataset)
    assert numbers.dtype == np.float32 and numbers.tolist() == [[1, 21_500], [7, 30_000.5]]
    assert words.dtype.kind == "U" and words.tolist() == [["west"], ["south"]]  # a new word: the lookup's to handle


def test_rows_to_try_with_decimal_commas(tmp_path):
    dataset = trained_on(tmp_path)
    rows = tmp_path / "eu.csv"
    rows.write_text("id;income;region\n1;21 500,5;west\n2;1,25;east\n")
    numbers, words = read_table_rows(rows, dataset)
    assert numbers.tolist() == [[1, 21_500.5], [2, 1.25]] and words[:, 0].tolist() == ["west", "east"]


def test_rows_to_try_refused_in_words(tmp_path):
    dataset = trained_on(tmp_path)

    def refused(text, *said):
        path = tmp_path / "bad.csv"
        path.write_text(text)
        with pytest.raises(DataError) as error:
            read_table_rows(path, dataset)
        for words in said:
            assert words in str(error.value), str(error.value)

    refused("id,region\n1,east\n", "lacks the column 'income'")
    refused("id,income,region,colour\n1,2,east,red\n", "no column 'colour'")
    refused("id,income,region\n1,lots,east\n", "line 2, column 'income'", "'lots' is not a number")
    refused("id,income,region\n1,2,\n", "line 2, column 'region'", "missing")
    refused("1,2,3\n4,5,6\n", "must name the columns", "id, income, region")
    refused("id,income,region\n", "no rows")


def test_rows_to_try_on_a_one_hot_dataset_are_encoded_as_training_did(tmp_path):
    dataset = trained_on(tmp_path, "one-hot")
    rows = tmp_path / "try.csv"
    rows.write_text("income,region,id\n21500,north,1\n")
    numbers, words = read_table_rows(rows, dataset)
    assert words is None and numbers.tolist() == [[1, 21_500, 0, 1, 0]]  # id, income, east, north, west
    rows.write_text("income,region,id\n21500,south,1\n")
    with pytest.raises(DataError, match="'south' was not in the training file"):
        read_table_rows(rows, dataset)
