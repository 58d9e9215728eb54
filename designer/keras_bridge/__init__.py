"""From the layer-graph document to Keras: layers, shape oracle, compiled models, exports.

Keras and TensorFlow are imported inside the functions that need them, so importing this package is cheap.
"""
