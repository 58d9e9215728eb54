"""Importing Keras models made elsewhere: each model here is made with plain Keras in the test, saved, imported,
and compared with Keras itself: the same parameter count, the same outputs on the same inputs, the same outputs
again after an export, and after a save and a reopen. Layers the catalogue knows become palette kinds; the rest are
kept whole; nested models are unfolded, shared layers split, known backbones become one node."""

from __future__ import annotations

import json
import zipfile

import keras
import numpy as np
import pytest

from designer.core.project_files import load_project, save_project
from designer.exchange.model_file import ModelImportError
from designer.exchange.model_import import check_import, import_model
from designer.keras_bridge.models import compile_graph
from designer.keras_bridge.trained import load_trained

pytestmark = pytest.mark.slow


def saved(model, tmp_path, name="model.keras"):
    path = tmp_path / name
    model.save(path)
    return str(path)


def canvas_model(project):
    graph = project.graph()
    model = compile_graph(graph, load_pretrained_weights=False)
    assert load_trained(model, graph, project.trained["model"]).everything
    return model


def outputs_by_name(model, inputs) -> dict[str, np.ndarray]:
    values = model(inputs, training=False)
    values = values if isinstance(values, (list, tuple)) else [values]
    return {tensor._keras_history[0].name: np.asarray(value) for tensor, value in zip(model.outputs, values)}


def assert_same_outputs(original, project, inputs, names=None):
    theirs = outputs_by_name(original, inputs)
    ours = outputs_by_name(canvas_model(project), inputs)
    assert set(ours) == set(names or theirs)
    for name, value in theirs.items():
        np.testing.assert_allclose(ours[names[name] if names else name], value, atol=1e-5)


def rows(shape, count=3, seed=0):
    return np.random.default_rng(seed).random((count, *shape), dtype=np.float32)


def test_a_sequential_model_keeps_its_names_weights_settings_and_outputs(tmp_path):
    model = keras.Sequential([
        keras.Input((6,), name="features"),
        keras.layers.Dense(16, activation="relu", kernel_initializer="he_normal", name="hidden"),
        keras.layers.Dropout(0.2, name="drop"),
        keras.layers.Dense(3, activation="softmax", name="classes"),
    ], name="classifier")
    model.compile(keras.optimizers.Adam(0.005), loss="categorical_crossentropy", metrics=["accuracy"])
    result = import_model(saved(model, tmp_path))
    graph = result.project.graph()
    assert [graph.node(n).name for n in graph.topological_order()] == ["features", "hidden", "drop", "classes"]
    assert [graph.node(n).kind for n in graph.topological_order()] == ["Input", "Dense", "Dropout", "Dense"]
    assert graph.node_by_name("hidden").params["kernel_initializer"] == "he_normal"
    training = result.project.training
    assert (training["optimizer"], training["learning_rate"], training["loss"], training["metrics"]) == (
        "adam", 0.005, "categorical_crossentropy", ["accuracy"])
    assert result.project.dataset is None
    assert result.canvas_params == model.count_params()
    check = check_import(result)
    assert check.keras_params == check.canvas_params == model.count_params() and check.same_outputs
    assert_same_outputs(model, result.project, rows((6,)))
    # laid out top to bottom
    ys = [graph.node(n).position[1] for n in graph.topological_order()]
    assert ys == sorted(ys) and len(set(ys)) == 4


def test_several_inputs_and_outputs_with_recurrent_branches(tmp_path):
    series = keras.Input((12, 3), name="series")
    extra = keras.Input((4,), name="extra")
    lstm = keras.layers.LSTM(8, name="lstm")(series)
    gru = keras.layers.GRU(5, return_sequences=True, name="gru")(series)
    pooled = keras.layers.GlobalAveragePooling1D(name="pool")(gru)
    joined = keras.layers.Concatenate(name="join")([lstm, pooled, extra])
    price = keras.layers.Dense(1, name="price")(joined)
    kind = keras.layers.Dense(3, activation="softmax", name="kind")(keras.layers.Dense(6, name="narrow")(joined))
    model = keras.Model([series, extra], [price, kind], name="two_heads")
    result = import_model(saved(model, tmp_path))
    graph = result.project.graph()
    assert len(graph) == len(model.layers)
    assert result.plan.outputs == ["price", "kind"]
    assert {graph.node(n).name for n in graph.sinks()} == {"price", "kind"}
    assert check_import(result).same_outputs
    assert_same_outputs(model, result.project, [rows((12, 3)), rows((4,))])
    # branches sit side by side: the LSTM and the GRU share a row
    assert graph.node_by_name("lstm").position[1] == graph.node_by_name("gru").position[1]
    assert graph.node_by_name("lstm").position[0] != graph.node_by_name("gru").position[0]


