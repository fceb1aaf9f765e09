"""The Settings dialog and its groups, checking and saving the API key off the Qt thread, and the flow
around the dialog (saving what changed, reconnecting)."""
