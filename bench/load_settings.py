"""Settings of the load benchmark's gunicorn: the project's own, with a trivial view added to the URLs
and the database the benchmark filled (BENCH_LOAD_DATABASE_NAME: a PostgreSQL database or an SQLite file)."""

import os

from vinhtuong_program.settings import *  # noqa: F403
from vinhtuong_program.settings import DATABASES

ROOT_URLCONF = "bench.load_urls"
DATABASES["default"]["NAME"] = os.environ["BENCH_LOAD_DATABASE_NAME"]
