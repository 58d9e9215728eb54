"""The document: layer catalogue, layer graph, the project, undoable commands, analysis, project files.

`catalogue` and `layers/` describe every kind of layer; `graph` is the layer graph and `project` the project
(graphs, dataset choice, training settings), both emitting events when they change; `project_files` reads and
writes project files; `commands` are the undoable edits of either (and `History`); `analysis` checks a graph in
plain words (shapes come from an oracle the Keras bridge implements); `shapes` writes shapes for people; `layout`
places layers; `templates` lists the ready-made projects; `activations` describes the activation functions.

Standard library and networkx only: no Qt, no TensorFlow, no Keras (tests/core/test_imports.py checks it).
"""
