"""The Keras bridge: the document turned into Keras objects, and Keras asked what the document cannot know.

`layers` makes the Keras layer of a catalogue kind (a keras.layers class, or the builder a module registered for
it: `backbones` for the pretrained keras.applications networks, `custom_layers` for our own VAE sampling layer);
`models` compiles a graph into a `keras.Model` and saves/loads `.keras` files; `shape_oracle` gives the live
analysis its shapes, counts and plain-words errors from Keras itself; `explore` computes the activation functions
and the neuron of the Learn menu; `runtime` imports TensorFlow quietly and names the training device.

Keras and TensorFlow are imported inside the functions that need them, so importing this package is cheap.
"""
