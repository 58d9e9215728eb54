"""Project files: one JSON document holding the graph(s), the dataset choice and the training settings.

The format is documented by ``designer/resources/project.schema.json`` (JSON Schema) so people can write and diff
projects by hand. Loading never executes anything and trusts no type: every value is checked, and the first
problem is reported as a `ProjectError` naming where it is ("graphs[0].nodes[3].params.units") in plain words.
Saving is atomic: the new text goes to a temporary file in the same folder, which then replaces the old one,
so a crash mid-save leaves the previous file intact.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
from pathlib import Path
from typing import Any

from designer.core import catalogue
from designer.core.catalogue import ParameterError
from designer.core.graph import GROUP_PATTERN, GraphError, LayerGraph, LayerNode
from designer.core import run_files, trained_files
from designer.core.atomic import write_text_atomic  # noqa: F401  (also used by the recovery files)
from designer.core.project import TRAINING_SPECS, DatasetChoice, Project, default_training

FORMAT = "network-designer-project"
VERSION = 1
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_GRAPHS = 4
MAX_NODES = 10_000
MAX_TEXT = 10_000
MAX_ANSWERS = 1_000
ROLES = ("model", "generator", "discriminator")


class ProjectError(ValueError):
    """A project file that cannot be loaded; says where the problem is and what it is."""

    def __init__(self, location: str, problem: str, path: str | os.PathLike | None = None) -> None:
        self.location = location
        self.problem = problem
        self.path = str(path) if path is not None else None
        where = f"{self.path}: " if self.path else ""
        at = f"at {location}: " if location else ""
        super().__init__(f"{where}{at}{problem}")


def project_to_dict(project: Project, path: str | os.PathLike | None = None) -> dict[str, Any]:
    """The project as the JSON document a file holds; with the file's `path`, the trained weights are named too
    (they live beside it: designer.core.trained_files)."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "name": project.name,
        "description": project.description,
        "graphs": [graph_to_dict(g) for g in project.graphs],
        "dataset": project.dataset.to_dict() if project.dataset else None,
        "training": dict(project.training),
    }
    graphs = {g.role: g for g in project.graphs}
    if path is not None and project.trained:
        document["trained"] = trained_files.trained_to_dict(Path(path), project.trained, graphs)
    if project.answers:
        document["answers"] = dict(sorted(project.answers.items()))
    if project.runs:
        document["runs"] = run_files.runs_to_list(Path(path) if path is not None else None, project.runs, graphs)
    return document


def project_from_dict(data: Any, path: str | os.PathLike | None = None) -> Project:
    """A project read from untrusted decoded JSON; ProjectError at the first fault, with its location. With the
    file's `path`, the trained weights it names are read from beside it; a problem with them is a note in
    `project.load_notes`, never a refusal."""
    project = _Reader().project(data)
    graphs = {g.role: g for g in project.graphs}
    folder = Path(path) if path is not None else None
    if isinstance(data, dict) and data.get("trained") is not None:
        project.trained, project.load_notes = trained_files.read_trained(data["trained"], folder, graphs)
    if isinstance(data, dict) and data.get("runs") is not None:
        project.runs, notes = run_files.read_runs(data["runs"], folder, graphs)
        project.load_notes += notes
    return project


def graph_to_dict(graph: LayerGraph) -> dict[str, Any]:
    order = graph.topological_order() if graph.find_cycle() is None else [n.id for n in graph.nodes()]
    return {
        "name": graph.name,
        "role": graph.role,
        "nodes": [
            {
                "id": node.id,
                "kind": node.kind,
                "name": node.name,
                "params": node.params,
                # float(): a position given as whole numbers must not read back as 0.0 and change the text
                "position": [round(float(node.position[0]), 2), round(float(node.position[1]), 2)],
                **({"group": node.group} if node.group else {}),
            }
            for node in (graph.node(n) for n in order)
        ],
        "edges": [
            {"from": e.source, "to": e.target, "port": e.port}
            for e in sorted(graph.edges(), key=lambda e: (order.index(e.target), e.port))
        ],
    }


def graph_from_dict(data: Any, where: str = "graph") -> LayerGraph:
    """A graph read from untrusted data (a file, the clipboard), checked like a project's; ProjectError if bad."""
    return _Reader().graph(data, where)


