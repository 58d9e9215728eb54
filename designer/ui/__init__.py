"""The desktop window (PySide6 + pyqtgraph): the only package that may import Qt.

Only the Qt regression guard lives here so far; the designer window arrives with its own issue.
"""
