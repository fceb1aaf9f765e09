"""The engine on the Qt loop: the controller (engine events out as Qt signals, user actions in), the
folder watcher beside it, and the keeper of the coroutines that Qt slots start."""