# ---------------------------------------------------------------------------- reading, with locations
class _Reader:
    """Checks every value of a decoded JSON document and builds a Project; ProjectError at the first fault."""

    def project(self, data: Any) -> Project:
        self._object(data, "", required=("format", "version", "graphs"),
                     allowed=("format", "version", "name", "description", "graphs", "dataset", "training", "trained",
                              "runs", "answers"))
        if data["format"] != FORMAT:
            raise ProjectError("format", f"this is not a Network Designer project (format is {_short(data['format'])}, expected {FORMAT!r})")
        version = data["version"]
        if not isinstance(version, int) or isinstance(version, bool):
            raise ProjectError("version", f"must be a whole number, not {_short(version)}")
        if version > VERSION:
            raise ProjectError("version", f"this file was made by a newer Network Designer (format version {version}); "
                                          f"this one reads version {VERSION}. Update the app to open it.")
        if version < 1:
            raise ProjectError("version", f"unknown format version {version}")
        name = self._text(data.get("name", "Untitled"), "name")
        description = self._text(data.get("description", ""), "description")
        graphs_data = data["graphs"]
        if not isinstance(graphs_data, list) or not graphs_data:
            raise ProjectError("graphs", "must be a non-empty list of graphs")
        if len(graphs_data) > MAX_GRAPHS:
            raise ProjectError("graphs", f"a project holds at most {MAX_GRAPHS} graphs, this one has {len(graphs_data)}")
        graphs = [self.graph(g, f"graphs[{i}]") for i, g in enumerate(graphs_data)]
        roles = [g.role for g in graphs]
        for i, role in enumerate(roles):
            if roles.index(role) != i:
                raise ProjectError(f"graphs[{i}].role", f"two graphs have the role {role!r}; each role appears once")
        if ("generator" in roles) != ("discriminator" in roles):
            raise ProjectError("graphs", "a GAN needs both a generator graph and a discriminator graph")
        dataset = self.dataset(data.get("dataset"), "dataset")
        training_data = data.get("training", {})
        if not isinstance(training_data, dict):
            raise ProjectError("training", f"must be an object of settings, not {_short(training_data)}")
        training = default_training()
        known = {spec.name: spec for spec in TRAINING_SPECS}
        for key, value in training_data.items():
            if key not in known:
                raise ProjectError(f"training.{_key(key)}", f"unknown training setting; known: {', '.join(known)}")
            try:
                training[key] = known[key].coerce(value)
            except ParameterError as error:
                raise ProjectError(f"training.{key}", str(error)) from None
        return Project(graphs, name=name, description=description, dataset=dataset, training=training,
                       answers=self.answers(data.get("answers", {}), "answers"))

    def answers(self, data: Any, where: str) -> dict[str, str]:
        if not isinstance(data, dict):
            raise ProjectError(where, f"must be an object of question id -> answer, not {_short(data)}")
        if len(data) > MAX_ANSWERS:
            raise ProjectError(where, f"a project holds at most {MAX_ANSWERS} answers, this one has {len(data)}")
        answers = {}
        for key, value in data.items():
            answers[self._text(key, where, limit=100)] = self._text(value, f"{where}.{_key(key)}", limit=200)
        return answers

    def graph(self, data: Any, where: str) -> LayerGraph:
        self._object(data, where, required=("nodes",), allowed=("name", "role", "nodes", "edges"))
        role = data.get("role", "model")
        if role not in ROLES:
            raise ProjectError(f"{where}.role", f"must be one of {', '.join(ROLES)}, not {_short(role)}")
        graph = LayerGraph(self._text(data.get("name", role), f"{where}.name", limit=100), role)
        nodes = data["nodes"]
        if not isinstance(nodes, list):
            raise ProjectError(f"{where}.nodes", f"must be a list of layers, not {_short(nodes)}")
        if len(nodes) > MAX_NODES:
            raise ProjectError(f"{where}.nodes", f"at most {MAX_NODES:,} layers per graph, this one has {len(nodes):,}")
        # a name chosen for an unnamed layer must not take one that a later layer gives explicitly
        self._named = {n["name"] for n in nodes if isinstance(n, dict) and isinstance(n.get("name"), str)}
        for i, node_data in enumerate(nodes):
            graph.insert_node(self.node(node_data, f"{where}.nodes[{i}]", graph, number=i + 1))
        edges = data.get("edges", [])
        if not isinstance(edges, list):
            raise ProjectError(f"{where}.edges", f"must be a list of connections, not {_short(edges)}")
        parsed = [self.edge(e, f"{where}.edges[{i}]", graph) for i, e in enumerate(edges)]
        # insert in port order so that explicit ports land where the file says
        for source, target, port, at in sorted(parsed, key=lambda p: (p[1], p[2] if p[2] is not None else math.inf)):
            reason = graph.can_connect(source, target, check_loop=False)
            if reason:
                raise ProjectError(at, reason)
            graph.insert_edge(source, target, port)
        # one search for a loop over the whole graph, instead of one per edge (quadratic in big files)
        cycle = graph.find_cycle()
        if cycle:
            pairs = set(zip(cycle, cycle[1:] + cycle[:1]))
            at = next(at for source, target, _, at in parsed if (source, target) in pairs)
            names = " → ".join(graph.node(n).name for n in cycle + cycle[:1])
            raise ProjectError(at, f"these connections make a loop ({names}): data would flow back into itself")
        return graph

    def node(self, data: Any, where: str, graph: LayerGraph, number: int = 0) -> LayerNode:
        """The layer at `where`, the `number`th of its graph (counted from 1, as the message says it)."""
        self._object(data, where, required=("id", "kind"), allowed=("id", "kind", "name", "params", "position", "group"))
        node_id = data["id"]
        if not isinstance(node_id, str) or not 0 < len(node_id) <= 64:
            raise ProjectError(f"{where}.id", f"must be a short text, not {_short(node_id)}")
        if node_id in graph:
            raise ProjectError(f"{where}.id", f"the id {node_id!r} is used twice in this graph")
        kind_key = data["kind"]
        if not isinstance(kind_key, str) or not catalogue.has(kind_key):
            raise ProjectError(f"{where}.kind", _unknown_kind(number, data.get("name"), kind_key))
        kind = catalogue.get(kind_key)
        name = data.get("name")
        if name is None:
            name = graph.unique_name(kind.name_prefix or kind_key.lower(), getattr(self, "_named", ()))
        try:
            graph.check_name(name)
        except GraphError as error:
            raise ProjectError(f"{where}.name", str(error)) from None
        params = data.get("params", {})
        if not isinstance(params, dict):
            raise ProjectError(f"{where}.params", f"must be an object of parameters, not {_short(params)}")
        for key, value in params.items():
            try:
                if key not in {s.name for s in kind.params}:
                    kind.check_params({key: value})  # raises the "has no parameter" message
                kind.param(key).coerce(value)
            except ParameterError as error:
                raise ProjectError(f"{where}.params.{_key(key)}", f"{name} ({kind_key}): {error}") from None
        position = data.get("position", [0, 0])
        if (
            not isinstance(position, list)
            or len(position) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e7 for v in position)
        ):
            raise ProjectError(f"{where}.position", f"must be two numbers [x, y], not {_short(position)}")
        group = data.get("group", "")
        if not isinstance(group, str) or (group and not GROUP_PATTERN.fullmatch(group)):
            raise ProjectError(f"{where}.group", "must be the name of the model the layer came from (letters, digits, "
                                                 f"_ . - / and spaces, at most 128 characters), not {_short(group)}")
        return LayerNode(node_id, kind_key, name, kind.check_params(params), (float(position[0]), float(position[1])),
                         group)

    def edge(self, data: Any, where: str, graph: LayerGraph) -> tuple[str, str, int | None, str]:
        self._object(data, where, required=("from", "to"), allowed=("from", "to", "port"))
        for end in ("from", "to"):
            value = data[end]
            if not isinstance(value, str) or value not in graph:
                raise ProjectError(f"{where}.{end}", f"there is no layer with id {_short(value)} in this graph")
        port = data.get("port")
        if port is not None and (not isinstance(port, int) or isinstance(port, bool) or not 0 <= port < 1000):
            raise ProjectError(f"{where}.port", f"must be a whole number from 0, not {_short(port)}")
        return data["from"], data["to"], port, where

    def dataset(self, data: Any, where: str) -> DatasetChoice | None:
        if data is None:
            return None
        self._object(data, where, required=("name",), allowed=("name", "options"))
        name = data["name"]
        if not isinstance(name, str) or not 0 < len(name) <= 1000:
            raise ProjectError(f"{where}.name", f"must be a dataset name or a file path, not {_short(name)}")
        options = data.get("options", {})
        if not isinstance(options, dict):
            raise ProjectError(f"{where}.options", f"must be an object, not {_short(options)}")
        for key, value in options.items():
            if not _plain_json(value):
                raise ProjectError(f"{where}.options.{_key(key)}", "must be a number, text, true/false or a short list of those")
        return DatasetChoice(name, dict(options))

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _object(data: Any, where: str, required: tuple[str, ...], allowed: tuple[str, ...]) -> None:
        if not isinstance(data, dict):
            raise ProjectError(where or "top level", f"expected an object {{...}}, found {_short(data)}")
        for key in required:
            if key not in data:
                raise ProjectError(where or "top level", f"the required field {key!r} is missing")
        for key in data:
            if key not in allowed:
                raise ProjectError(f"{where + '.' if where else ''}{_key(key)}", f"unknown field; allowed here: {', '.join(allowed)}")

    @staticmethod
    def _text(value: Any, where: str, limit: int = MAX_TEXT) -> str:
        if not isinstance(value, str) or len(value) > limit:
            raise ProjectError(where, f"must be a text of at most {limit:,} characters, not {_short(value)}")
        return value


