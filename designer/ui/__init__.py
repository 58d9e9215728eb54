"""The desktop window (PySide6 + pyqtgraph): the only package that may import Qt.

Starting and the window: `app` (checks the display and Qt's system libraries with `platform_check`, then opens
the window), `main_window` (the open project, the one undo stack of core commands, the docks) with its file
commands in `window_files` and its data and training commands in `window_data`; `undo` wraps core commands for
the QUndoStack.

Services own background work and its results; panels only show them: `analysis_service` (Keras shapes and counts
in a thread), `data_service` (the project's dataset, loaded in a thread), `training_run` (a run in a QThread,
its threads given a lower priority by `thread_priority`).

Panels: `canvas/` (the graph editor: scene, layer and connection items, view, and the editor that turns gestures
into core commands), `palette`, `inspector` (with `param_form`, the form made from parameter specs), `summary`,
`data_panel`, `training_settings`, `training_panel` (curves) with `insights/` (the live panels beside the curves,
one module each, and their registry) and `plot_pieces` (plot parts they share), `templates_dialog`, `explorer`
(activation functions and one neuron). Shared looks: `style`, `icons`, `panels`.

Plain Python kept here because only the window uses it: `recovery` (autosave and crash recovery) and
`app_settings` (folders, recent files).
"""
