"""Qt widgets, one package per feature (graph, weights, run, latency) plus the shell (app, main window).

They show core objects and drive core work from worker threads; a panel never reaches into another panel.
"""