def _plain_json(value: Any, depth: int = 0) -> bool:
    if value is None or isinstance(value, (bool, str)):
        return not isinstance(value, str) or len(value) <= 4096
    if isinstance(value, (int, float)):
        return isinstance(value, int) or math.isfinite(value)
    if isinstance(value, list) and depth == 0:
        return len(value) <= 64 and all(_plain_json(v, 1) for v in value)
    return False


def _short(value: Any) -> str:
    text = json.dumps(value) if _jsonable(value) else repr(value)
    kind = {dict: "an object", list: "a list", str: "the text", bool: "", type(None): ""}.get(type(value), "")
    text = text if len(text) <= 40 else text[:37] + "..."
    return f"{kind} {text}".strip()


def _unknown_kind(number: int, name: Any, kind: Any) -> str:
    """Why a layer's kind is refused, naming the layer as a person finds it in the file, with the nearest known
    kind when there is one (a typo, a lowercase "dense")."""
    layer = f"layer {number}" if number else "the layer"
    if isinstance(name, str) and name.isprintable() and 0 < len(name) <= 64:
        layer += f" ({json.dumps(name, ensure_ascii=False)})"
    if not isinstance(kind, str):
        return (f"{layer} has {_short(kind)} as its kind, which is not the name of a layer kind: write one such as "
                '"Dense".')
    keys = {k.key.lower(): k.key for k in catalogue.all_kinds()}
    near = difflib.get_close_matches(kind.lower(), list(keys), n=1, cutoff=0.6)
    meant = f' Did you mean "{keys[near[0]]}"?' if near else ""
    return (f"{layer} is of kind {_short(kind).removeprefix('the text ')}, which Network Designer does not know "
            f"(was the file made by a newer version, or edited by hand?).{meant} Write a kind from the palette "
            "(Input, Dense, Conv2D, LSTM, ...; the project schema lists them all), or delete the layer.")


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError, RecursionError):
        return False


