"""The templates gallery: ready-made project files under ``designer/resources/templates``, one per network of the notes."""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass
from pathlib import Path

from designer.core.project import Project
from designer.core.project_files import load_project


def resources_dir() -> Path:
    """The package's ``resources/`` folder (templates, bundled datasets, the project schema, the icons), read
    through importlib.resources: it is inside the installed package (a wheel, pipx, a bundle) and in the checkout."""
    return Path(str(importlib.resources.files("designer") / "resources"))


def templates_dir() -> Path:
    return resources_dir() / "templates"


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    name: str
    description: str
    path: Path
    #: the name of the dataset it trains on (None: it chooses none)
    dataset: str | None = None


def list_templates() -> list[TemplateInfo]:
    """Every template, sorted by key (file name without .json); reads only the name and description."""
    found = []
    for path in sorted(templates_dir().glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        dataset = data.get("dataset") if isinstance(data.get("dataset"), dict) else {}
        found.append(TemplateInfo(path.stem, data.get("name", path.stem), data.get("description", ""), path,
                                  dataset.get("name")))
    return found


def template_path(key: str) -> Path:
    path = templates_dir() / f"{key}.json"
    if not path.is_file():
        known = ", ".join(t.key for t in list_templates())
        raise KeyError(f"there is no template {key!r}; the templates are: {known}")
    return path


def load_template(key: str) -> Project:
    return load_project(template_path(key))