def test_a_nested_sequential_is_unfolded_and_a_shared_layer_is_split_per_use(tmp_path):
    tower = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="t1"), keras.layers.Dense(2, name="t2")],
                             name="tower")
    left, right = keras.Input((4,), name="left"), keras.Input((4,), name="right")
    shared = keras.layers.Dense(4, activation="tanh", name="shared")
    joined = keras.layers.Concatenate(name="join")([tower(shared(left)), tower(shared(right))])
    model = keras.Model([left, right], keras.layers.Dense(1, name="same")(joined), name="siamese")
    result = import_model(saved(model, tmp_path))
    names = {node.name for node in result.project.graph().nodes()}
    assert {"shared", "shared_use2", "t1", "t2", "t1_use2", "t2_use2"} <= names
    graph = result.project.graph()
    assert [graph.node_by_name(n).group for n in ("left", "shared", "t1", "t2", "t1_use2", "join", "same")] == [
        "", "", "tower", "tower", "tower (use 2)", "", ""]
    summary = "\n".join(result.summary())
    assert "tower (a Sequential inside the model) was unfolded in place" in summary
    assert "shared is used 2 times" in summary and "training now changes separately" in summary
    assert "tower is used 2 times in the model with the same weights; the canvas shows it unfolded once per use" in summary
    assert "t1 is used" not in summary  # said once, for the tower
    check = check_import(result)
    assert check.same_outputs and check.keras_params == model.count_params() < check.canvas_params
    assert "a shared layer has one copy per use" in "\n".join(result.summary())
    assert_same_outputs(model, result.project, [rows((4,)), rows((4,), seed=1)])


def test_a_known_backbone_nested_in_a_model_becomes_that_node(tmp_path):
    backbone = keras.applications.MobileNetV2(include_top=False, weights=None, input_shape=(32, 32, 3))
    backbone.trainable = False
    image = keras.Input((32, 32, 3), name="image")
    features = keras.layers.GlobalAveragePooling2D(name="gap")(backbone(image))
    model = keras.Model(image, keras.layers.Dense(5, activation="softmax", name="classes")(features))
    result = import_model(saved(model, tmp_path))
    graph = result.project.graph()
    node = graph.node_by_name(backbone.name)
    assert node.kind == "MobileNetV2" and node.params == {"weights": "none", "trainable": False}
    assert len(graph) == 4
    assert check_import(result).same_outputs
    assert_same_outputs(model, result.project, rows((32, 32, 3)))


@pytest.mark.parametrize("application", ["ResNet50", "EfficientNetB0", "DenseNet121"])
def test_keras_applications_import_with_keras_own_count_and_outputs(application, tmp_path):
    model = getattr(keras.applications, application)(weights=None, input_shape=(32, 32, 3), classes=7)
    result = import_model(saved(model, tmp_path))
    assert len(result.plan.layers) == len(model.layers)
    assert result.canvas_params == model.count_params()
    check = check_import(result)
    assert check.keras_params == check.canvas_params == model.count_params()
    assert check.same_outputs, check.largest_difference
    if application != "ResNet50":
        return  # one of them is enough to show the round trip through an export
    # exported again as .keras: the same outputs as the original
    from designer.exchange.formats import export_model

    out = tmp_path / "again.keras"
    export_model(canvas_model(result.project), "keras", str(out))
    again = keras.models.load_model(out)
    inputs = rows((32, 32, 3), count=2)
    np.testing.assert_allclose(again(inputs, training=False), model(inputs, training=False), atol=1e-4)


def test_import_save_reopen_export_gives_the_same_outputs(tmp_path):
    inputs = keras.Input((8, 8, 1), name="pixels")
    x = keras.layers.Conv2D(4, 3, padding="same", use_bias=False, name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="norm")(x)
    x = keras.layers.ReLU(6.0, name="relu6")(x)
    x = keras.layers.UnitNormalization(name="unit")(x)  # no palette entry: kept whole
    x = keras.layers.GlobalMaxPooling2D(name="gmp")(x)
    model = keras.Model(inputs, keras.layers.Dense(2, name="out")(x))
    model.get_layer("norm").set_weights([w + 0.5 for w in model.get_layer("norm").get_weights()])
    result = import_model(saved(model, tmp_path))
    assert result.project.graph().node_by_name("unit").kind == "KerasLayer"
    project_file = tmp_path / "imported.json"
    save_project(result.project, project_file)
    reopened = load_project(project_file)
    assert reopened.load_notes == []
    assert reopened.graph().node_by_name("unit").params == result.project.graph().node_by_name("unit").params
    assert_same_outputs(model, reopened, rows((8, 8, 1)))
    from designer.exchange.formats import export_model

    export_model(canvas_model(reopened), "keras", str(tmp_path / "out.keras"))
    again = keras.models.load_model(tmp_path / "out.keras")
    np.testing.assert_allclose(again(rows((8, 8, 1))), model(rows((8, 8, 1))), atol=1e-5)


