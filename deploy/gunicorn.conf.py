"""Gunicorn for production, behind nginx (deploy/README.md).

    gunicorn -c deploy/gunicorn.conf.py vinhtuong_program.wsgi

GUNICORN_BIND and GUNICORN_WORKERS in the environment file override the two values that
depend on the machine.
"""

import multiprocessing
import os

wsgi_app = "vinhtuong_program.wsgi:application"
proc_name = "vinhtuong"

# Only nginx on this machine talks to gunicorn; never bind a public address.
bind = [os.environ.get("GUNICORN_BIND") or "127.0.0.1:8000"]
# Sync workers: nginx buffers slow clients, so a worker is busy only while Django works.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# Report downloads (.docx/.pdf/.xlsx at district scale) take the longest; pupil lists are
# imported by the background worker, not in a request. nginx waits a little longer than this.
timeout = 120
graceful_timeout = 30
keepalive = 5
# A fresh process now and then: memory a long-lived worker gathered is given back.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file on tmpfs: a disk under load must not make workers look dead.
worker_tmp_dir = "/dev/shm"  # noqa: S108  # nosec B108  # gunicorn creates its own unlinked files there

# Request heads: URLs and headers as long as any page of the site needs, no longer.
limit_request_line = 4094
limit_request_fields = 100
limit_request_field_size = 8190

# Only nginx on this machine may say the request came over HTTPS.
forwarded_allow_ips = "127.0.0.1,::1"

# Logs go to the journal (journalctl -u vinhtuong). The access log leaves out query strings,
# which can hold searched names and looked-up phone numbers, the referrer (which may carry them
# too) and the client's address (nginx logs it).
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
