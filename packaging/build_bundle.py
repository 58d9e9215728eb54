"""Build Network Designer as a one-folder application for people without Python, then smoke-test it.

    python packaging/build_bundle.py [--out DIR] [--skip-test]

Runs PyInstaller (``pip install -e ".[bundle]"`` first) on packaging/network-designer.spec (whose entry script is
packaging/bundle_entry.py) and writes the application to DIR/dist/network-designer/ (the program is
DIR/dist/network-designer/network-designer) and its work files to DIR/work/: nothing into the repository.
TensorFlow, Keras, Qt and the export runtimes go in with it. Then packaging/smoke_test_bundle.py runs on the
result, and the build time and the folder's size are printed. DIR defaults to /tmp/bundle (the temporary
folder). Build on the system you ship for (Linux, Windows or macOS): PyInstaller does not cross-compile.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
NAME = "network-designer"
DEFAULT_OUT = Path(tempfile.gettempdir()) / "bundle"


def pyinstaller_command(out: Path) -> list[str]:
    """PyInstaller on packaging/network-designer.spec, its output and work files under `out`."""
    return [sys.executable, "-m", "PyInstaller", str(HERE / f"{NAME}.spec"), "--noconfirm", "--clean",
            "--log-level", "WARN", "--distpath", str(out / "dist"), "--workpath", str(out / "work")]


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to build (default {DEFAULT_OUT})")
    parser.add_argument("--skip-test", action="store_true", help="build only, without the smoke test")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == REPOSITORY or REPOSITORY in out.parents:
        parser.error("--out must be outside the repository (the bundle is a few GB)")
    out.mkdir(parents=True, exist_ok=True)

    command = pyinstaller_command(out)
    print("$", " ".join(command), flush=True)
    started = time.monotonic()
    built = subprocess.run(command, cwd=out, check=False)
    build_seconds = time.monotonic() - started
    if built.returncode != 0:
        print(f"PyInstaller failed (status {built.returncode}) after {build_seconds:.0f} s", file=sys.stderr)
        return built.returncode
    app = out / "dist" / NAME
    size = folder_size(app)
    print(f"built {app} in {build_seconds / 60:.1f} min ({build_seconds:.0f} s); size {size / 2**30:.2f} GiB "
          f"({size / 2**20:.0f} MiB)", flush=True)
    if args.skip_test:
        return 0
    tested = subprocess.run([sys.executable, str(HERE / "smoke_test_bundle.py"), str(app)], check=False)
    print(f"build time {build_seconds:.0f} s; bundle size {size / 2**20:.0f} MiB; smoke test "
          f"{'PASS' if tested.returncode == 0 else 'FAIL'}")
    return tested.returncode


if __name__ == "__main__":
    sys.exit(main())
