"""Images coming in: what a drop or a paste holds (files, folders, links, pixels), saving pasted pixels,
and the intake that turns drops, paste and the Add dialogs into inputs for the queue."""
