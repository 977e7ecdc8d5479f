"""Qt-free core of ovexplorer: documents, graphs, statistics, sessions.

Nothing below this package imports Qt, so all of it is testable without a screen.
"""
