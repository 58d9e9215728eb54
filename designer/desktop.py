"""`designer install-desktop`: put the app in this user's desktop menu with its icon, and make project files open in
it (Linux and other freedesktop.org desktops); `--remove` takes all of it out again.

It writes, under ``$XDG_DATA_HOME`` (``~/.local/share``): the launcher ``applications/network-designer.desktop``
(its Exec the command that started this, so a virtual environment or a bundle launches itself), the icon in the
hicolor theme (the SVG and every PNG size), and a MIME type ``application/x-network-designer-project`` in
``mime/packages/``. Project files stay ``.json`` (readable, diffable, what every tool opens): the type is a
sub-class of JSON recognised by its content — the ``"format": "network-designer-project"`` field near the top of
every project file — so a file manager offers the app for projects and leaves other JSON files alone. The desktop's
own caches are refreshed with ``update-mime-database``, ``update-desktop-database`` and ``xdg-mime`` when they are
installed; without them the files are still in place and are read at the next login.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

APP_ID = "network-designer"
MIME_TYPE = "application/x-network-designer-project"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)

MIME_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>Network Designer project</comment>
    <sub-class-of type="application/json"/>
    <generic-icon name="{APP_ID}"/>
    <magic priority="80">
      <match type="string" offset="0:256" value="&quot;format&quot;: &quot;network-designer-project&quot;"/>
    </magic>
    <glob pattern="*.json" weight="10"/>
  </mime-type>
</mime-info>
"""


class DesktopError(RuntimeError):
    """The launcher cannot be installed here; plain words."""


def data_home(environ=os.environ) -> Path:
    return Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def launch_command() -> str:
    """How the desktop starts this installation: the bundle's own program, the ``designer`` script beside this
    Python, or this Python with ``-m designer``."""
    if getattr(sys, "frozen", False):
        return shlex.quote(sys.executable)
    script = Path(sys.executable).with_name("designer")
    if script.is_file():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m designer"


def desktop_entry(command: str | None = None) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=Network Designer",
        "GenericName=Neural network designer",
        "Comment=Design neural networks by pointing and clicking, train them and export them",
        f"Exec={command or launch_command()} %f",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;Science;Development;",
        f"MimeType={MIME_TYPE};",
        "Keywords=neural;network;deep learning;keras;",
        "StartupWMClass=network-designer",
        "",
    ])


def installed_files(environ=os.environ) -> list[Path]:
    home = data_home(environ)
    icons = home / "icons" / "hicolor"
    return ([home / "applications" / f"{APP_ID}.desktop", home / "mime" / "packages" / f"{APP_ID}.xml",
             icons / "scalable" / "apps" / f"{APP_ID}.svg"]
            + [icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png" for size in ICON_SIZES])


def install(environ=os.environ) -> list[str]:
    """Write the launcher, the icons and the MIME type for this user; the lines to print."""
    from designer.core.templates import resources_dir

    if sys.platform == "darwin" or sys.platform.startswith("win"):
        raise DesktopError("install-desktop is for Linux desktops; on Windows and macOS see packaging/README.md")
    source = resources_dir() / "icons"
    launcher, mime, svg, *pngs = installed_files(environ)
    try:
        for path in installed_files(environ):
            path.parent.mkdir(parents=True, exist_ok=True)
        launcher.write_text(desktop_entry(), encoding="utf-8")
        mime.write_text(MIME_XML, encoding="utf-8")
        shutil.copyfile(source / f"{APP_ID}.svg", svg)
        for size, png in zip(ICON_SIZES, pngs):
            shutil.copyfile(source / f"{APP_ID}-{size}.png", png)
    except OSError as error:
        raise DesktopError(f"cannot write {getattr(error, 'filename', '') or 'the launcher'}: "
                           f"{error.strerror or error}") from None
    lines = [f"installed the launcher {launcher}", f"installed the icon in {svg.parents[2]}",
             f"installed the project file type {MIME_TYPE} ({mime})"]
    lines += _refresh(environ, default=True)
    return lines


def remove(environ=os.environ) -> list[str]:
    """Take out what `install` wrote; the lines to print."""
    gone = [path for path in installed_files(environ) if path.exists()]
    for path in gone:
        try:
            path.unlink()
        except OSError as error:
            raise DesktopError(f"cannot remove {path}: {error.strerror or error}") from None
    lines = [f"removed {len(gone)} file{'s' * (len(gone) != 1)} (launcher, icons, file type)" if gone
             else "nothing to remove: the launcher was not installed"]
    return lines + _refresh(environ, default=False)


def _refresh(environ, default: bool) -> list[str]:
    """Ask the desktop's tools to read the new files now (each only when installed)."""
    home = data_home(environ)
    steps = [("update-mime-database", [str(home / "mime")]),
             ("update-desktop-database", [str(home / "applications")]),
             ("gtk-update-icon-cache", ["-f", "-t", str(home / "icons" / "hicolor")])]
    if default:
        steps.append(("xdg-mime", ["default", f"{APP_ID}.desktop", MIME_TYPE]))
    done, missing = [], []
    for tool, arguments in steps:
        if shutil.which(tool) is None:
            missing.append(tool)
            continue
        subprocess.run([tool, *arguments], capture_output=True, timeout=60, env={**environ})
        done.append(tool)
    lines = [f"refreshed the desktop's caches ({', '.join(done)})"] if done else []
    if missing and default:
        lines.append(f"not found: {', '.join(missing)} (the desktop reads the new files at the next login)")
    return lines
