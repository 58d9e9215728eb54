"""Project files: round trips, atomic saves, the JSON Schema, and thousands of broken files thrown at the loader.

Every broken file must be refused with a `ProjectError` (never another exception) whose message is plain
words, and whose `location` names the place of the fault when the fault has a place. Every file the loader
accepts must survive dumps → loads → dumps unchanged, and must be valid against the published schema.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import networkx as nx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from designer.core import catalogue
from designer.core.commands import Connect, History
from designer.core.graph import LayerGraph
from designer.core.project import TRAINING_SPECS, DatasetChoice, Project, check_training
from designer.core.project_files import (
    FORMAT,
    MAX_FILE_BYTES,
    MAX_GRAPHS,
    MAX_NODES,
    MAX_TEXT,
    ProjectError,
    dumps,
    graph_to_dict,
    load_project,
    loads,
    project_to_dict,
    save_project,
)
from designer.core.templates import list_templates

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "designer" / "resources" / "project.schema.json"
TEMPLATES = sorted((ROOT / "designer" / "resources" / "templates").glob("*.json"))

def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
    )


# ------------------------------------------------------------------------------------------ sample projects
def classifier_project() -> Project:
    """The 2→3→1 classifier of the notes (also the example of docs/project-format.md)."""
    graph = LayerGraph("classifier")
    x = graph.add("Input", name="features", shape=[2], position=(0, 0))
    h = graph.add("Dense", x, name="hidden", units=3, activation="relu", position=(0, 120))
    graph.add("Dense", h, name="output", units=1, activation="sigmoid", position=(0, 240))
    return Project.single(
        graph,
        name="2-3-1 classifier",
        description="Two inputs, three hidden neurons, one output.",
        dataset=DatasetChoice("moons", {"samples": 200, "noise": 0.1}),
        training=check_training({"loss": "binary_crossentropy", "epochs": 50, "learning_rate": 0.01}),
    )


def branching_graph() -> tuple[LayerGraph, dict[str, str]]:
    """A functional graph with a 3-input Concatenate, a residual Add and a VAE sampling layer, ports reordered."""
    g = LayerGraph("branches")
    ids = {}
    ids["x"] = g.add("Input", shape=[28, 28, 1], position=(0, 0))
    ids["conv"] = g.add("Conv2D", ids["x"], filters=8, kernel_size=3, padding="same", position=(0, 100))
    ids["pool"] = g.add("MaxPooling2D", ids["conv"], position=(0, 200))
    ids["flat"] = g.add("Flatten", ids["pool"], position=(0, 300))
    ids["flat_in"] = g.add("Flatten", ids["x"], name="flat_input", position=(200, 100))
    ids["dense"] = g.add("Dense", ids["flat"], units=16, activation="relu", position=(0, 400))
    ids["cat"] = g.add("Concatenate", ids["flat_in"], ids["dense"], position=(100, 500))
    # put "flat" first: the file must keep the order flat, flat_input, dense
    History(g).push(Connect(ids["flat"], ids["cat"], port=0))
    ids["a"] = g.add("Dense", ids["cat"], name="a", units=16, position=(0, 600))
    ids["b"] = g.add("Dense", ids["cat"], name="b", units=16, position=(200, 600))
    ids["add"] = g.add("Add", ids["b"], ids["a"], position=(100, 700))
    ids["mu"] = g.add("Dense", ids["add"], name="mu", units=2, position=(0, 800))
    ids["log_var"] = g.add("Dense", ids["add"], name="log_var", units=2, position=(200, 800))
    ids["z"] = g.add("VAESampling", ids["mu"], ids["log_var"], kl_weight=0.5, position=(100, 900))
    ids["out"] = g.add("Dense", ids["z"], units=10, activation="softmax", position=(100, 1000))
    return g, ids


def gan_graphs() -> list[LayerGraph]:
    gen = LayerGraph("generator", "generator")
    z = gen.add("Input", shape=[16])
    h = gen.add("Dense", z, units=7 * 7 * 8, activation="relu")
    h = gen.add("Reshape", h, target_shape=[7, 7, -1])
    h = gen.add("BatchNormalization", h)
    gen.add("Conv2DTranspose", h, filters=1, kernel_size=4, strides=2, padding="same", activation="tanh")
    disc = LayerGraph("discriminator", "discriminator")
    x = disc.add("Input", shape=[14, 14, 1])
    h = disc.add("Conv2D", x, filters=8, kernel_size=3, strides=2, activation="linear")
    h = disc.add("LeakyReLU", h, negative_slope=0.2)
    h = disc.add("Flatten", h)
    h = disc.add("Dropout", h, rate=0.3)
    disc.add("Dense", h, units=1, activation="sigmoid")
    return [gen, disc]


def gan_project() -> Project:
    return Project(
        gan_graphs(),
        name="GAN",
        dataset=DatasetChoice("mnist", {"classes": [0, 1], "scale": "tanh"}),
        training=check_training({"mode": "gan", "beta_1": 0.5, "learning_rate": 0.0002, "metrics": []}),
    )


def several_graphs_project() -> Project:
    model, _ = branching_graph()
    return Project(
        [model, *gan_graphs()],
        name="Several graphs",
        description="A model graph and a GAN pair.\nSecond line, ünïcödé.",
        dataset=DatasetChoice("my data.csv", {"label_column": "y", "skip": None, "columns": ["a", "b", 3, 1.5, True]}),
        training=check_training({"optimizer": "sgd", "momentum": 0.9, "seed": 7, "metrics": ["accuracy", "auc"]}),
    )


SAMPLES = {
    "classifier": classifier_project,
    "gan": gan_project,
    "several": several_graphs_project,
}


def canonical(project: Project) -> dict[str, Any]:
    return json.loads(dumps(project))


# ------------------------------------------------------------------------------------------ helpers
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


VALIDATOR = jsonschema.Draft202012Validator(load_schema())


def assert_plain(error: ProjectError) -> None:
    """A message for a person: non-empty, one line, no traceback or Python internals."""
    text = str(error)
    assert error.problem.strip(), "empty problem"
    assert text.strip()
    assert "\n" not in text, text
    assert "Traceback" not in text and 'File "' not in text and "object at 0x" not in text, text
    assert not text.startswith("<"), text
    assert len(text) < 1000, f"a message of {len(text)} characters"


def assert_round_trips(project: Project) -> None:
    text = dumps(project)
    again = loads(text)
    assert dumps(again) == text


def outcome(text: str) -> Project | ProjectError:
    """Load `text`: a refusal must be a plain ProjectError; an acceptance must round-trip and fit the schema."""
    try:
        project = loads(text)
    except ProjectError as error:
        assert_plain(error)
        return error
    assert_round_trips(project)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(json.loads(text))]
    assert not errors, f"the loader accepted a file the schema refuses: {errors[:3]}"
    return project


def refused(text: str) -> ProjectError:
    result = outcome(text)
    assert isinstance(result, ProjectError), "the loader accepted a broken file"
    return result


def walk(value: Any, tokens: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path tokens, value) of a decoded JSON document, the root included."""
    yield tokens, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, tokens + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, tokens + (index,))


