"""gunicorn settings, read from the environment (gunicorn loads this file from the working
directory). `GUNICORN_WORKERS` (or the common `WEB_CONCURRENCY`) sets the number of workers."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(
    os.environ.get("GUNICORN_WORKERS")
    or os.environ.get("WEB_CONCURRENCY")
    or multiprocessing.cpu_count() * 2 + 1
)
# A request may not hold a worker longer than this; the PDF and imports stay well under it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Workers are replaced now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
# Which proxies may set X-Forwarded-Proto/For for gunicorn itself (comma-separated addresses).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The garbage collector's first generation is collected every GUNICORN_GC_THRESHOLD allocations
# of objects that may form cycles instead of Python's 700 (0 keeps Python's): a page builds tens
# of thousands of short-lived objects, and each collection walks the young ones still alive.
# What the worker loaded before its first request (Django, the apps, the models) is moved out
# of the collector's sight for good (`gc.freeze`). docs/performance.md, "A refresh that
# changes nothing, challenges read as values, the collector".
gc_threshold = int(os.environ.get("GUNICORN_GC_THRESHOLD", "10000"))


def post_worker_init(worker):
    if gc_threshold > 0:
        gc.collect()
        gc.freeze()
        gc.set_threshold(gc_threshold, *gc.get_threshold()[1:])
