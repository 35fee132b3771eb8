"""The patient's program pages: the start wizard (`wizard`) and the plan (`plan`)."""
