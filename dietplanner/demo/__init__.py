"""Demo accounts and diaries for development (`manage.py seed_demo`, run by `make run`).

The top floor of the import layers: it drives every app's services, and nothing imports it."""