def _key(key: str) -> str:
    """A field name as a location shows it: short, and on one line even if the file's key holds a newline."""
    if not key.isprintable():
        key = key.encode("unicode_escape").decode("ascii")
    return key if len(key) <= 40 else key[:37] + "..."


# ---------------------------------------------------------------------------- files
class _RefusedConstant(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _RefusedConstant(f"{name} is not allowed in a project file")


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate_at(text: str, data: Any) -> str | None:
    """Where the first text holding half of a UTF-16 surrogate pair ("\\ud800") is, or None.

    JSON can spell such a text but no UTF-8 file can store it, so a project holding one would open and then
    fail to save. The walk runs only when the raw text hints at one, so ordinary files cost nothing.
    """
    try:
        text.encode("utf-8")
        if _SURROGATE_ESCAPE.search(text) is None:
            return None
    except UnicodeEncodeError:
        pass
    stack = [(data, "")]
    while stack:
        value, where = stack.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return where or "top level"
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                at = f"{where}.{_key(key)}" if where else _key(key)
                stack += [(item, at), (key, at)]
        elif isinstance(value, list):
            stack += [(item, f"{where}[{i}]") for i, item in reversed(list(enumerate(value)))]
    return None


#: what is left after the place where the JSON reader stops, when a file ends in the middle of a number or of a
#: true, false or null ("1.", "-", "1e", "tru")
_CUT_TOKEN = re.compile(r"[-+.eE0-9]*|t(r(ue?)?)?|f(a(l(se?)?)?)?|n(u(ll?)?)?")
_CUT_ESCAPE = re.compile(r"u[0-9a-fA-F]{0,3}")
#: what to do about a file that ends too soon (saving is atomic, so a half file was cut by a copy, a download or
#: an editor; the recovery copy is offered when the window starts without a file)
_CUT_SHORT_ADVICE = ("it may not have finished saving or copying. Open a backup copy of it if you have one; if "
                     "Network Designer stopped while this project was open, start it without a file to be offered "
                     "the work it kept.")


def _cut_short(text: str, error: json.JSONDecodeError) -> bool:
    """Whether the JSON reader failed only because the text ran out: the rest would make it whole."""
    end = len(text.rstrip())
    if error.msg.startswith("Unterminated string"):  # a string runs to the end (a raw newline is another error)
        return True
    tail = text[error.pos:end]
    if error.msg.startswith("Invalid \\uXXXX escape"):
        return _CUT_ESCAPE.fullmatch(tail) is not None
    return _CUT_TOKEN.fullmatch(tail) is not None


def _where_it_ends(text: str) -> tuple[str, str]:
    """The location and problem of a file that ends too soon: its last character's line and column."""
    end = len(text.rstrip())
    if not end:
        return "line 1, column 1", f"the file is empty: {_CUT_SHORT_ADVICE}"
    line, line_start = text.count("\n", 0, end) + 1, text.rfind("\n", 0, end) + 1
    return (f"line {line}, column {end - line_start}",
            f"the file looks cut short (it ends in the middle of the project): {_CUT_SHORT_ADVICE}")


def loads(text: str, path: str | os.PathLike | None = None) -> Project:
    """A Project from JSON text; ProjectError (with the location) if anything is wrong."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        if _cut_short(text, error):
            raise ProjectError(*_where_it_ends(text), path) from None
        raise ProjectError(f"line {error.lineno}, column {error.colno}", f"the file is not valid JSON ({error.msg})", path) from None
    except _RefusedConstant as error:
        raise ProjectError("", f"the file is not a valid project: {error}", path) from None
    except RecursionError:
        raise ProjectError("", "the file is nested too deeply to be a project", path) from None
    except ValueError:  # Python refuses to read integers of thousands of digits
        raise ProjectError("", "the file holds a number with thousands of digits; no setting needs one", path) from None
    try:
        surrogate = _lone_surrogate_at(text, data)
        if surrogate is not None:
            raise ProjectError(surrogate, "this text holds a broken character escape (a lone \\ud800-style surrogate): remove it")
        return project_from_dict(data, path)
    except ProjectError as error:
        raise ProjectError(error.location, error.problem, path) from None
    except RecursionError:
        raise ProjectError("", "the file is nested too deeply to be a project", path) from None


def load_project(path: str | os.PathLike) -> Project:
    """Read a project file. Never executes anything; ProjectError names the file and the place of a fault."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ProjectError("", f"the file is {size / 1e6:.0f} MB; a project file is at most {MAX_FILE_BYTES / 1e6:.0f} MB", path)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProjectError("", "no such file", path) from None
    except IsADirectoryError:
        raise ProjectError("", "this is a folder, not a project file", path) from None
    except OSError as error:
        raise ProjectError("", f"cannot read the file ({error.strerror})", path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ProjectError(f"byte {error.start}", "the file is not UTF-8 text (is it really a project file?)", path) from None
    return loads(text, path)


def dumps(project: Project, path: str | os.PathLike | None = None) -> str:
    """The project file's text; with `path`, naming the trained weights files beside it (see `save_project`)."""
    return _pretty(project_to_dict(project, path)) + "\n"


_LINE = 100


def _pretty(value: Any, indent: int = 0) -> str:
    """JSON indented for people: small flat objects and lists ({"units": 3}, [28, 28]) stay on one line,
    so a project reads and diffs layer by layer."""
    compact = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, (dict, list)):
        return compact
    children = value.values() if isinstance(value, dict) else value
    # one line if nothing inside is an object or a list of containers: {"shape": [28, 28]} stays whole
    flat = not any(
        isinstance(v, dict) or (isinstance(v, list) and any(isinstance(i, (dict, list)) for i in v))
        for v in children
    )
    if flat and indent + len(compact) <= _LINE:
        return compact
    inner = " " * (indent + 2)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {_pretty(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * indent + "}"
    items = [inner + _pretty(v, indent + 2) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + " " * indent + "]"


def save_project(project: Project, path: str | os.PathLike) -> None:
    """Write the project and its trained weights so that a crash at any moment leaves a project file whose
    weights are all there: the weights files first (new names, never over old ones), then the project file
    atomically (see `write_text_atomic`), then the weights files the previous project file named, or an
    interrupted save left, go."""
    path = Path(path)
    before = trained_files.files_named_by(path)
    now = trained_files.write_weights_files(path, {**project.trained, **run_files.kept_weights(project.runs)})
    write_text_atomic(path, dumps(project, path))
    trained_files.remove_weights_files(path.parent, (before - now) | trained_files.stray_weights_files(path, now))
