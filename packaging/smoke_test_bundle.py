"""Smoke-test a built bundle (packaging/build_bundle.py runs it after each build; it is not part of the test suite).

    python packaging/smoke_test_bundle.py DIST/network-designer [--window-seconds 20]

Needs only the bundle and any Python 3 (the standard library): no TensorFlow, no Qt. With Qt's offscreen platform
and throw-away settings and data folders it checks that the program

1. opens the window on the bundled example and stays up (TensorFlow loads in the background meanwhile), with no
   traceback;
2. writes a project from a template (``new digits_mlp``);
3. trains it for one epoch (``train --epochs 1``);
4. exports it as .keras, which the export itself checks by loading and re-running the file in a child process
   (the bundle's program acting as ``python -P rerun.py``);

prints PASS or FAIL for each step and exits with status 1 if any failed. A step fails when the program exits
with an error, prints a traceback, or prints AutoGraph's "could not transform" warning (a sign that the bundle
lacks the .py sources that tf.function needs).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

NAME = "network-designer"
#: what may never appear in the program's output: a traceback, and AutoGraph's warning that it found no source
#: for a function (tf.function, tf.data's map) because the bundle lacks the .py files
FORBIDDEN = ("Traceback (most recent call last)", "AutoGraph could not transform")


def find_program(folder: Path) -> Path:
    for name in (NAME, f"{NAME}.exe"):
        if (folder / name).is_file():
            return folder / name
    raise SystemExit(f"no {NAME} program in {folder}")


class Smoke:
    def __init__(self, program: Path, work: Path) -> None:
        self.program, self.work, self.failed = program, work, []
        self.env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESIGNER_CONFIG_DIR=str(work / "config"),
                        DESIGNER_DATA_DIR=str(work / "data"), DESIGNER_AUTOSAVE_SECONDS="5")
        for variable in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):  # the bundle must need nothing of ours
            self.env.pop(variable, None)

    def report(self, step: str, ok: bool, seconds: float, detail: str = "") -> None:
        print(f"{'PASS' if ok else 'FAIL'}  {step}  ({seconds:.1f} s)" + (f"\n{detail}" if detail else ""), flush=True)
        if not ok:
            self.failed.append(step)

    def window(self, seconds: float) -> None:
        step = f"window on the bundled example stays up {seconds:g} s"
        started = time.monotonic()
        log = self.work / "window.log"
        with open(log, "w+") as output:
            process = subprocess.Popen([str(self.program)], cwd=self.work, env=self.env, stdout=output,
                                       stderr=subprocess.STDOUT)
            try:
                status = process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                status = None
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            output.seek(0)
            text = output.read()
        elapsed = time.monotonic() - started
        if status is not None:
            self.report(step, False, elapsed, f"it exited with status {status} after {elapsed:.1f} s:\n{_tail(text)}")
        elif _forbidden(text):
            self.report(step, False, elapsed, f"it printed {_forbidden(text)!r}:\n{_tail(text)}")
        else:
            self.report(step, True, elapsed, _tail(text, 5) if text.strip() else "")

    def command(self, step: str, arguments: list[str], expect: str = "", timeout: float = 600) -> str:
        started = time.monotonic()
        try:
            done = subprocess.run([str(self.program), *arguments], cwd=self.work, env=self.env, capture_output=True,
                                  text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            self.report(step, False, time.monotonic() - started, f"it did not finish within {timeout:g} s")
            return ""
        elapsed = time.monotonic() - started
        text = done.stdout + done.stderr
        if done.returncode != 0:
            self.report(step, False, elapsed, f"status {done.returncode}:\n{_tail(text)}")
        elif _forbidden(text):
            self.report(step, False, elapsed, f"it printed {_forbidden(text)!r}:\n{_tail(text)}")
        elif expect and expect not in text:
            self.report(step, False, elapsed, f"its output lacks {expect!r}:\n{_tail(text)}")
        else:
            self.report(step, True, elapsed, _tail(done.stdout, 3))
        return text


def _forbidden(text: str) -> str:
    return next((words for words in FORBIDDEN if words in text), "")


def _tail(text: str, lines: int = 30) -> str:
    kept = [line.rstrip()[-300:] for line in text.replace("\r", "\n").splitlines() if line.strip()][-lines:]
    return "\n".join("    " + line for line in kept)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Smoke-test a built Network Designer bundle.")
    parser.add_argument("folder", type=Path, help=f"the bundle's folder (DIST/{NAME})")
    parser.add_argument("--window-seconds", type=float, default=20.0)
    args = parser.parse_args(argv)
    program = find_program(args.folder.resolve())
    print(f"smoke test of {program}", flush=True)
    with tempfile.TemporaryDirectory(prefix="designer-bundle-smoke-") as folder:
        smoke = Smoke(program, Path(folder))
        smoke.window(args.window_seconds)
        smoke.command("new digits_mlp p.json", ["new", "digits_mlp", "p.json"], expect="wrote p.json")
        smoke.command("train p.json --epochs 1", ["train", "p.json", "--epochs", "1"], expect="final:")
        text = smoke.command("export p.json --format keras --out model.keras",
                             ["export", "p.json", "--format", "keras", "--out", "model.keras"],
                             expect="Keras: same outputs")
        model = Path(folder) / "model.keras"
        if text and not smoke.failed:
            try:
                with zipfile.ZipFile(model) as archive:
                    names = set(archive.namelist())
                ok = {"config.json", "model.weights.h5"} <= names
                smoke.report("model.keras holds config.json and model.weights.h5", ok, 0.0,
                             "" if ok else f"    it holds {sorted(names)}")
            except (OSError, zipfile.BadZipFile) as error:
                smoke.report("model.keras is a Keras archive", False, 0.0, f"    {error}")
    if smoke.failed:
        print(f"smoke test FAILED: {len(smoke.failed)} step(s): {'; '.join(smoke.failed)}")
        return 1
    print("smoke test PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
