"""Registrations of every layer kind, one module per palette category.

Each module calls `designer.core.catalogue.register` for its kinds; the catalogue imports every module of this
package the first time it is asked for a kind, so a new module needs no edit anywhere else.
"""