def test_an_imported_model_edited_trains_and_keeps_the_rest(tmp_path):
    from designer.core.project import DatasetChoice
    from designer.data.registry import load_dataset
    from designer.training.engine import train

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="relu", name="hidden"),
                              keras.layers.Dense(4, activation="relu", name="middle"),
                              keras.layers.Dense(1, activation="sigmoid", name="out")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    result = import_model(saved(model, tmp_path))
    project = result.project
    graph = project.graph()
    graph.set_param(graph.node_by_name("middle").id, "units", 6)  # one layer edited
    project.dataset = DatasetChoice("sum_threshold", {"samples": 64})
    project.training = {**project.training, "epochs": 1, "batch_size": 16, "seed": 1}
    run = train(project, load_dataset(project.dataset))
    assert run.reuse["model"].kept == ("hidden",) and set(run.reuse["model"].fresh) == {"middle", "out"}
    assert run.trained["model"].layers["hidden"] == ((2, 8), (8,))
    assert np.isfinite(run.history["loss"][-1])


def test_a_legacy_h5_model_imports(tmp_path):
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3, activation="relu", name="a"),
                              keras.layers.Dense(2, name="b")])
    model.compile("sgd", "mse")
    path = tmp_path / "old.h5"
    model.save(path)
    result = import_model(str(path))
    assert [n.name for n in result.project.graph().nodes()][1:] == ["a", "b"]
    assert result.project.training["optimizer"] == "sgd" and result.project.training["loss"] == "mse"
    assert check_import(result).same_outputs


# ---------------------------------------------------------------------------------------------- refusals
def test_a_lambda_is_refused_and_its_code_never_runs(tmp_path):
    marker = tmp_path / "ran.txt"

    def write_marker(x):
        marker.write_text("the file's code ran")
        return x * 2

    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Lambda(write_marker, name="sneaky")(inputs))
    path = saved(model, tmp_path)
    marker.unlink()  # building the model ran it once, here in the test; the import must not run it again
    with pytest.raises(ModelImportError) as refused:
        import_model(path)
    message = str(refused.value)
    assert "model.keras" in message and "sneaky (Lambda)" in message and "Python code" in message
    assert not marker.exists()


def test_a_custom_object_of_another_program_is_refused_by_name(tmp_path):
    @keras.saving.register_keras_serializable(package="someone_else")
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return 2 * x

    inputs = keras.Input((3,))
    path = saved(keras.Model(inputs, Doubler(name="doubler")(inputs)), tmp_path)
    with pytest.raises(ModelImportError, match=r"doubler \(Doubler\): it uses someone_else>Doubler, a custom object"):
        import_model(path)


def test_a_project_cannot_smuggle_a_lambda_through_a_generic_node(tmp_path):
    from designer.core.graph import LayerGraph
    from designer.keras_bridge.models import BuildError

    graph = LayerGraph()
    x = graph.add("Input", shape=[3])
    graph.add("KerasLayer", x, class_name="Lambda", config={"function": {"class_name": "__lambda__", "config": {}}})
    with pytest.raises(BuildError, match="Lambda layer holds Python code"):
        compile_graph(graph)


def test_damaged_foreign_and_oversized_files_are_plain_messages(tmp_path, monkeypatch):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    whole = saved(model, tmp_path)
    cut = tmp_path / "cut.keras"
    cut.write_bytes(open(whole, "rb").read()[:2000])
    with pytest.raises(ModelImportError, match=r"^cut.keras is damaged or cut short"):
        import_model(str(cut))
    text = tmp_path / "notes.keras"
    text.write_text("hello")
    with pytest.raises(ModelImportError, match=r"^notes.keras is damaged: it does not start like a Keras file"):
        import_model(str(text))
    archive = tmp_path / "photos.keras"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("photo.txt", "not a model")
    with pytest.raises(ModelImportError, match=r"^photos.keras is not a Keras model: the archive has no config.json"):
        import_model(str(archive))
    with pytest.raises(ModelImportError, match=r"^missing.keras: there is no such file"):
        import_model(str(tmp_path / "missing.keras"))
    from designer.exchange import model_file

    monkeypatch.setattr(model_file, "MAX_DESCRIPTION_BYTES", 100)
    with pytest.raises(ModelImportError, match=r"^model.keras is not a Keras model this app can read: its config"):
        import_model(whole)
    monkeypatch.undo()
    monkeypatch.setattr(model_file, "available_memory", lambda: 1000)
    with pytest.raises(ModelImportError, match=r"^model.keras holds .* of weights; opening it needs about"):
        import_model(whole)


