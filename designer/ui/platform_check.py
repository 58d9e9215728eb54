"""Before the window opens on Linux: can Qt's X11 platform plugin load here? If not, say which system libraries
are missing and the command that installs them, instead of letting Qt abort the process.

PySide6's wheels carry Qt itself but not the system libraries its X11 ("xcb") platform plugin links to, and since
Qt 6.5 that plugin needs some that many machines lack (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, …). Then
making the QApplication prints Qt's "Could not load the Qt platform plugin "xcb"" (which names no library, or the
wrong one) and aborts with SIGABRT. `check_platform_plugin` loads the plugin first, as Qt will, and when that fails
raises `MissingLibrariesError` naming the libraries, with the Debian/Ubuntu and Fedora packages that provide them;
the command line prints it as its one-line error. It imports no Qt module, so it runs before Qt's own libraries
(which need some of the same system libraries) are loaded. When the plugin loads, the check is one `dlopen`
(~10 ms) of libraries that Qt then finds already loaded: the window is on screen no later (bench_startup.py).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

_PLUGIN = "libqxcb.so"  # Qt's X11 platform plugin, in a "platforms" folder
_NOT_FOUND = "cannot open shared object file"  # dlopen's words for a library that is nowhere on the search path

#: soname → (Debian/Ubuntu package, Fedora package): what the xcb plugin and Qt's GUI library link to and a fresh
#: machine may lack (`apt-cache show`, `dnf provides`). Names not here are still reported, without a package.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    # the X protocol extensions: one package each on Debian, all in libxcb on Fedora
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}


class MissingLibrariesError(RuntimeError):
    """The window cannot open: Qt's platform plugin cannot load, for lack of these system libraries."""

    def __init__(self, libraries: dict[str, str]):
        self.libraries = libraries  # soname → why it cannot load ("" when it is simply not installed)
        super().__init__(describe(libraries))


def xcb_will_be_used(environ=os.environ, platform: str = sys.platform) -> bool:
    """Whether Qt will try its X11 plugin first: on Linux, when QT_QPA_PLATFORM names xcb (first), or is unset and
    there is an X display outside a Wayland session (in one, Qt tries its wayland plugin first)."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM")
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"  # "xcb", "xcb:display=:1", "xcb;wayland"
    return bool(environ.get("DISPLAY")) and environ.get("XDG_SESSION_TYPE") != "wayland"


def plugin_candidates(environ=os.environ) -> list[Path]:
    """The xcb plugin files Qt would load, in the order it looks for them (the ones that exist)."""
    folders = []
    if environ.get("QT_QPA_PLATFORM_PLUGIN_PATH"):
        folders.append(Path(environ["QT_QPA_PLATFORM_PLUGIN_PATH"]))
    for entry in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep):
        if entry:
            folders.append(Path(entry) / "platforms")
    # PySide6's own plugins; found without importing PySide6 (whose import already needs the GUI libraries)
    spec = importlib.util.find_spec("PySide6")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folders.append(Path(location) / "Qt" / "plugins" / "platforms")
    return [folder / _PLUGIN for folder in folders if (folder / _PLUGIN).is_file()]


def check_platform_plugin(environ=os.environ) -> None:
    """Raise MissingLibrariesError if Qt is about to use its xcb plugin and no copy of it can load."""
    if not xcb_will_be_used(environ):
        return
    failure = None
    for plugin in plugin_candidates(environ):
        try:
            ctypes.CDLL(str(plugin))  # stays loaded: Qt loads this very file (and its libraries) a moment later
            return
        except OSError as error:
            failure = failure or (plugin, str(error))
    if failure is not None:  # no plugin file at all is not ours to explain: Qt says that plainly
        raise MissingLibrariesError(missing_libraries(*failure))


def missing_libraries(plugin: Path, load_error: str) -> dict[str, str]:
    """soname → reason, for the library dlopen named in `load_error` and every library `ldd` cannot find (dlopen
    stops at the first; the person should install them all at once, not one per attempt)."""
    libraries: dict[str, str] = {}
    name, _, reason = load_error.partition(": ")
    if name:
        libraries[os.path.basename(name)] = "" if reason.startswith(_NOT_FOUND) else f"{name}: {reason}"
    for soname in _ldd_not_found(plugin):
        libraries.setdefault(soname, "")
    return libraries


def _ldd_not_found(plugin: Path) -> list[str]:
    import subprocess  # only when something is missing: its import costs the window's start a few ms

    ldd = shutil.which("ldd")
    if ldd is None:  # e.g. a minimal container: the library dlopen named is reported alone
        return []
    try:
        listing = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return re.findall(r"^\s*(\S+) => not found", listing, flags=re.MULTILINE)


def describe(libraries: dict[str, str]) -> str:
    """The error line: the libraries, then the install command for each family of distributions.

    One line, like every error of the command line; the two commands are each whole, to copy from it."""
    named, debian, fedora = [], [], []
    for soname, reason in libraries.items():
        if soname in PACKAGES:
            named.append(f"{soname} ({reason})" if reason else soname)
            deb, rpm = PACKAGES[soname]
            debian += [deb] if deb not in debian else []
            fedora += [rpm] if rpm not in fedora else []
        else:
            named.append(f"{soname} ({reason + '; ' if reason else ''}find the package that provides it)")
    text = (
        "the window cannot open: Qt's X11 platform plugin (xcb) needs system libraries that are missing or "
        f"cannot load: {', '.join(named)}."
    )
    if debian:
        text += (
            f" Install them, then run designer again. Debian/Ubuntu: sudo apt-get install {' '.join(debian)}; "
            f"Fedora: sudo dnf install {' '.join(fedora)}"
        )
    return text