def location_of(tokens: tuple) -> str:
    """The loader's way of writing a path: graphs[0].nodes[3].params.units."""
    text = ""
    for token in tokens:
        if isinstance(token, int):
            text += f"[{token}]"
        else:
            text += f".{token}" if text else token
    return text


def set_at(document: Any, tokens: tuple, value: Any) -> Any:
    if not tokens:
        return value
    target = document
    for token in tokens[:-1]:
        target = target[token]
    target[tokens[-1]] = value
    return document


def names_path(location: str, path: str) -> bool:
    """True when an error reported at `location` is about the value at `path` (the path itself, the list or
    object that holds it when the fault is in one of its items, or a field inside it)."""
    if path == "":
        return location in ("top level", "")
    return (
        location == path
        or path.startswith(location + "[")
        or location.startswith(path + ".")
        or location.startswith(path + "[")
    )


BASE_PROJECT = several_graphs_project()
BASE_TEXT = dumps(BASE_PROJECT)
BASE = json.loads(BASE_TEXT)
BASE_VALUES = dict(walk(BASE))
BASE_PATHS = list(BASE_VALUES)
SMALL_TEXT = dumps(classifier_project())


def base_copy() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def text_of(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, allow_nan=False)


# ------------------------------------------------------------------------------------------ round trips
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_dumps_loads_dumps_gives_identical_text(sample: str) -> None:
    project = SAMPLES[sample]()
    text = dumps(project)
    loaded = loads(text)
    assert dumps(loaded) == text
    assert [g.role for g in loaded.graphs] == [g.role for g in project.graphs]
    assert loaded.name == project.name and loaded.description == project.description
    assert loaded.training == project.training
    assert (loaded.dataset and loaded.dataset.to_dict()) == (project.dataset and project.dataset.to_dict())
    for before, after in zip(project.graphs, loaded.graphs):
        assert graph_to_dict(after) == graph_to_dict(before)
        for node in before.nodes():
            assert after.inputs_of(node.id) == before.inputs_of(node.id)


def test_merge_inputs_keep_their_port_order_through_a_file() -> None:
    graph, ids = branching_graph()
    assert graph.inputs_of(ids["cat"]) == [ids["flat"], ids["flat_in"], ids["dense"]]
    assert graph.inputs_of(ids["add"]) == [ids["b"], ids["a"]]
    loaded = loads(dumps(Project.single(graph))).graph()
    assert loaded.inputs_of(ids["cat"]) == [ids["flat"], ids["flat_in"], ids["dense"]]
    assert loaded.inputs_of(ids["add"]) == [ids["b"], ids["a"]]
    assert loaded.inputs_of(ids["z"]) == [ids["mu"], ids["log_var"]]
    edges = graph_to_dict(loaded)["edges"]
    into_cat = [(e["from"], e["port"]) for e in edges if e["to"] == ids["cat"]]
    assert sorted(into_cat, key=lambda e: e[1]) == [(ids["flat"], 0), (ids["flat_in"], 1), (ids["dense"], 2)]


def test_explicit_ports_win_over_the_order_of_edges_in_the_file() -> None:
    document = json.loads(dumps(Project.single(branching_graph()[0])))
    edges = document["graphs"][0]["edges"]
    edges.reverse()  # the file lists the edges backwards; the ports still say which input is which
    graph, ids = branching_graph()
    loaded = loads(text_of(document)).graph()
    assert loaded.inputs_of(ids["cat"]) == graph.inputs_of(ids["cat"])
    assert loaded.inputs_of(ids["z"]) == [ids["mu"], ids["log_var"]]


