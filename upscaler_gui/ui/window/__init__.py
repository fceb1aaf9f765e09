"""The main window: its layout and the wiring between the parts; the status bar, the first-run and
drop-zone pages, the folder rows, the selected job's before/after, saved geometry, and asking before quit."""
