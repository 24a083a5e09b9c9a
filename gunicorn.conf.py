"""gunicorn's settings, the same for production (Procfile) and the benchmarks (bench/_common.py).

Sync workers, one per core. Since the page frame, session and signed-in person
come from the cache, a request is CPU-bound Python with only short waits on
PostgreSQL and Redis: a second process per core no longer has waits to fill and
only adds time-slicing, which lengthens the tail. On the 2-core machine (stop 10,
docs/benchmarks.md) 2 workers against 4 gave lesson pages 200 against 150-175
per second at p95 50-63 ms against 62-158, xAPI statements 213-223 against
178-197 per second, and the booking storm p95 386-405 ms against 512-540.
Threads in one process would contend for the GIL. Keep-alive is the proxy's job
in front of gunicorn. WEB_CONCURRENCY overrides the count.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
worker_class = "sync"
timeout = 60
