"""The before/after view of one job: the widget, its zoom and pan, drawing, mouse and keys, and
reading the two images off the Qt thread."""
