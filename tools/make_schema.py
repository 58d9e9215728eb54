"""Generate ``designer/resources/project.schema.json``, the JSON Schema of project files, from the code that reads them.

The schema is derived from ``designer.core.project_files`` (format name, version, limits, roles),
``designer.core.run_files`` (the run records), ``designer.core.project`` (`TRAINING_SPECS`) and the layer catalogue (one ``if``/``then`` per layer kind that lists exactly the parameters that kind takes,
with their types, ranges, choices and help), so it cannot drift from the loader: a test compares the committed
file with what this script makes, and fails when a new layer kind or setting was added without regenerating it.

Run ``python tools/make_schema.py`` to rewrite the file, or ``python tools/make_schema.py --check`` to only
compare (exit status 1 when it is out of date).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from designer.core import catalogue, project, project_files, run_files
from designer.core.catalogue import WORD_MAX_TEXT, WORDS_MAX_ITEMS, ParamSpec

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "designer" / "resources" / "project.schema.json"

#: the loader refuses positions at or beyond this distance from the origin
POSITION_LIMIT = 1e7
MAX_PORT = 999
MAX_DATASET_NAME = 1000
MAX_OPTION_TEXT = 4096
MAX_OPTION_LIST = 64
MAX_ID = 64
MAX_GRAPH_NAME = 100
MAX_STR_PARAM = 200


def _ranged(schema: dict[str, Any], spec: ParamSpec) -> dict[str, Any]:
    if spec.minimum is not None:
        schema["minimum"] = spec.minimum
    if spec.maximum is not None:
        schema["maximum"] = spec.maximum
    return schema


def _value_schema(spec: ParamSpec) -> dict[str, Any]:
    """What one value of `spec` may be, mirroring `ParamSpec.coerce`."""
    if spec.type == "int":
        return _ranged({"type": "integer"}, spec)
    if spec.type == "float":
        return _ranged({"type": "number"}, spec)
    if spec.type == "bool":
        return {"type": "boolean"}
    if spec.type == "choice":
        return {"enum": list(spec.choices)}
    if spec.type == "multi":
        return {"type": "array", "items": {"enum": list(spec.choices)}}
    if spec.type == "str":
        return {"type": "string", "maxLength": MAX_STR_PARAM}
    if spec.type == "words":  # mirrors ParamSpec._words
        word = {"type": "string", "maxLength": WORD_MAX_TEXT, "pattern": "\\S"}
        return {"type": "array", "items": word, "maxItems": WORDS_MAX_ITEMS, "uniqueItems": True}
    if spec.type == "config":  # any JSON object of plain values (catalogue.plain_config)
        return {"type": "object"}
    if spec.type == "penalty":  # mirrors ParamSpec._penalty
        factor = {"type": "number", "minimum": 0, "maximum": 1000}
        return {"type": "array", "items": factor, "minItems": 2, "maxItems": 2}
    if spec.type == "pair":
        whole = _ranged({"type": "integer"}, spec)
        return {"anyOf": [whole, {"type": "array", "items": dict(whole), "minItems": 2, "maxItems": 2}]}
    # shape: a list of sizes, optionally with one -1 meaning "whatever is left"
    size = _ranged({"type": "integer"}, spec)
    schema: dict[str, Any] = {"type": "array", "minItems": spec.min_length, "maxItems": spec.max_length}
    if spec.allow_minus_one:
        schema["items"] = {"anyOf": [{"const": -1}, size]}
        schema.update({"contains": {"const": -1}, "minContains": 0, "maxContains": 1})
    else:
        schema["items"] = size
    return schema


_TYPE_WORDS = {
    "int": "A whole number",
    "float": "A number",
    "bool": "true or false",
    "choice": "One of the listed texts",
    "multi": "A list of the listed texts",
    "str": f"A text of at most {MAX_STR_PARAM} characters",
    "pair": "One whole number, or a list of two [height, width]",
    "penalty": "A list of two numbers from 0 to 1000, [l1, l2]; [0, 0] for none",
    "words": "A list of distinct words (texts), in order",
    "config": "A JSON object of plain values (texts, numbers, true/false, null, lists and objects of those)",
}


def _range_words(spec: ParamSpec) -> str:
    low, high = spec.minimum, spec.maximum
    show = (lambda n: f"{n:g}") if isinstance(low, float) or isinstance(high, float) else str
    if low is not None and high is not None:
        return f"from {show(low)} to {show(high)}"
    if low is not None:
        return f"at least {show(low)}"
    if high is not None:
        return f"at most {show(high)}"
    return ""


def _type_words(spec: ParamSpec) -> str:
    ranged = _range_words(spec)
    words = _TYPE_WORDS.get(spec.type, "")
    if spec.type == "shape":
        words = f"A list of {spec.min_length} to {spec.max_length} sizes"
        words += f", each {ranged}" if ranged else ""
        if spec.allow_minus_one:
            words += "; -1 may stand once for \"whatever is left\""
    elif ranged:
        words += f", {ranged}"
    if spec.optional:
        words += "; null for none"
    return words + "."


def param_schema(spec: ParamSpec) -> dict[str, Any]:
    """The schema of one parameter or training setting, with its help text, type in words and default."""
    value = _value_schema(spec)
    if spec.optional:
        value = {"anyOf": [value, {"type": "null"}]}
    return {"description": f"{spec.help} {_type_words(spec)}", "default": spec.default, **value}


def _kind_params_schema(kind: catalogue.LayerKind) -> dict[str, Any]:
    taken = ", ".join(spec.name for spec in kind.params) or "none"
    return {
        "description": (
            f"Parameters of a {kind.key} layer ({kind.summary}) Parameters left out take their defaults. "
            f"It takes: {taken}."
        ),
        "type": "object",
        "properties": {spec.name: param_schema(spec) for spec in kind.params},
        "additionalProperties": False,
    }


def _role_count(role: str) -> dict[str, Any]:
    """At most one graph with `role` (a graph without a role is a "model" graph)."""
    matches: dict[str, Any] = {"properties": {"role": {"const": role}}}
    if role != "model":
        matches["required"] = ["role"]
    return {"contains": matches, "minContains": 0, "maxContains": 1}


def _has_role(role: str) -> dict[str, Any]:
    return {"contains": {"properties": {"role": {"const": role}}, "required": ["role"]}}


def _run_schema() -> dict[str, Any]:
    """One record of the "runs" section, as `designer.core.run_files.runs_to_list` writes it."""
    whole_from_1 = {"type": "integer", "minimum": 1}
    return {
        "description": (
            "One training run, or one trial of a sweep. The app writes every field but the optional ones it has "
            "nothing for; only \"number\" is required (the rest take their defaults)."
        ),
        "type": "object",
        "required": ["number"],
        "additionalProperties": False,
        "properties": {
            "number": {"description": "The run's number in the project, from 1, unique.", **whole_from_1},
            "started": {"description": "When it started: ISO 8601 local time with its zone.", "type": "string",
                        "maxLength": 64},
            "seconds": {"description": "How long it took, in seconds.", "type": "number", "minimum": 0},
            "device": {"description": "Where it trained, in words (\"CPU\", \"GPU 0: <name>\").", "type": "string",
                       "maxLength": 200},
            "dataset": {"description": "The dataset it trained on, with its options; null for none.",
                        "$ref": "#/$defs/dataset"},
            "training": {"description": "Every training setting the run used.", "$ref": "#/$defs/training"},
            "fingerprints": {
                "description": "Graph role -> a hash of the graph the run trained (which graphs it trained).",
                "type": "object",
                "propertyNames": {"enum": list(project_files.ROLES)},
                "additionalProperties": {"type": "string"},
            },
            "graphs": {
                "description": (
                    "The graphs the run trained that differ from the project's graph of the same role (the network "
                    "was edited since); a role not listed here trained the project's graph."
                ),
                "type": "array",
                "maxItems": project_files.MAX_GRAPHS,
                "items": {"$ref": "#/$defs/graph"},
            },
            "history": {
                "description": (
                    "Per-epoch values under Keras's names (loss, val_loss, accuracy, ...; a GAN: d_loss, g_loss); "
                    "null where a value was not a number (a loss that blew up)."
                ),
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": ["number", "null"]}},
            },
            "stopped": {"description": "Why the run stopped early, in words; null when every epoch ran.",
                        "type": ["string", "null"]},
            "epochs_before": {"description": "Epochs the weights it started from had trained already (0: fresh).",
                              "type": "integer", "minimum": 0, "default": 0},
            "findings": {"description": "Its training-health findings, one line each.", "type": "array",
                         "items": {"type": "string"}, "default": []},
            "note": {"description": "The person's note on the run.", "type": "string", "default": ""},
            "sweep": {"description": "The sweep this run was a trial of (numbered within the project).", **whole_from_1},
            "trial": {"description": "Its trial number within the sweep.", **whole_from_1},
            "varied": {
                "description": "What the sweep varied and the value this trial tried (\"learning_rate\", \"dense.units\").",
                "type": "object",
                "additionalProperties": {"type": ["number", "string", "boolean"]},
                "default": {},
            },
            "pruned": {"description": "True when the sweep stopped this trial early as hopeless.", "type": "boolean",
                       "default": False},
            "weights": {
                "description": (
                    "Graph role -> the weights the run reached, when the person kept them with the record: a Keras "
                    "weights file beside the project named <project>.run<N>-<role>.<12 hex>.weights.h5. Missing or "
                    "damaged, the record is kept without them."
                ),
                "type": "object",
                "propertyNames": {"enum": list(project_files.ROLES)},
                "additionalProperties": {"$ref": "#/$defs/trained_weights"},
            },
        },
    }


def build_schema() -> dict[str, Any]:
    """The whole schema as a dict (deterministic: same code, same text)."""
    kinds = catalogue.all_kinds()
    number_in_canvas = {"type": "number", "exclusiveMinimum": -POSITION_LIMIT, "exclusiveMaximum": POSITION_LIMIT}
    scalar_option = {
        "anyOf": [
            {"type": ["null", "boolean", "number"]},
            {"type": "string", "maxLength": MAX_OPTION_TEXT},
        ]
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:network-designer:project-file:1",
        "title": "Network Designer project",
        "description": (
            "One project of Network Designer: the layer graph(s) a person drew, the dataset they chose and the "
            "training settings. The file is UTF-8 JSON without NaN or Infinity, at most "
            f"{project_files.MAX_FILE_BYTES // (1024 * 1024)} MiB. Besides what this schema says, the app checks that "
            "node ids are unique within a graph, that edges join existing nodes, that no layer receives more "
            "inputs than it takes, that no edge joins a layer to itself or makes a loop, and that layer names "
            "are unique within a graph. Generated by tools/make_schema.py: do not edit by hand."
        ),
        "type": "object",
        "required": ["format", "version", "graphs"],
        "additionalProperties": False,
        "properties": {
            "format": {
                "description": "Marks the file as a Network Designer project; always this exact text.",
                "const": project_files.FORMAT,
            },
            "version": {
                "description": (
                    f"Version of the file format; the app writes {project_files.VERSION}. A file with a higher number was "
                    "written by a newer app and is refused."
                ),
                "type": "integer",
                "minimum": 1,
                "maximum": project_files.VERSION,
            },
            "name": {
                "description": "The project's title, shown in the window title and the templates gallery.",
                "type": "string",
                "maxLength": project_files.MAX_TEXT,
                "default": "Untitled",
            },
            "description": {
                "description": "Free text about the project (what it learns, from which notes).",
                "type": "string",
                "maxLength": project_files.MAX_TEXT,
                "default": "",
            },
            "graphs": {
                "description": (
                    "The layer graphs. Usually one graph with the role \"model\"; a GAN has a \"generator\" and a "
                    "\"discriminator\" graph. Each role appears at most once, and a generator needs a "
                    "discriminator (and the other way round)."
                ),
                "type": "array",
                "minItems": 1,
                "maxItems": project_files.MAX_GRAPHS,
                "items": {"$ref": "#/$defs/graph"},
                "allOf": [
                    *(_role_count(role) for role in project_files.ROLES),
                    {"if": _has_role("generator"), "then": _has_role("discriminator")},
                    {"if": _has_role("discriminator"), "then": _has_role("generator")},
                ],
            },
            "dataset": {"$ref": "#/$defs/dataset"},
            "training": {"$ref": "#/$defs/training"},
            "trained": {
                "description": (
                    "What training learned, per graph role: the Keras weights file beside the project file that "
                    "holds it, with what checks it. Missing, damaged or mismatched weights never stop the project "
                    "from opening: it opens untrained and says why."
                ),
                "type": "object",
                "propertyNames": {"enum": list(project_files.ROLES)},
                "additionalProperties": {"$ref": "#/$defs/trained_weights"},
            },
            "runs": {
                "description": (
                    "The runs recorded with the project, oldest first: each training run and each trial of a sweep, "
                    "with its settings, curves and (when kept) weights. A record that cannot be read is left out "
                    f"with a note, never a reason to refuse the project; the first {run_files.MAX_RUNS:,} are read."
                ),
                "type": "array",
                "items": {"$ref": "#/$defs/run"},
            },
            "answers": {
                "description": (
                    "A student's answers to the questions of an exercise ('designer exercise ID' lists them): "
                    "question id -> the answer as typed, e.g. \"0.7311\" (a decimal comma is read too). "
                    f"At most {project_files.MAX_ANSWERS:,}."
                ),
                "type": "object",
                "maxProperties": project_files.MAX_ANSWERS,
                "propertyNames": {"maxLength": 100},
                "additionalProperties": {"type": "string", "maxLength": 200},
            },
        },
        "$defs": {
            "run": _run_schema(),
            "trained_weights": {
                "description": "One graph's trained weights.",
                "type": "object",
                "required": ["file", "sha256", "fingerprint", "layers"],
                "additionalProperties": False,
                "properties": {
                    "file": {
                        "description": (
                            "The weights file's name, in the project file's folder (Keras's .weights.h5 format): "
                            "<project>.<role>.<12 hex digits of its SHA-256>.weights.h5."
                        ),
                        "type": "string",
                        "pattern": "^[^/\\\\.][^/\\\\]*\\.weights\\.h5$",
                    },
                    "sha256": {"description": "The SHA-256 of the weights file, in hex.", "type": "string",
                               "pattern": "^[0-9a-f]{64}$"},
                    "fingerprint": {
                        "description": "A hash of the graph the weights were trained for (names, kinds, parameters, connections).",
                        "type": "string",
                    },
                    "epochs": {"description": "Epochs trained in all.", "type": "integer", "minimum": 0},
                    "layers": {
                        "description": "Layer name -> the shapes of its weights, in Keras's order.",
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
                    },
                    "graph": {
                        "description": "The graph the weights were trained for, when it differs from the project's (edited since).",
                        "$ref": "#/$defs/graph",
                    },
                },
            },
            "graph": {
                "description": "One network: its layers (nodes) and the connections between them (edges).",
                "type": "object",
                "required": ["nodes"],
                "additionalProperties": False,
                "properties": {
                    "name": {
                        "description": "The graph's name (becomes the Keras model's name); defaults to its role.",
                        "type": "string",
                        "maxLength": MAX_GRAPH_NAME,
                    },
                    "role": {
                        "description": (
                            "What the graph is for: \"model\" (a plain network, autoencoder or VAE), or "
                            "\"generator\"/\"discriminator\" for the two halves of a GAN."
                        ),
                        "enum": list(project_files.ROLES),
                        "default": "model",
                    },
                    "nodes": {
                        "description": "The layers, in any order (the app writes them from input to output).",
                        "type": "array",
                        "maxItems": project_files.MAX_NODES,
                        "items": {"$ref": "#/$defs/node"},
                    },
                    "edges": {
                        "description": "The connections, each from one layer's output to an input of another.",
                        "type": "array",
                        "items": {"$ref": "#/$defs/edge"},
                        "default": [],
                    },
                },
            },
            "node": {
                "description": "One layer on the canvas.",
                "type": "object",
                "required": ["id", "kind"],
                "additionalProperties": False,
                "properties": {
                    "id": {
                        "description": "Identifies the layer within its graph (edges refer to it); any short text, unique in the graph.",
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_ID,
                    },
                    "kind": {
                        "description": "The kind of layer, one of the app's palette (see docs/project-format.md).",
                        "enum": [kind.key for kind in kinds],
                    },
                    "name": {
                        "description": (
                            "The layer's name, unique in the graph (it becomes the Keras layer name): a letter, then "
                            "letters, digits, _ . or -, at most 64 characters. Left out or null: chosen like Keras does "
                            "(dense, dense_1, ...)."
                        ),
                        "type": ["string", "null"],
                        "pattern": r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$",
                    },
                    "params": {
                        "description": "The layer's parameters by name; which ones depends on the kind (see below).",
                        "type": "object",
                        "default": {},
                    },
                    "position": {
                        "description": "Where the layer sits on the canvas, [x, y] in pixels (y grows downwards).",
                        "type": "array",
                        "items": number_in_canvas,
                        "minItems": 2,
                        "maxItems": 2,
                        "default": [0, 0],
                    },
                    "group": {
                        "description": (
                            "The model the layer came from when it was imported from a model nested in another "
                            "(\"encoder\", \"outer/inner\"); the canvas frames the layers of a group. Left out: none."
                        ),
                        "type": "string",
                        "pattern": r"^[A-Za-z][A-Za-z0-9_.\-/ ()]{0,127}$",
                    },
                },
                "allOf": [
                    {
                        "if": {"properties": {"kind": {"const": kind.key}}, "required": ["kind"]},
                        "then": {"properties": {"params": {"$ref": f"#/$defs/params.{kind.key}"}}},
                    }
                    for kind in kinds
                ],
            },
            "edge": {
                "description": "A connection from the output of layer \"from\" to an input of layer \"to\".",
                "type": "object",
                "required": ["from", "to"],
                "additionalProperties": False,
                "properties": {
                    "from": {"description": "The id of the layer whose output is sent.", "type": "string"},
                    "to": {"description": "The id of the layer that receives it.", "type": "string"},
                    "port": {
                        "description": (
                            "Which input of \"to\" this is, counting from 0: it orders the inputs of merge layers "
                            "(Concatenate joins them in port order; VAESampling takes the mean at port 0 and the "
                            "log-variance at port 1). Left out or null: after the inputs listed before it."
                        ),
                        "type": ["integer", "null"],
                        "minimum": 0,
                        "maximum": MAX_PORT,
                    },
                },
            },
            "dataset": {
                "description": "The dataset the project trains on, or null for none chosen yet.",
                "type": ["object", "null"],
                "required": ["name"],
                "additionalProperties": False,
                "default": None,
                "properties": {
                    "name": {
                        "description": "A dataset name from the app's dataset list, or the path of the person's own file.",
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_DATASET_NAME,
                    },
                    "options": {
                        "description": (
                            "Options for loading the dataset (sample count, noise, columns...), each a number, a "
                            f"text, true/false, null or a list of at most {MAX_OPTION_LIST} of those."
                        ),
                        "type": "object",
                        "default": {},
                        "additionalProperties": {
                            "anyOf": [
                                scalar_option,
                                {"type": "array", "maxItems": MAX_OPTION_LIST, "items": scalar_option},
                            ]
                        },
                    },
                },
            },
            "training": {
                "description": "Training settings; any left out take their defaults.",
                "type": "object",
                "additionalProperties": False,
                "properties": {spec.name: param_schema(spec) for spec in project.TRAINING_SPECS},
            },
            **{f"params.{kind.key}": _kind_params_schema(kind) for kind in kinds},
        },
    }


def schema_text() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed schema is up to date")
    args = parser.parse_args(argv)
    text = schema_text()
    if args.check:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.is_file() else ""
        if current != text:
            print(f"{SCHEMA_PATH} is out of date: run python tools/make_schema.py", file=sys.stderr)
            return 1
        return 0
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
