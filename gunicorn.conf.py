"""gunicorn's settings, the same for production (Procfile) and the benchmarks (bench/_common.py).

Sync workers, one per core and one more. Since the page frame, session and signed-in person
come from the cache, a page is CPU-bound Python with only short waits on PostgreSQL and Redis,
and more processes than that only add time-slicing, which lengthens the tail: measured on the
2-core machine (stop 10), 2 workers against 4 gave lesson pages 200 against 150-175 per second
at p95 50-63 ms against 62-158, and the booking storm p95 386-405 ms against 512-540. Threads
lost too: 2 workers of 4 threads gave lesson pages 180-193 per second at p95 133-159 ms against
sync's 213-217 at 42-45, and 301 statements a second against 327-358 (GIL contention).

The one more: a write waits as well, for its commit's flush to disk (about 135 us on the 2-core
machine) and its round trips to PostgreSQL and Redis, and with one worker a core those waits left
the cores 13 to 21% idle while learners' first completions came in (/proc/stat, 5 December 2026).
A third worker fills them. Measured there, alternating 3 and 2 workers (docs/benchmarks.md):
first completions 446 and 475 a second against 419 and 430; repeated statements 595 and 617
against 606 and 603; the booking storm p95 353 and 288 ms against 344 and 293; the rendered public
pages about the same. The bare ceiling, served under these same settings, is about 2.5% lower with
three, and lesson pages, CPU-bound, paid what the first paragraph says: the same share of that
lower ceiling (0.079 and 0.085 against 0.080 and 0.084), so about 2.5% fewer a second, at p95 21.3
and 19.6 ms against 17.2 and 16.5 (the target is 30).

The trade: a sync worker is held for the whole of a response, so a slow one (the
full readiness CSV takes about 2 s; H5P files, unless handed to nginx with
PROTECTED_MEDIA_ACCEL_REDIRECT or, for video on a bucket, to the bucket) keeps one
of the few workers from everyone else meanwhile.
Serve behind a buffering proxy (slow clients then cost the proxy, not a worker),
and on a host where exports or many H5P files meet heavy traffic raise
WEB_CONCURRENCY, which overrides the count. Keep-alive is the proxy's job.

Python's garbage collector, per worker once the application is loaded (post_worker_init):
what loading made (Django, Wagtail, the URL map: most of the heap) is frozen out of the
collector's full passes (gc.freeze), and the youngest generation is collected after
GC_YOUNG_THRESHOLD allocations rather than Python's 700 (at 700 it was collected about once
every three lesson pages, at 7,000 once every 25; a full pass over the unfrozen heap came
about once every 4,000). Only reference cycles wait longer to be freed; everything else is
freed as before, by reference counting. Measured in process on the 2-core machine (4 December
2026, docs/benchmarks.md): 3 to 5% less CPU a lesson page; a first completion's change was
within the noise; 20,000 was no better than 7,000.

Celery, per worker as it starts (post_worker_init, before the freeze): its first publish in a
process finalizes the app, imports the broker's transport and builds the producer pool, about
52 ms of CPU that the first request queueing a task (a module's certificate) waited for. The
hook does that work at start, without connecting (cms.core.queue.publisher_prepare); that
request then only connects (about 5 ms). A failure there is logged, never a worker that will
not boot: it is only a saving.
"""

import gc
import multiprocessing
import os
import sys

GC_YOUNG_THRESHOLD = 7_000

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = 60


def post_worker_init(worker):
    """Do Celery's once-a-process publishing work (cms.core.queue.publisher_prepare) when the site
    is what this worker serves (not the benches' bare view), then freeze what loading the
    application made and collect the young generation less often (see above); the older
    generations keep Python's thresholds."""
    if "cms.wsgi" in sys.modules:
        from cms.core.queue import publisher_prepare

        publisher_prepare()
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)
