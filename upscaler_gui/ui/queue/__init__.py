"""The queue: the table model of jobs, its view, the actions on selected jobs, and the thumbnails."""
