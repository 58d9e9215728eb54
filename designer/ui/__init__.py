"""The desktop window (PySide6 + pyqtgraph): the only package that may import Qt.

`app` starts the window; `main_window` holds the project, the undo stack and the panels (`palette`,
`inspector`, `summary`, `templates_dialog`); `canvas/` is the graph editor (scene, items, view, commands);
`analysis_service` runs the Keras shape analysis in a background thread; `recovery` and `app_settings` keep
autosaves and recent files (plain Python, no Qt).
"""
