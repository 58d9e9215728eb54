"""Datasets: generated on the fly, bundled with the app (offline), downloaded once through Keras (cached).

`designer.data.registry` lists them and loads one from a project's `DatasetChoice`, applying the options
(scaling, flattening, label encoding, validation rows). No Qt here; Keras only inside the download functions.
"""