def test_edges_without_ports_take_the_order_of_the_file() -> None:
    document = json.loads(SMALL_TEXT)
    graph = document["graphs"][0]
    graph["nodes"].append({"id": "second", "kind": "Input", "params": {"shape": [3]}})
    graph["nodes"].append({"id": "cat", "kind": "Concatenate"})
    graph["edges"] += [{"from": "second", "to": "cat"}, {"from": "n3", "to": "cat"}]
    loaded = loads(text_of(document)).graph()
    assert loaded.inputs_of("cat") == ["second", "n3"]
    # and a hand-written file may leave out names, params, positions and edges entirely
    minimal = {"format": FORMAT, "version": 1, "graphs": [{"nodes": [{"id": "in", "kind": "Input"}]}]}
    project = loads(json.dumps(minimal))
    node = project.graph().node("in")
    assert node.name == "input" and node.params == {"shape": [784]} and node.position == (0.0, 0.0)
    assert project.training == check_training({}) and project.dataset is None


def test_names_chosen_for_unnamed_layers_avoid_names_given_later_in_the_file() -> None:
    graph = {"nodes": [{"id": "a", "kind": "Input"}, {"id": "b", "kind": "Dense"}, {"id": "c", "kind": "Dense", "name": "dense"}],
             "edges": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}]}
    loaded = loads(json.dumps({"format": FORMAT, "version": 1, "graphs": [graph]})).graph()
    assert [loaded.node(n).name for n in "abc"] == ["input", "dense_1", "dense"]


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_save_project_then_load_project(sample: str, tmp_path: Path) -> None:
    project = SAMPLES[sample]()
    path = tmp_path / f"{sample}.json"
    save_project(project, path)
    assert path.read_text(encoding="utf-8") == dumps(project)
    assert dumps(load_project(path)) == dumps(project)
    save_project(load_project(path), path)  # overwriting an existing file
    assert path.read_text(encoding="utf-8") == dumps(project)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


# ------------------------------------------------------------------------------------------ atomic save
class Crash(Exception):
    pass


def _crash(*args: Any, **kwargs: Any) -> None:
    raise Crash("the power went off")


