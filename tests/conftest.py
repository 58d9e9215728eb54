"""Suite-wide settings: headless Qt and quiet TensorFlow, set before either is imported."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
