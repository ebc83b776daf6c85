"""Gunicorn settings for the platform (used by `make run`, `make prod-check` and the systemd unit).

Sized for the reference server: 2 cores. Every value can be overridden from the environment
(GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG).

Why these values:
- workers = 2 × cores + 1 (5 on two cores), sync workers with 2 threads each: Django pages are CPU-bound and short;
  threads cover the time a worker waits on the database or a file download.
- timeout 60 s: anything longer than a page belongs in a background job (ledger imports over the synchronous
  threshold go to the django-tasks worker); graceful_timeout 30 s lets a request in flight finish on a reload.
- preload_app: the application is imported once in the master, so a broken deploy fails at start instead of in
  every worker, and workers share the imported code's memory.
- max_requests with jitter recycles workers now and then, bounding any slow memory growth.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
_cores = multiprocessing.cpu_count()
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * _cores + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = 5
preload_app = True
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# Behind nginx: trust X-Forwarded-* only from the local proxy.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "fazhi-web"
# Temporary request bodies in RAM (tmpfs) rather than on a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_fork(server, worker):
    # Connections opened in the master while preloading must not be shared with the forked workers.
    from django.db import connections

    connections.close_all()