@pytest.mark.parametrize("where", ["os.replace", "os.fsync", "write"])
def test_a_crash_mid_save_leaves_the_old_file_intact(where: str, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "project.json"
    save_project(classifier_project(), path)
    old = path.read_bytes()
    if where == "write":
        real_fdopen = os.fdopen

        def fdopen_that_fails_while_writing(*args: Any, **kwargs: Any):
            handle = real_fdopen(*args, **kwargs)
            real_write = handle.buffer.write if hasattr(handle, "buffer") else handle.write

            def write(data) -> int:
                data = data.encode() if isinstance(data, str) else data
                real_write(data[: len(data) // 2])  # half of it reaches the disk
                raise Crash("disk full")

            handle.write = write
            return handle

        monkeypatch.setattr(os, "fdopen", fdopen_that_fails_while_writing)
    else:
        monkeypatch.setattr(os, where.split(".")[1], _crash)
    with pytest.raises(Crash):
        save_project(several_graphs_project(), path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["project.json"], "a temporary file was left behind"
    assert dumps(load_project(path)) == dumps(classifier_project())


def test_an_interrupted_first_save_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(os, "replace", lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        save_project(classifier_project(), tmp_path / "new.json")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------------------ schema
def _load_generator():
    spec = importlib.util.spec_from_file_location("make_schema", ROOT / "tools" / "make_schema.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_committed_schema_equals_the_generated_one() -> None:
    generated = _load_generator().schema_text()
    assert SCHEMA_PATH.read_text(encoding="utf-8") == generated, (
        "designer/resources/project.schema.json is out of date: run python tools/make_schema.py"
    )


def test_schema_names_every_layer_kind_and_training_setting() -> None:
    schema = load_schema()
    assert schema["$defs"]["node"]["properties"]["kind"]["enum"] == [k.key for k in catalogue.all_kinds()]
    for kind in catalogue.all_kinds():
        params = schema["$defs"][f"params.{kind.key}"]
        assert sorted(params["properties"]) == sorted(spec.name for spec in kind.params)
        for spec in kind.params:
            assert params["properties"][spec.name]["default"] == spec.default
    training = schema["$defs"]["training"]["properties"]
    assert list(training) == [spec.name for spec in TRAINING_SPECS]


def test_every_property_of_the_schema_has_a_description() -> None:
    schema = load_schema()

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        return schema["$defs"][ref.split("/")[-1]] if ref else node

    missing = []
    for tokens, value in walk(schema):
        # properties inside allOf/if/then are constraints on documented properties, not new ones
        if tokens and tokens[-1] == "properties" and "allOf" not in tokens and isinstance(value, dict):
            for name, sub in value.items():
                if not resolve(sub).get("description", "").strip():
                    missing.append(location_of(tokens + (name,)))
    assert not missing, missing


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_dumped_projects_fit_the_schema(sample: str) -> None:
    VALIDATOR.validate(canonical(SAMPLES[sample]()))


@pytest.mark.parametrize("template", TEMPLATES, ids=[t.stem for t in TEMPLATES])
def test_templates_fit_the_schema_and_load(template: Path) -> None:
    VALIDATOR.validate(json.loads(template.read_text(encoding="utf-8")))
    project = load_project(template)
    VALIDATOR.validate(canonical(project))
    assert_round_trips(project)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(format="something else"),
        lambda d: d.update(version=2),
        lambda d: d.update(extra=1),
        lambda d: d["graphs"][0]["nodes"][1].update(kind="Perceptron"),
        lambda d: d["graphs"][0]["nodes"][1]["params"].update(units=0),
        lambda d: d["graphs"][0]["nodes"][1]["params"].update(colour="red"),
        lambda d: d["graphs"][0]["nodes"][1].update(name="1st layer"),
        lambda d: d["graphs"][0]["nodes"][0]["params"].update(shape=[28, -1]),
        lambda d: d["graphs"][0]["edges"][0].update(port=-1),
        lambda d: d["graphs"].append({"role": "generator", "nodes": []}),
        lambda d: d["graphs"].append({"role": "model", "nodes": []}),
        lambda d: d["graphs"].append({"nodes": []}),
        lambda d: d.update(training={"epochs": 0}),
        lambda d: d.update(training={"metrics": ["accuracy", "f1"]}),
        lambda d: d.update(dataset={"name": "moons", "options": {"nested": {"a": 1}}}),
    ],
)
def test_schema_refuses_what_the_loader_refuses(change) -> None:
    document = json.loads(SMALL_TEXT)
    change(document)
    assert list(VALIDATOR.iter_errors(document)), "the schema accepted a broken project"
    refused(text_of(document))


def test_schema_allows_one_minus_one_in_a_reshape() -> None:
    document = json.loads(SMALL_TEXT)
    document["graphs"][0]["nodes"].append(
        {"id": "r", "kind": "Reshape", "params": {"target_shape": [3, -1]}}
    )
    document["graphs"][0]["edges"].append({"from": "n3", "to": "r"})
    VALIDATOR.validate(document)
    document["graphs"][0]["nodes"][-1]["params"]["target_shape"] = [-1, -1]
    assert list(VALIDATOR.iter_errors(document))
    refused(text_of(document))


def test_the_examples_of_the_format_guide_load_and_fit_the_schema() -> None:
    guide = (ROOT / "docs" / "project-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", guide, flags=re.S)
    projects = [block for block in blocks if '"format"' in block]
    assert len(projects) == 2
    full, minimal = (json.loads(block) for block in projects)
    for document in (full, minimal):
        VALIDATOR.validate(document)
    assert project_to_dict(loads(json.dumps(full))) == project_to_dict(classifier_project())
    loaded = loads(json.dumps(minimal)).graph()
    assert [loaded.node(n).name for n in ("x", "h", "y")] == ["input", "dense", "dense_1"]
    assert loaded.inputs_of("y") == ["h"]


# ------------------------------------------------------------------------------------------ valid projects
def _param_value(spec) -> st.SearchStrategy:
    low = spec.minimum if spec.minimum is not None else -1000
    high = spec.maximum if spec.maximum is not None else 1000
    if spec.type == "int":
        value = st.integers(int(low), int(high))
    elif spec.type == "float":
        value = st.floats(low, high, allow_nan=False)
    elif spec.type == "bool":
        value = st.booleans()
    elif spec.type == "choice":
        value = st.sampled_from(spec.choices)
    elif spec.type == "multi":
        value = st.lists(st.sampled_from(spec.choices), unique=True)
    elif spec.type == "str":
        value = st.text(max_size=200)
    elif spec.type == "pair":
        side = st.integers(int(low), int(high))
        value = st.one_of(side, st.lists(side, min_size=2, max_size=2))
    elif spec.type == "penalty":
        value = st.lists(st.floats(0, 1000, allow_nan=False), min_size=2, max_size=2)
    elif spec.type == "words":
        value = st.lists(st.text(min_size=1, max_size=20).filter(str.strip), unique=True, max_size=5)
    elif spec.type == "config":
        plain = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=5))
        value = st.dictionaries(st.text(max_size=5), st.one_of(plain, st.lists(plain, max_size=3)), max_size=3)
    else:
        sizes = st.lists(st.integers(int(low), min(int(high), 4096)), min_size=spec.min_length, max_size=spec.max_length)
        value = sizes
        if spec.allow_minus_one:
            value = st.one_of(sizes, sizes.flatmap(lambda s: st.integers(0, len(s) - 1).map(lambda i: s[:i] + [-1] + s[i + 1:])))
    return st.one_of(value, st.none()) if spec.optional else value


@st.composite
def valid_graphs(draw, role: str = "model") -> LayerGraph:
    kinds = catalogue.all_kinds()
    graph = LayerGraph(draw(st.text(max_size=100)), role)
    graph.add("Input", shape=draw(_param_value(catalogue.get("Input").param("shape"))))
    for _ in range(draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(kinds))
        params = {spec.name: draw(_param_value(spec)) for spec in kind.params if draw(st.booleans())}
        existing = [n.id for n in graph.nodes()]
        if kind.is_source:
            inputs = []
        else:
            most = len(existing) if kind.max_inputs is None else min(kind.max_inputs, len(existing))
            if most < kind.min_inputs:
                continue
            inputs = draw(st.lists(st.sampled_from(existing), min_size=kind.min_inputs, max_size=min(most, 4), unique=True))
        x, y = draw(st.floats(-9e6, 9e6)), draw(st.floats(-9e6, 9e6))
        graph.add(kind.key, *inputs, position=(x, y), **params)
    return graph


options = st.dictionaries(
    st.text(max_size=20),
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=50),
        st.lists(st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.none()), max_size=64),
    ),
    max_size=4,
)


