"""GUI tests run headless: Qt's offscreen platform is chosen before any test module imports Qt."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
