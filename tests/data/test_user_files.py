"""The person's own files: CSV tables and NumPy arrays, and every kind of bad file named with its place."""

from __future__ import annotations

import numpy as np
import pytest

from designer.core.project import DatasetChoice
from designer.data.dataset import DataError
from designer.data.registry import load_dataset
from designer.data.image_folders import unreadable_while_training
from designer.data.user_files import load_user_file


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path, *words, **options):
    with pytest.raises(DataError) as error:
        load_dataset(DatasetChoice(str(path), options))
    message = str(error.value)
    assert str(path) in message
    for word in words:
        assert word in message, message
    return message


# ------------------------------------------------------------------------------------------------ CSV
def test_csv_with_numbers_categories_and_a_text_target(tmp_path):
    path = write(tmp_path, "flowers.csv", "length,colour,species\n1.5,red,rose\n2.0,white,lily\n1.7,red,rose\n2.4,pink,lily\n")
    data = load_dataset(DatasetChoice(str(path), {"shuffle": False, "scale": "none"}))
    assert data.task == "classification" and data.class_names == ["lily", "rose"]
    assert data.y_train.tolist() == [1, 0, 1, 0]
    # length as it is, colour one-hot (pink, red, white)
    assert data.x_train.tolist()[0] == [1.5, 0.0, 1.0, 0.0]
    assert data.sample_shape == (4,)
    raw = load_user_file(path)
    assert raw.feature_names == ["length", "colour=pink", "colour=red", "colour=white"]


def test_csv_target_column_task_and_delimiter(tmp_path):
    path = write(tmp_path, "houses.csv", "price;rooms;area\n" + "".join(f"{100 + 7.5 * i};{i % 4 + 1};{50 + i}\n" for i in range(30)))
    data = load_dataset(DatasetChoice(str(path), {"target": "price"}))
    assert data.task == "regression" and data.class_names is None
    assert data.y_train.shape == (30, 1) and data.x_train.shape == (30, 2)
    rooms = load_dataset(DatasetChoice(str(path), {"target": "rooms"}))  # 4 whole numbers: classes
    assert rooms.task == "classification" and rooms.class_names == ["1", "2", "3", "4"]
    as_numbers = load_dataset(DatasetChoice(str(path), {"target": "rooms", "task": "regression"}))
    assert as_numbers.task == "regression"


def test_csv_without_header_and_options_applied(tmp_path):
    path = write(tmp_path, "plain.csv", "".join(f"{i},{i * 2},{i % 2}\n" for i in range(10)))
    data = load_dataset(DatasetChoice(str(path), {"labels": "one-hot", "validation": "last", "validation_rows": 3}))
    assert data.x_train.shape == (7, 2) and data.x_val.shape == (3, 2)
    assert data.y_train.shape == (7, 2) and data.class_names == ["0", "1"]


def test_text_in_a_number_column_is_named_by_line_and_column(tmp_path):
    path = write(tmp_path, "ages.csv", "age,score\n31,1\n45,0\nforty,1\n22,0\n")
    refused(path, "line 4", "'age'", "'forty' is not a number")


def test_ragged_row_is_named_by_line(tmp_path):
    path = write(tmp_path, "ragged.csv", "a,b,c\n1,2,0\n3,4\n5,6,1\n")
    refused(path, "line 3", "2 values", "3 columns")


def test_missing_values_are_reported_with_place_and_count(tmp_path):
    path = write(tmp_path, "holes.csv", "a,b,y\n1,2,0\n3,,1\n5,NA,0\n")
    refused(path, "line 3", "column 'b'", "missing", "2 missing values")


@pytest.mark.parametrize(
    "text, words",
    [
        ("", ("empty",)),
        ("a,b,y\n", ("no rows",)),
        ("only\n1\n2\n", ("one column",)),
        ("a,y\n1,same\n2,same\n", ("one value only",)),
    ],
)
def test_empty_and_degenerate_csv_files(tmp_path, text, words):
    refused(write(tmp_path, "bad.csv", text), *words)


