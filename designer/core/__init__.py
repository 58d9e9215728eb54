"""The document: layer catalogue, layer graph, undoable commands, analysis, project files.

Standard library and networkx only: no Qt, no TensorFlow, no Keras (tests/core/test_imports.py checks it).
"""
