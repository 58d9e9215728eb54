"""Network Designer: design neural networks by pointing and clicking, train them, export them.

The package is layered (see DESIGN.md): ``core`` (the document), ``data``, ``keras_bridge`` (the document as
Keras objects), ``training`` and ``ui`` (Qt). The Python API for building graphs in code is
`designer.core.graph.LayerGraph` with `designer.core.project.Project`; `designer.keras_bridge.models.compile_graph`
turns a graph into a Keras model.
"""

__version__ = "0.1.0"
