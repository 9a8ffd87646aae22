"""Tasks: the inbox, who holds a task, saving what a step did, timers and external tasks."""