@st.composite
def valid_projects(draw) -> Project:
    roles = draw(st.sampled_from([["model"], ["generator", "discriminator"], ["model", "generator", "discriminator"]]))
    graphs = [draw(valid_graphs(role)) for role in roles]
    training = {spec.name: draw(_param_value(spec)) for spec in TRAINING_SPECS if draw(st.booleans())}
    dataset = draw(st.one_of(st.none(), st.builds(DatasetChoice, st.text(min_size=1, max_size=1000), options)))
    return Project(graphs, name=draw(st.text(max_size=200)), description=draw(st.text(max_size=500)),
                   dataset=dataset, training=check_training(training))


@fuzz(150)
@given(valid_projects())
def test_any_valid_project_round_trips_and_fits_the_schema(project: Project) -> None:
    text = dumps(project)
    result = outcome(text)
    assert isinstance(result, Project), str(result)
    assert dumps(result) == text
    for before, after in zip(project.graphs, result.graphs):
        for node in before.nodes():
            assert after.inputs_of(node.id) == before.inputs_of(node.id)


# ------------------------------------------------------------------------------------------ broken files
@pytest.mark.parametrize("text", [SMALL_TEXT, BASE_TEXT], ids=["classifier", "several graphs"])
def test_every_truncation_of_a_valid_file_is_refused(text: str) -> None:
    whole = text.rstrip()
    for end in range(len(whole)):
        prefix = whole[:end]
        try:
            loads(prefix)
        except ProjectError as error:
            assert_plain(error)
            assert re.fullmatch(r"line \d+, column \d+", error.location), (end, error.location)
        else:
            pytest.fail(f"a file cut after {end} characters was accepted")


JSONISH = st.sampled_from(list('{}[]",:0123456789.-+eE \n\\/truefalsnul') + ["ü", "\x00", "\u2028", "\ufeff"])


@fuzz(800)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(["replace", "insert", "delete"]), st.floats(0, 1, exclude_max=True),
                  st.one_of(JSONISH, st.characters())),
        min_size=1, max_size=4,
    ),
    base=st.sampled_from([SMALL_TEXT, BASE_TEXT]),
)
def test_random_character_mutations_are_refused_or_round_trip(edits, base: str) -> None:
    text = base
    for operation, where, char in edits:
        at = int(where * len(text))
        if operation == "replace":
            text = text[:at] + char + text[at + 1:]
        elif operation == "insert":
            text = text[:at] + char + text[at:]
        else:
            text = text[:at] + text[at + 1:]
    outcome(text)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@fuzz(300)
@given(edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=4))
def test_random_byte_mutations_of_a_file_are_refused_naming_the_file(edits, scratch: Path) -> None:
    data = bytearray(SMALL_TEXT.encode("utf-8"))
    for where, byte in edits:
        data[int(where * len(data))] = byte
    path = scratch / "mutated.json"
    path.write_bytes(bytes(data))
    try:
        project = load_project(path)
    except ProjectError as error:
        assert_plain(error)
        assert error.path == str(path) and str(path) in str(error)
    else:
        assert_round_trips(project)
        VALIDATOR.validate(json.loads(bytes(data).decode("utf-8-sig")))


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.lists(st.one_of(st.integers(-3, 3), st.text(max_size=3)), max_size=3),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=2),
)


def _same_type(a: Any, b: Any) -> bool:
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return True
    return type(a) is type(b)


@fuzz(800)
@given(tokens=st.sampled_from(BASE_PATHS), value=junk)
def test_a_wrong_type_anywhere_is_refused_at_that_place(tokens: tuple, value: Any) -> None:
    original = BASE_VALUES[tokens]
    assume(not _same_type(original, value))
    result = outcome(text_of(set_at(base_copy(), tokens, value)))
    if isinstance(result, ProjectError):
        assert names_path(result.location, location_of(tokens)), (location_of(tokens), str(result))


NODE_PATHS = [
    (g, n) for g, graph in enumerate(BASE["graphs"]) for n in range(len(graph["nodes"]))
]


@fuzz(200)
@given(where=st.sampled_from(NODE_PATHS), kind=st.one_of(st.text(max_size=30), st.sampled_from(["dense", "Conv3D", "", "Input "])))
def test_unknown_layer_kinds_are_refused(where, kind: str) -> None:
    assume(not catalogue.has(kind))
    g, n = where
    document = base_copy()
    document["graphs"][g]["nodes"][n]["kind"] = kind
    error = refused(text_of(document))
    assert error.location == f"graphs[{g}].nodes[{n}].kind"
    assert error.problem.startswith(f"layer {n + 1} ") and "which Network Designer does not know" in error.problem


def test_an_unknown_kind_names_the_layer_and_the_nearest_known_kind() -> None:
    document = base_copy()
    node = document["graphs"][0]["nodes"][2]
    node.update(kind="SuperConv3000", name="conv")
    error = refused(text_of(document))
    assert error.problem.startswith('layer 3 ("conv") is of kind "SuperConv3000", which Network Designer does not know')
    assert "the text" not in error.problem and "Did you mean" not in error.problem
    node["kind"] = "dense"
    assert 'Did you mean "Dense"?' in refused(text_of(document)).problem
    node["kind"] = 7
    assert refused(text_of(document)).problem.startswith('layer 3 ("conv") has 7 as its kind')


