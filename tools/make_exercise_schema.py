"""Generate ``designer/resources/exercise.schema.json``, the JSON Schema of exercise files, from the checks the
app knows (designer.learn.checks): `python tools/make_exercise_schema.py` writes it, `--check` says whether it is
up to date (a test runs that)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from designer.learn import check_files, exercise_files

TARGET = Path(__file__).resolve().parents[1] / "designer" / "resources" / "exercise.schema.json"

NUMBER = {"type": "number"}
WHOLE = {"type": "integer", "minimum": 0}
KINDS = {"description": "A layer kind (as the palette names it, e.g. \"Dense\") or a list of them.",
         "oneOf": [{"type": "string", "minLength": 1}, {"type": "array", "minItems": 1,
                                                         "items": {"type": "string", "minLength": 1}}]}
EXPECTED = {
    "description": "A value to meet: a plain value (equal), or {\"one_of\": [...]}, or {\"at_most\": n} and/or "
                   "{\"at_least\": n}.",
    "oneOf": [
        {"not": {"type": "object"}},
        {"type": "object", "required": ["one_of"], "additionalProperties": False,
         "properties": {"one_of": {"type": "array", "minItems": 1}}},
        {"type": "object", "minProperties": 1, "additionalProperties": False,
         "properties": {"at_most": NUMBER, "at_least": NUMBER}},
    ],
}
NTH = {"description": "Which layer of the kind, from 1 in the order from input to output, or \"last\".",
       "oneOf": [{"type": "integer", "minimum": 1}, {"const": "last"}]}
NUMBERS = {"oneOf": [NUMBER, {"type": "array", "minItems": 1, "items": NUMBER}]}

#: check -> (what it does, its own fields, required fields)
CHECKS: dict[str, tuple[str, dict[str, Any], list[str]]] = {
    "layers": ("The kinds of layers from input to output, in order (a stack).",
               {"kinds": KINDS, "ignoring": KINDS}, ["kinds"]),
    "layer": ("One layer's parameter values: the nth layer of a kind.",
              {"kind": {"type": "string"}, "nth": NTH,
               "expect": {"type": "object", "additionalProperties": EXPECTED}}, ["kind"]),
    "count": ("How many layers of the kinds the network has.",
              {"kinds": KINDS, "at_least": WHOLE, "at_most": WHOLE}, ["kinds"]),
    "params": ("Keras's parameter count of the network.",
               {"which": {"enum": ["total", "trainable", "non_trainable"]}, "expected": WHOLE}, ["expected"]),
    "output_shape": ("The shape of the network's output per sample (Keras's), or the same as its input's.",
                     {"shape": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1}},
                      "like_input": {"type": "boolean"}}, []),
    "setting": ("A training setting (designer.core.project's names: loss, learning_rate, epochs, "
                "early_stopping_patience, ...).", {"name": {"type": "string"}, "expected": EXPECTED},
                ["name", "expected"]),
    "loss_fits": ("The loss suits the output layer (the window's own warning).", {}, []),
    "dataset": ("The dataset the project trains on, and its options.",
                {"name": {"type": "string"}, "options": {"type": "object", "additionalProperties": EXPECTED}}, []),
    "answer": ("A number the student works out and types in; right within the tolerance. The id is where the "
               "project keeps the answer (its \"answers\").",
               {"id": {"type": "string", "pattern": "^.{1,100}$"}, "ask": {"type": "string"}, "answer": NUMBER,
                "tolerance": {"type": "number", "minimum": 0}}, ["id", "ask", "answer"]),
    "metric": ("After training, a logged metric (val_accuracy, val_loss, ...) reached at least / at most this at "
               "its best epoch.", {"metric": {"type": "string"}, "at_least": NUMBER, "at_most": NUMBER}, ["metric"]),
    "weights": ("After training, the nth layer of a kind learned a kernel and a bias near these.",
                {"kind": {"type": "string"}, "nth": NTH, "kernel": NUMBERS, "bias": NUMBERS,
                 "tolerance": {"type": "number", "minimum": 0}}, []),
    "healthy": ("Training shows none of these training-health findings (all of them when no list is given).",
                {"findings": KINDS}, []),
    "varied": ("After training, a GAN's generated samples vary: at least this share of the real data's variety.",
               {"at_least": NUMBER}, []),
    "any_of": ("Passes when any of its checks passes.", {"checks": {"type": "array", "minItems": 1,
                                                                   "items": {"$ref": "#/$defs/check"}}}, ["checks"]),
}

def project_spec(explained: bool) -> dict[str, Any]:
    """A project: "blank" (not for a solution), a template with changes, or a whole project document; a solution
    also says how it goes ("explanation")."""
    changes = {"name": {"type": "string"},
               "dataset": {"type": "object", "required": ["name"],
                           "properties": {"name": {"type": "string"}, "options": {"type": "object"}}},
               "training": {"type": "object", "description": "Training settings over the project's."},
               "answers": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "Answers to the questions, by question id."}}
    if explained:
        changes["explanation"] = {"type": "string", "description": "How the solution goes, and why."}
    variants = [
        {"type": "object", "required": ["template"], "additionalProperties": False,
         "properties": {"template": {"type": "string", "description": "A template key ('designer templates')."},
                        **changes}},
        {"type": "object", "required": ["project"], "additionalProperties": False,
         "properties": {"project": {"type": "object", "description": "A whole project document "
                                    "(docs/project-format.md)."}, **changes}},
    ]
    if not explained:
        variants.insert(0, {"const": "blank", "description": "An empty canvas."})
    return {"oneOf": variants}


def schema() -> dict[str, Any]:
    assert set(CHECKS) == set(check_files.CHECK_NAMES), "every check the app reads is documented here"
    common = {"graph": {"enum": ["model", "generator", "discriminator"], "default": "model",
                        "description": "The network it looks at (a GAN has two)."},
              "says": {"type": "string", "description": "Feedback to give instead of the check's own words."}}
    variants = []
    for name, (description, fields, required) in CHECKS.items():
        variants.append({"description": description, "type": "object", "required": ["check", *required],
                         "additionalProperties": False,
                         "properties": {"check": {"const": name}, **common, **fields}})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:network-designer:exercise-file:1",
        "title": "Network Designer exercise",
        "description": "One exercise: a task in plain words, the project a student starts from, the checks that grade "
                       "their project, hints given one at a time and a worked solution. UTF-8 JSON, at most 2 MiB. "
                       "Generated by tools/make_exercise_schema.py: do not edit by hand.",
        "type": "object",
        "required": ["format", "version", "title", "statement", "checks", "solution"],
        "additionalProperties": False,
        "properties": {
            "format": {"const": exercise_files.FORMAT},
            "version": {"type": "integer", "minimum": 1, "maximum": exercise_files.VERSION},
            "id": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,80}$",
                   "description": "What 'designer check' calls it; the file name without .json when absent."},
            "title": {"type": "string", "minLength": 1},
            "notes": {"type": "string", "description": "Where in the course notes it comes from."},
            "statement": {"type": "string", "minLength": 1, "description": "The task, in plain words."},
            "start": {**project_spec(False), "default": "blank",
                      "description": "The project the student starts from."},
            "checks": {"type": "array", "minItems": 1, "maxItems": exercise_files.MAX_CHECKS,
                       "items": {"$ref": "#/$defs/check"}},
            "hints": {"type": "array", "maxItems": exercise_files.MAX_HINTS,
                      "items": {"type": "string", "minLength": 1}},
            "solution": {**project_spec(True), "description": "The worked solution, shown only on request."},
        },
        "$defs": {"check": {"oneOf": variants}},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    args = parser.parse_args()
    text = json.dumps(schema(), indent=2, ensure_ascii=False) + "\n"
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        return 0 if current == text else 1
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
