"""gunicorn's settings, the same for production (Procfile) and the benchmarks (bench/_common.py).

Sync workers, two per core: requests are CPU-bound Python with short waits on
PostgreSQL and Redis, so a second process per core fills those waits, while
threads in one process would contend for the GIL. On the 2-core machine the
lesson benchmark served more pages at lower p95 with 4 sync workers than with
2 or 3 workers, or with 2 to 4 threads each (docs/benchmarks.md). Keep-alive
is the proxy's job in front of gunicorn. WEB_CONCURRENCY overrides the count.
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
worker_class = "sync"
timeout = 60
