"""Qt widgets that show core objects and drive core work from worker threads."""
