"""What the programs app tells the apps above it, which it may not import."""

from django.dispatch import Signal

# Sent once the transaction of a `services.program_refresh` has committed: the program's
# derived state may have changed. Argument: `program`. The clinic refreshes its client list's
# stored lines of the program's patient on it (`clinic.tasks`).
program_refreshed = Signal()