def test_a_file_that_ends_too_soon_is_said_to_be_cut_short_where_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    lines = SMALL_TEXT.splitlines()
    for cut in (SMALL_TEXT[: SMALL_TEXT.index('"Dense"') + 4], SMALL_TEXT[: SMALL_TEXT.index('"units"') + 11],
                "\n".join(lines[:6]) + "\n"):
        path.write_text(cut, encoding="utf-8")
        with pytest.raises(ProjectError) as caught:
            load_project(path)
        error = caught.value
        assert_plain(error)
        last = cut.rstrip().splitlines()
        assert error.location == f"line {len(last)}, column {len(last[-1])}", (cut[-30:], error.location)
        assert str(error).startswith(f"{path}: at {error.location}: the file looks cut short (it ends in the middle")
        assert "may not have finished saving" in error.problem and "backup" in error.problem
        assert "Unterminated" not in str(error) and "Expecting" not in str(error)
    path.write_text("  \n", encoding="utf-8")
    with pytest.raises(ProjectError, match="the file is empty: it may not have finished saving"):
        load_project(path)
    for broken in ('{"format": ]', '{"a": 1.}', "[u"):  # wrong, not short: the reader's words stay
        assert "not valid JSON" in refused(broken).problem


NUMERIC_PARAMS = [
    (g, n, spec)
    for g, graph in enumerate(BASE["graphs"])
    for n, node in enumerate(graph["nodes"])
    for spec in catalogue.get(node["kind"]).params
    if spec.type in ("int", "float", "pair", "shape")
]


def _out_of_range(spec) -> st.SearchStrategy:
    below = [] if spec.minimum is None else [st.integers(-(10**100), int(spec.minimum) - 1) if spec.type != "float"
                                                 else st.floats(max_value=spec.minimum, exclude_max=True, allow_nan=False, allow_infinity=False)]
    above = [] if spec.maximum is None else [st.integers(int(spec.maximum) + 1, 10**100) if spec.type != "float"
                                                 else st.floats(min_value=spec.maximum, exclude_min=True, allow_nan=False, allow_infinity=False)]
    huge = [st.sampled_from([10**30, -(10**30), 10**400, 1e308, -1e308])]
    return st.one_of(*below, *above, *huge)


@fuzz(400)
@given(where=st.sampled_from(NUMERIC_PARAMS), data=st.data())
def test_out_of_range_units_sizes_and_rates_are_refused(where, data) -> None:
    g, n, spec = where
    bad = data.draw(_out_of_range(spec))
    document = base_copy()
    value: Any = bad
    if spec.type == "shape":
        size = len(document["graphs"][g]["nodes"][n]["params"][spec.name])
        value = [2] * size
        value[data.draw(st.integers(0, size - 1))] = bad
    elif spec.type == "pair" and data.draw(st.booleans()):
        value = data.draw(st.sampled_from([[bad, 2], [2, bad]]))
    assume(not (spec.allow_minus_one and bad == -1))
    document["graphs"][g]["nodes"][n]["params"][spec.name] = value
    error = refused(text_of(document))
    assert error.location == f"graphs[{g}].nodes[{n}].params.{spec.name}", str(error)


NUMBER_PATHS = [
    tokens for tokens, value in walk(BASE) if isinstance(value, (int, float)) and not isinstance(value, bool)
]


