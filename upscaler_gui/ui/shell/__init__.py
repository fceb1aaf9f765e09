"""What the window shares with the desktop around it: the app icon and translations, opening files,
the tray, dock progress, questions that never block, and keeping the GC on the Qt thread."""
