"""Qt-free core of ovexplorer, one package per feature: model, layout, weights, run, bench, and util.

Nothing below this package imports Qt, so all of it is testable without a screen (tests/test_layering.py).
"""
