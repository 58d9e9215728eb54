"""Network Designer: design neural networks by pointing and clicking, train them, export them.

The package is layered (see DESIGN.md): ``core`` (the document), ``data``, ``build`` (Keras), ``training``
and ``ui`` (Qt). The Python API for building graphs in code is `designer.core.graph.LayerGraph` with
`designer.core.project.Project`; `designer.build.compile.compile_graph` turns a graph into a Keras model.
"""

__version__ = "0.1.0"