@fuzz(300)
@given(tokens=st.sampled_from(NUMBER_PATHS), constant=st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e999", "1" * 400]))
def test_nan_and_infinity_are_refused(tokens: tuple, constant: str) -> None:
    marker = "__NUMBER_UNDER_TEST__"
    text = text_of(set_at(base_copy(), tokens, marker)).replace(f'"{marker}"', constant)
    if constant.isdigit() and tokens[:2] == ("dataset", "options"):
        assert isinstance(outcome(text), Project)  # a dataset option may be any whole number
        return
    error = refused(text)
    if constant in ("NaN", "Infinity", "-Infinity"):
        # the JSON reader meets these before any place is known; the message names the culprit instead
        assert constant.lstrip("-") in error.problem
    else:
        assert names_path(error.location, location_of(tokens)), (location_of(tokens), str(error))


def _graph_edges(document, g) -> list[dict[str, Any]]:
    return document["graphs"][g]["edges"]


def _digraph(graph_data) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(n["id"] for n in graph_data["nodes"])
    graph.add_edges_from((e["from"], e["to"]) for e in graph_data["edges"])
    return graph


@fuzz(200)
@given(data=st.data())
def test_loops_are_refused_at_an_edge_of_the_loop(data) -> None:
    document = base_copy()
    g = data.draw(st.integers(0, len(document["graphs"]) - 1))
    graph_data = document["graphs"][g]
    kinds = {n["id"]: catalogue.get(n["kind"]) for n in graph_data["nodes"]}
    digraph = _digraph(graph_data)
    # a self-loop on any layer, or an edge from a later layer back into a merge layer above it
    merges = [(u, v) for v in digraph for u in nx.descendants(digraph, v) if kinds[v].max_inputs is None]
    selfs = [(v, v) for v in digraph]
    source, target = data.draw(st.sampled_from(merges + selfs))
    edges = graph_data["edges"]
    edges.insert(data.draw(st.integers(0, len(edges))), {"from": source, "to": target})
    error = refused(text_of(document))
    loop = (nx.descendants(digraph, target) | {target}) & (nx.ancestors(digraph, source) | {source})
    on_loop = {
        f"graphs[{g}].edges[{i}]" for i, e in enumerate(edges) if e["from"] in loop and e["to"] in loop
    }
    assert error.location in on_loop, (error.location, on_loop)
    assert "loop" in error.problem or "cannot feed itself" in error.problem


@fuzz(150)
@given(data=st.data())
def test_duplicate_ids_and_names_are_refused_at_the_second(data) -> None:
    document = base_copy()
    g = data.draw(st.integers(0, len(document["graphs"]) - 1))
    nodes = document["graphs"][g]["nodes"]
    i, j = data.draw(st.lists(st.integers(0, len(nodes) - 1), min_size=2, max_size=2, unique=True))
    field = data.draw(st.sampled_from(["id", "name"]))
    nodes[j][field] = nodes[i][field]
    error = refused(text_of(document))
    assert error.location == f"graphs[{g}].nodes[{max(i, j)}].{field}"
    assert ("used twice" if field == "id" else "already named") in error.problem


@fuzz(150)
@given(data=st.data(), missing=st.one_of(st.text(max_size=10), st.sampled_from(["n999", "N1", " n1"])))
def test_edges_to_missing_layers_are_refused(data, missing: str) -> None:
    document = base_copy()
    g = data.draw(st.integers(0, len(document["graphs"]) - 1))
    ids = {n["id"] for n in document["graphs"][g]["nodes"]}
    assume(missing not in ids)
    edges = _graph_edges(document, g)
    k = data.draw(st.integers(0, len(edges) - 1))
    end = data.draw(st.sampled_from(["from", "to"]))
    edges[k][end] = missing
    error = refused(text_of(document))
    assert error.location == f"graphs[{g}].edges[{k}].{end}"
    assert "no layer with id" in error.problem


@fuzz(200)
@given(data=st.data())
def test_too_many_inputs_and_inputs_into_an_input_are_refused(data) -> None:
    document = base_copy()
    g = data.draw(st.integers(0, len(document["graphs"]) - 1))
    graph_data = document["graphs"][g]
    kinds = {n["id"]: catalogue.get(n["kind"]) for n in graph_data["nodes"]}
    digraph = _digraph(graph_data)
    full = [
        (u, v)
        for v in digraph
        if kinds[v].max_inputs is not None and digraph.in_degree(v) >= kinds[v].max_inputs
        for u in digraph
        if u != v and not digraph.has_edge(u, v) and u not in nx.descendants(digraph, v)
    ]
    source, target = data.draw(st.sampled_from(full))
    edges = graph_data["edges"]
    edges.append({"from": source, "to": target, "port": data.draw(st.sampled_from([None, 0, 1, 5]))})
    error = refused(text_of(document))
    # which of the edges into the full layer gets the blame depends on the ports; it is one of them
    into_target = {f"graphs[{g}].edges[{i}]" for i, e in enumerate(edges) if e["to"] == target}
    assert error.location in into_target, str(error)
    if kinds[target].max_inputs == 1:
        assert error.location == f"graphs[{g}].edges[{len(edges) - 1}]", str(error)
    expected = "nothing can flow into it" if kinds[target].is_source else "takes one input"
    if kinds[target].max_inputs == 2:
        expected = "takes 2 inputs"
    assert expected in error.problem, error.problem


@fuzz(150)
@given(
    field=st.sampled_from(["format", "version"]),
    value=st.one_of(junk, st.sampled_from(["missing", 0, -1, 2, 10**20, "1", 1.0, 1.5, True, "network-designer", FORMAT.upper()])),
)
def test_wrong_or_absent_format_and_version_are_refused(field: str, value: Any) -> None:
    document = json.loads(SMALL_TEXT)
    if value == "missing":
        del document[field]
    else:
        assume(document[field] != value or type(document[field]) is not type(value))
        document[field] = value
    error = refused(text_of(document))
    assert error.location == ("top level" if value == "missing" else field), str(error)
    if field == "version" and type(value) is int and value == 2:  # 2.0 is refused as not a whole number
        assert "newer" in error.problem


@fuzz(60)
@given(tokens=st.sampled_from(BASE_PATHS), depth=st.sampled_from([20, 200, 900, 5000, 100_000]), bracket=st.sampled_from(["[]", "{}"]))
def test_deeply_nested_junk_is_refused(tokens: tuple, depth: int, bracket: str) -> None:
    if bracket == "[]":
        nested = "[" * depth + "]" * depth
    else:
        nested = '{"a":' * depth + "{}" + "}" * depth
    marker = "__NESTED__"
    text = text_of(set_at(base_copy(), tokens, marker)).replace(f'"{marker}"', nested)
    error = refused(text)
    assert error.location == "" or names_path(error.location, location_of(tokens)), (location_of(tokens), str(error))


def _huge(document: dict[str, Any], what: str) -> tuple[str, str]:
    """Make one list or text of `document` too long; return the expected location and a word of the message."""
    graph = document["graphs"][0]
    if what == "graphs":
        document["graphs"] = [copy.deepcopy(graph) for _ in range(MAX_GRAPHS + 1)]
        return "graphs", f"at most {MAX_GRAPHS} graphs"
    if what == "nodes":
        graph["nodes"] = [{"id": f"x{i}", "kind": "Flatten"} for i in range(MAX_NODES + 1)]
        return "graphs[0].nodes", f"at most {MAX_NODES:,} layers"
    if what == "edges":
        graph["edges"] += [{"from": "n1", "to": "n2", "colour": "red"}] * 100_000
        return f"graphs[0].edges[{len(graph['edges']) - 100_000}].colour", "unknown field"
    if what == "description":
        document["description"] = "x" * (MAX_TEXT + 1)
        return "description", "at most"
    if what == "shape":
        graph["nodes"][0]["params"]["shape"] = [1] * 100_000
        return "graphs[0].nodes[0].params.shape", "must have 1 to 4 sizes"
    if what == "units":
        graph["nodes"][1]["params"]["units"] = list(range(100_000))
        return "graphs[0].nodes[1].params.units", "must be a whole number, not [0, 1, 2"
    if what == "options":
        document["dataset"] = {"name": "moons", "options": {"columns": list(range(65))}}
        return "dataset.options.columns", "short list"
    raise AssertionError(what)


@pytest.mark.parametrize("what", ["graphs", "nodes", "edges", "description", "shape", "units", "options"])
def test_huge_lists_and_texts_are_refused(what: str) -> None:
    document = json.loads(SMALL_TEXT)
    location, words = _huge(document, what)
    error = refused(text_of(document))
    assert error.location == location and words in error.problem, str(error)


def test_a_huge_list_of_valid_values_is_accepted_and_shrinks() -> None:
    document = json.loads(SMALL_TEXT)
    document["training"]["metrics"] = ["mae", "accuracy"] * 50_000
    project = outcome(text_of(document))
    assert isinstance(project, Project) and project.training["metrics"] == ["mae", "accuracy"]


@pytest.mark.parametrize(
    "text, location",
    [
        ("", "line 1, column 1"),
        ("null", "top level"),
        ("[]", "top level"),
        ('"project"', "top level"),
        ("{}", "top level"),
        ('{"format": "network-designer-project", "version": 1, "graphs": []}', "graphs"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{}]}', "graphs[0]"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": [], "role": "critic"}]}', "graphs[0].role"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": [], "role": "generator"}]}', "graphs"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": []}, {"nodes": []}]}', "graphs[1].role"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": []}], "training": {"epochs": 0}}', "training.epochs"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": []}], "training": {"speed": 1}}', "training.speed"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": []}], "dataset": {"name": ""}}', "dataset.name"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": []}], "dataset": {"name": "a", "options": {"k": {"x": 1}}}}', "dataset.options.k"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": [{"id": "a", "kind": "Input", "position": [1e7, 0]}]}]}', "graphs[0].nodes[0].position"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": [{"id": "a", "kind": "Input", "name": "in\\n"}]}]}', "graphs[0].nodes[0].name"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": []}], "description": "\\ud800"}', "description"),
        ('{"format": "network-designer-project", "version": 1, "graphs": [{"nodes": [{"id": "\\udfff", "kind": "Input"}]}]}', "graphs[0].nodes[0].id"),
    ],
)
def test_specific_faults_are_reported_where_they_are(text: str, location: str) -> None:
    error = refused(text)
    assert error.location == location, str(error)