def test_unknown_target_lists_the_columns(tmp_path):
    path = write(tmp_path, "t.csv", "a,b,y\n1,2,0\n3,4,1\n")
    refused(path, "no column 'label'", "a, b, y", target="label")


def test_csv_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,y\ncaf\xe9,1\nthé,0\n".encode("latin-1"))
    refused(path, "UTF-8")


# ------------------------------------------------------------------------------------------------ NumPy
def test_npz_with_images_labels_and_validation(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "mine.npz"
    np.savez(path, x_train=rng.integers(0, 256, (20, 8, 8), dtype=np.uint8), y_train=np.arange(20) % 3,
             x_val=rng.integers(0, 256, (5, 8, 8), dtype=np.uint8), y_val=np.arange(5) % 3,
             class_names=np.array(["a", "b", "c"]))
    data = load_dataset(str(path))
    assert data.task == "classification" and data.class_names == ["a", "b", "c"]
    assert data.x_train.shape == (20, 8, 8) and data.x_val.shape == (5, 8, 8)
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0  # uint8 images are scaled to 0..1


def test_npz_regression_and_npy_inputs_only(tmp_path):
    path = tmp_path / "reg.npz"
    np.savez(path, x=np.linspace(0, 1, 12).reshape(6, 2), y=np.linspace(0, 1, 6))
    assert load_dataset(str(path)).task == "regression"
    npy = tmp_path / "faces.npy"
    np.save(npy, np.zeros((4, 3, 3), dtype=np.float32))
    data = load_dataset(str(npy))
    assert data.task == "generation" and data.y_train is None and data.sample_shape == (3, 3)


def test_npz_with_unexpected_keys(tmp_path):
    path = tmp_path / "odd.npz"
    np.savez(path, inputs=np.zeros((3, 2)), labels=np.zeros(3))
    refused(path, "holds inputs, labels", "expected arrays named x and y")


def test_npz_with_python_objects_is_not_unpickled(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, x=np.array([{"a": 1}, None], dtype=object), y=np.zeros(2))
    refused(path, "objects")


@pytest.mark.parametrize(
    "arrays, words",
    [
        ({"x": np.zeros((0, 2)), "y": np.zeros(0)}, ("no samples",)),
        ({"x": np.zeros((3, 2)), "y": np.zeros(4)}, ("3 rows", "4")),
        ({"x": np.array([[1.0, np.nan]]), "y": np.zeros(1)}, ("missing or infinite", "(0, 1)")),
    ],
)
def test_npz_bad_contents(tmp_path, arrays, words):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    refused(path, *words)


def test_missing_and_damaged_files(tmp_path):
    refused(tmp_path / "nowhere.csv", "no such file")
    damaged = tmp_path / "broken.npz"
    damaged.write_bytes(b"PK\x03\x04 not really a zip")
    refused(damaged, "not a NumPy .npz archive")
    folder = tmp_path / "images.csv"
    folder.mkdir()
    refused(folder, "is empty", "subfolder of images")  # a folder is read as an image folder


def test_unknown_name_suggests_a_file(tmp_path):
    with pytest.raises(DataError, match="your own .csv, .npz or .npy"):
        load_dataset("no_such_dataset")


# ------------------------------------------------------------------------------------------------ image folders
def save_png(path, height, width, value, channels=3):
    import tensorflow as tf

    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.full((height, width, channels), value, dtype=np.uint8)
    tf.io.write_file(str(path), tf.io.encode_png(pixels))


def test_image_folder_one_subfolder_per_class(tmp_path):
    folder = tmp_path / "pets"
    for i in range(3):
        save_png(folder / "cats" / f"c{i}.png", 20, 30, 200)
    for i in range(2):
        save_png(folder / "dogs" / f"d{i}.png", 10, 10, 50, channels=1)
    (folder / "dogs" / "notes.txt").write_text("not an image, ignored")
    data = load_dataset(DatasetChoice(str(folder), {"image_size": [8, 12], "shuffle": False}))
    assert data.class_names == ["cats", "dogs"] and data.task == "classification"
    assert data.x_train.shape == (5, 8, 12, 3) and data.y_train.tolist() == [0, 0, 0, 1, 1]
    assert abs(float(data.x_train[0].mean()) - 200 / 255) < 0.01  # resized, scaled to 0..1
    gray = load_dataset(DatasetChoice(str(folder), {"image_size": [8, 8], "color": "grayscale"}))
    assert gray.sample_shape == (8, 8, 1)
    assert "cats 3, dogs 2" in data.description


def test_image_folder_problems_are_named(tmp_path):
    refused_folder = tmp_path / "empty"
    refused_folder.mkdir()
    refused(refused_folder, "is empty", "one subfolder")
    loose = tmp_path / "loose"
    save_png(loose / "a.png", 4, 4, 1)
    refused(loose, "no subfolders")
    hollow = tmp_path / "hollow"
    save_png(hollow / "full" / "a.png", 4, 4, 1)
    (hollow / "none").mkdir()
    refused(hollow, "none", "holds no images")
    broken = tmp_path / "broken"
    save_png(broken / "good" / "a.png", 4, 4, 1)
    save_png(broken / "bad" / "b.png", 4, 4, 1)
    (broken / "bad" / "c.png").write_bytes(b"\x89PNG\r\n\x1a\n this is not the rest of a png")
    message = refused(broken, "c.png", "is not a readable PNG image (it looks damaged or cut short)")
    assert "b.png" not in message


def png_bytes(value):
    """The bytes of a 6×6 PNG of one shade."""
    import tensorflow as tf

    return tf.io.encode_png(np.full((6, 6, 3), value, dtype=np.uint8)).numpy()


def folder_with(tmp_path, name, bad):
    """Two classes of tiny PNGs, and `bad` (bytes) as shapes/bad.png."""
    folder = tmp_path / name
    for i in range(3):
        save_png(folder / "dots" / f"{i}.png", 6, 6, 30)
        save_png(folder / "shapes" / f"{i}.png", 6, 6, 220)
    (folder / "shapes" / "bad.png").write_bytes(bad)
    return folder


def test_a_file_that_is_no_image_or_a_cut_short_png_is_named_in_plain_words(tmp_path, monkeypatch):
    from designer.data import image_folders

    garbage = folder_with(tmp_path, "garbage", b"these bytes were never an image \x00\x13\x37")
    cut = folder_with(tmp_path, "cut", png_bytes(90)[:40])
    empty = folder_with(tmp_path, "empty", b"")
    for streamed in (False, True):  # decoded into memory, or only the first and last bytes checked when listing
        with monkeypatch.context() as patched:
            if streamed:
                patched.setattr(image_folders, "MEMORY_LIMIT_BYTES", 100)
            for message in (refused(garbage, "bad.png", "is not an image", "does not start like a PNG",
                                    image_size=[4, 4]),
                            refused(cut, "bad.png", "is not a readable PNG image (it looks damaged or cut short)",
                                    "delete or replace it", image_size=[4, 4]),
                            refused(empty, "bad.png", "is empty", image_size=[4, 4])):
                assert "{{" not in message and "function_node" not in message and "Op:" not in message


def test_the_damaged_image_of_a_folder_that_failed_while_training_is_found(tmp_path):
    import tensorflow as tf

    good = png_bytes(90)
    damaged = good[:41] + bytes(12) + good[53:]  # starts and ends like a PNG: the listing's check passes it
    folder = folder_with(tmp_path, "pics", damaged)
    with pytest.raises(tf.errors.InvalidArgumentError) as failed:
        tf.io.decode_image(damaged)
    message = unreadable_while_training(str(folder), failed.value)
    assert message.startswith(f"While training on {folder}: {folder / 'shapes' / 'bad.png'} is not a readable PNG")
    (folder / "shapes" / "bad.png").write_bytes(good)  # mended since: TensorFlow's words, without its internals
    message = unreadable_while_training(str(folder), failed.value)
    assert message.startswith(f"The images of {folder} could not be read while training: Invalid PNG")
    assert "{{" not in message and "[Op:" not in message and "name:" not in message


# ------------------------------------------------------------------------------------------------ preparation
def test_shuffle_test_rows_and_input_noise():
    plain = load_dataset(DatasetChoice("iris", {"shuffle": False}))
    assert plain.y_train[:5].tolist() == [0, 0, 0, 0, 0]  # the bundled file is sorted by species
    shuffled = load_dataset(DatasetChoice("iris", {"shuffle": True, "seed": 3, "test_fraction": 0.2}))
    assert len(shuffled.x_train) == 120 and len(shuffled.x_test) == 30 and len(shuffled.y_test) == 30
    assert sorted(shuffled.y_train.tolist() + shuffled.y_test.tolist()) == sorted(plain.y_train.tolist())
    assert len(set(shuffled.y_test.tolist())) > 1
    again = load_dataset(DatasetChoice("iris", {"shuffle": True, "seed": 3, "test_fraction": 0.2}))
    assert (again.x_test == shuffled.x_test).all()  # the seed makes it repeatable
    noisy = load_dataset(DatasetChoice("digits", {"input_noise": 0.3, "validation": "last", "validation_rows": 100}))
    assert noisy.noisy_train.shape == noisy.x_train.shape and noisy.noisy_val.shape == noisy.x_val.shape
    assert 0.0 <= noisy.noisy_train.min() and noisy.noisy_train.max() <= 1.0
    assert abs(float((noisy.noisy_train - noisy.x_train).std()) - 0.3) < 0.1
    with pytest.raises(DataError, match="test_fraction"):
        load_dataset(DatasetChoice("sum_threshold", {"samples": 4, "test_fraction": 0.1}))


def test_a_folder_too_big_for_memory_is_streamed_from_disk(tmp_path, monkeypatch):
    from designer.data import image_folders
    from designer.data.summary import summarize

    folder = tmp_path / "many"
    for i in range(7):
        save_png(folder / "light" / f"l{i}.png", 12, 12, 220)
        save_png(folder / "dark" / f"d{i}.png", 12, 12, 20)
    monkeypatch.setattr(image_folders, "MEMORY_LIMIT_BYTES", 500)
    monkeypatch.setattr(image_folders, "PREVIEW_IMAGES", 4)
    data = load_dataset(DatasetChoice(str(folder), {"image_size": [8, 8], "shuffle": True, "test_fraction": 0.2}))
    assert data.streamed and len(data.x_train) == 4 and data.train_rows == 11 and len(data.stream_test) == 3
    assert "Read from disk while training" in data.description
    summary = summarize(data)
    assert summary.train_rows == 11 and sum(n for _, n in summary.class_counts) == 11
    with pytest.raises(DataError, match="needs every image in memory"):
        load_dataset(DatasetChoice(str(folder), {"image_size": [8, 8], "scale": "standardize"}))
    (folder / "dark" / "fake.png").write_text("not an image at all")
    refused(folder, "fake.png", "does not start like", image_size=[8, 8])


def test_each_kind_of_file_offers_only_its_own_options(tmp_path):
    from designer.data.registry import option_specs

    def own(name):
        return {spec.name for spec in option_specs(name)} & {"target", "task", "image_size", "color"}

    (tmp_path / "pics").mkdir()
    assert own(str(tmp_path / "t.csv")) == {"target", "task"}
    assert own(str(tmp_path / "pics")) == {"image_size", "color"}
    assert own(str(tmp_path / "a.npz")) == set() and own("digits") == set()


def test_test_rows_take_the_last_rows():
    data = load_dataset(DatasetChoice("iris", {"test_rows": 10, "test_fraction": 0.4, "shuffle": False}))  # rows win over the fraction
    assert len(data.x_test) == 10 and len(data.x_train) == 140 and data.y_test.tolist() == [2] * 10
    with pytest.raises(DataError, match="test_rows 150"):
        load_dataset(DatasetChoice("iris", {"test_rows": 150}))


# ------------------------------------------------------------------------------- numbers as spreadsheets write them
def customers(rows=40):
    """A customer table: income on a big scale, a region word, a yes/no target; rows made from a fixed rule."""
    rng = np.random.default_rng(7)
    table = []
    for i in range(rows):
        income = round(float(rng.uniform(20_000, 90_000)), 1)
        region = ("east", "west", "north")[i % 3]
        table.append((int(rng.integers(18, 80)), income, region, "yes" if income > 55_000 else "no"))
    return table


def test_a_european_csv_reads_the_same_numbers_as_an_english_one(tmp_path):
    table = customers()
    english = write(tmp_path, "en.csv", "age,income,region,bought\n" + "".join(
        f"{a},{i},{r},{b}\n" for a, i, r, b in table))
    def european_number(value):  # 52 340,5 (a space between thousands, a decimal comma)
        whole, _, decimals = f"{value:.1f}".partition(".")
        grouped = f"{int(whole):,}".replace(",", " ")
        return f"{grouped},{decimals}"
    european = write(tmp_path, "eu.csv", "age;income;region;bought\n" + "".join(
        f"{a};{european_number(i)};{r};{b}\n" for a, i, r, b in table))
    dotted = write(tmp_path, "de.csv", "age;income;region;bought\n" + "".join(
        f"{a};{european_number(i).replace(' ', '.')};{r};{b}\n" for a, i, r, b in table))
    quoted = write(tmp_path, "us.csv", "age,income,region,bought\n" + "".join(
        f'{a},"{i:,.1f}",{r},{b}\n' for a, i, r, b in table))
    expected = load_user_file(english)
    assert expected.feature_names == ["age", "income", "region=east", "region=north", "region=west"]
    for path, convention in ((european, "decimal comma"), (dotted, "decimal comma"), (quoted, "thousands commas")):
        raw = load_user_file(path)
        assert raw.feature_names == expected.feature_names  # income is one number, not 40 one-hot words
        np.testing.assert_allclose(raw.x, expected.x)
        assert raw.y.tolist() == expected.y.tolist()
        assert f"Numbers read with {convention}." in raw.description


def test_a_regression_target_with_decimal_commas_is_a_number(tmp_path):
    path = write(tmp_path, "prices.csv", "rooms;price\n" + "".join(
        f"{r};{r * 100 + 0.5:.1f}\n".replace(".", ",") for r in range(1, 30)))
    raw = load_user_file(path)
    assert raw.task == "regression" and raw.y[:2, 0].tolist() == [100.5, 200.5]


def test_numbers_written_two_ways_and_a_column_of_names_are_said_not_one_hot_encoded(tmp_path):
    mixed = write(tmp_path, "mixed.csv", "a;b;y\n" + "".join(f"{i};{i}.5;{i % 2}\n" for i in range(10))
                  + "10;10,5;0\n")
    refused(mixed, "line 12, column 'b'", "'10,5' is written differently from the other numbers")
    names = write(tmp_path, "names.csv", "name,age,y\n" + "".join(f"person {i},{20 + i},{i % 2}\n" for i in range(30)))
    refused(names, "column 'name': 30 different values in 30 rows", "delete the column")
    few = write(tmp_path, "few.csv", "colour,age,y\n" + "".join(f"{('red', 'blue')[i % 2]},{i},{i % 2}\n"
                                                                for i in range(30)))
    assert load_user_file(few).feature_names == ["colour=blue", "colour=red", "age"]
