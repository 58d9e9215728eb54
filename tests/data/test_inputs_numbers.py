"""Rows to try a trained model on are read as the training file was: a European CSV's decimal commas too."""

import numpy as np
import pytest

from designer.data.dataset import DataError, Dataset
from designer.data.inputs import read_input


def table(width: int) -> Dataset:
    return Dataset("houses.csv", "houses.csv", "", "regression", np.zeros((4, width), np.float32), None)


def test_decimal_commas_and_thousands_separators_are_read(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("area;income\n52,5;52 340,5\n120;1 200\n", encoding="utf-8")
    np.testing.assert_allclose(read_input(path, table(2)), [[52.5, 52340.5], [120.0, 1200.0]])
    english = tmp_path / "english.csv"
    english.write_text("52.5,\"52,340.5\"\n120,\"1,200\"\n", encoding="utf-8")
    np.testing.assert_allclose(read_input(english, table(2)), [[52.5, 52340.5], [120.0, 1200.0]])


def test_a_word_or_mixed_conventions_are_named(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("1.5,2\nthree,4\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 2, column 1: 'three' is not a number"):
        read_input(path, table(2))
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("1.5;2\n2,5;4\n", encoding="utf-8")
    with pytest.raises(DataError, match="column 1 mixes ways of writing numbers"):
        read_input(mixed, table(2))