def test_an_input_with_an_open_size_is_explained(tmp_path):
    inputs = keras.Input((None, 3), name="text")
    model = keras.Model(inputs, keras.layers.LSTM(2)(inputs))
    with pytest.raises(ModelImportError, match=r"the input text has the shape \(None, 3\), with a size left open"):
        import_model(saved(model, tmp_path))


def test_a_layer_with_several_results_is_explained(tmp_path):
    inputs = keras.Input((5, 2))
    out, state_h, state_c = keras.layers.LSTM(3, return_state=True, name="stateful")(inputs)
    model = keras.Model(inputs, keras.layers.Concatenate()([out, state_h]))
    with pytest.raises(ModelImportError, match=r"stateful \(LSTM\) gives several results"):
        import_model(saved(model, tmp_path))


def test_the_file_config_is_what_keras_wrote(tmp_path):
    # the fast path reads the file's own description: it is the same JSON Keras serializes for the model
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="only")])
    path = saved(model, tmp_path)
    config = json.loads(zipfile.ZipFile(path).read("config.json"))
    assert config["class_name"] == "Sequential"
    assert import_model(path).plan.flat


def test_dropout_and_noise_in_a_functional_model_become_palette_layers(tmp_path):
    # Keras records training=False on their calls when the model is made; fit and predict override it, so it is
    # nothing to keep and they are the palette's own kinds (a training-only tag on the canvas)
    inputs = keras.Input((5,))
    x = keras.layers.GaussianNoise(0.2, name="noise")(inputs)
    x = keras.layers.Dropout(0.3, name="drop")(keras.layers.Dense(4, name="hidden")(x))
    result = import_model(saved(keras.Model(inputs, keras.layers.Dense(1, name="out")(x)), tmp_path))
    graph = result.project.graph()
    assert (graph.node_by_name("noise").kind, graph.node_by_name("drop").kind) == ("GaussianNoise", "Dropout")


def test_the_group_of_an_unfolded_model_is_kept_in_the_project_file(tmp_path):
    encoder = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, name="squeeze")], name="encoder")
    inputs = keras.Input((6,), name="raw")
    model = keras.Model(inputs, keras.layers.Dense(6, name="expand")(encoder(inputs)))
    result = import_model(saved(model, tmp_path))
    save_project(result.project, tmp_path / "grouped.json")
    text = (tmp_path / "grouped.json").read_text()
    assert '"group": "encoder"' in text and text.count('"group"') == 1
    reopened = load_project(tmp_path / "grouped.json")
    assert [n.group for n in reopened.graph().nodes()] == ["", "encoder", ""]


def test_an_h5_file_keras_cannot_read_says_to_save_it_again_as_keras(tmp_path):
    import h5py

    path = tmp_path / "ancient.h5"
    with h5py.File(path, "w") as handle:  # a model description from a Keras that no longer exists
        handle.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {
            "layers": [{"class_name": "NoSuchLayer", "config": {"name": "odd"}}]}})
    with pytest.raises(ModelImportError, match=r"^ancient.h5 could not be loaded by Keras: .*save it again as \.keras"):
        import_model(str(path))


@pytest.mark.parametrize("damage", [
    lambda c: c["config"]["layers"][1]["inbound_nodes"][0]["args"][0]["config"].update(keras_history=["x", "a", 0]),
    lambda c: c["config"].update(layers="nope"),
    lambda c: c["config"]["layers"][1].update(inbound_nodes="nope"),
    lambda c: c["config"]["layers"][1].update(config=[1, 2]),
    lambda c: c["config"].update(output_layers=[["nowhere", 0, 0]]),
    lambda c: c["config"]["layers"][0]["config"].update(batch_shape=[None, "wide"]),
    lambda c: c["config"]["layers"][1].update(class_name=7),
], ids=["history", "layers", "inbound", "config", "outputs", "shape", "class"])
def test_a_hand_damaged_description_is_one_plain_sentence(damage, tmp_path):
    inputs = keras.Input((3,), name="x")
    path = saved(keras.Model(inputs, keras.layers.Dense(2, name="d")(inputs)), tmp_path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(parts["config.json"])
    damage(config)
    broken = tmp_path / "broken.keras"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, json.dumps(config) if name == "config.json" else data)
    with pytest.raises(ModelImportError, match=r"^broken.keras "):
        import_model(str(broken))


def test_a_vae_exported_by_the_app_comes_back_with_its_sampling_layer(tmp_path):
    from designer.core.templates import load_template
    from designer.exchange.formats import export_model

    project = load_template("vae")
    export_model(compile_graph(project.graph(), load_pretrained_weights=False), "keras", str(tmp_path / "vae.keras"))
    result = import_model(str(tmp_path / "vae.keras"))
    kinds = {node.kind for node in result.project.graph().nodes()}
    assert "VAESampling" in kinds and "KerasLayer" not in kinds
    check = check_import(result)
    assert check.largest_difference is None and check.keras_params == check.canvas_params  # it samples at random