def test_large_numbers_do_not_crash_the_checks() -> None:
    document = json.loads(SMALL_TEXT)
    for tokens, value in [
        (("graphs", 0, "nodes", 0, "position"), [10**400, 0]),
        (("training", "learning_rate"), 10**400),
        (("graphs", 0, "nodes", 1, "params", "units"), 10**4000),
        (("graphs", 0, "nodes", 1, "params", "units"), -(10**20)),
    ]:
        error = refused(text_of(set_at(copy.deepcopy(document), tokens, value)))
        assert error.location == location_of(tokens)
        assert len(str(error)) < 300, "the message repeats a 400-digit number"
    # Python itself refuses to read numbers of more than 4,300 digits; that too is a plain refusal
    error = refused(SMALL_TEXT.replace('"units": 3', '"units": 1' + "0" * 5000))
    assert "thousands of digits" in error.problem and "sys." not in error.problem


# ------------------------------------------------------------------------------------------ load_project
def test_load_project_refuses_what_is_not_a_project_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    folder = tmp_path / "folder.json"
    folder.mkdir()
    binary = tmp_path / "binary.json"
    binary.write_bytes(b'{"format": "\xff\xfe network"}')
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # a sparse file: big on paper, no time to write
    cases = {missing: "no such file", folder: "folder", binary: "not UTF-8", huge: "at most"}
    for path, words in cases.items():
        with pytest.raises(ProjectError) as caught:
            load_project(path)
        error = caught.value
        assert_plain(error)
        assert error.path == str(path) and str(path) in str(error)
        assert words in error.problem, str(error)
    with pytest.raises(ProjectError) as caught:
        load_project(binary)
    assert caught.value.location == "byte 12"


def test_load_project_reads_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes("\ufeff".encode() + SMALL_TEXT.encode())
    assert dumps(load_project(path)) == SMALL_TEXT


def test_a_field_name_with_a_newline_is_reported_on_one_line() -> None:
    text = json.dumps({"format": "network-designer-project", "version": 1, "graphs": [], "\nname": 1})
    with pytest.raises(ProjectError) as error:
        loads(text)
    assert "\n" not in str(error.value) and r"\nname" in str(error.value)


def test_the_template_files_are_what_the_templates_generator_makes() -> None:
    """tools/make_templates.py defines each template once (the reference-model test reads the same keys from the
    files), so the committed files must be exactly what it writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_templates", ROOT / "tools" / "make_templates.py")
    make_templates = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_templates)
    assert sorted(make_templates.TEMPLATES) == sorted(t.key for t in list_templates())
    assert make_templates.main(["--check"]) == 0, "run: python tools/make_templates.py"
