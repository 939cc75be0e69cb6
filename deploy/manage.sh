#!/bin/sh
# manage.py as the services run it: the same environment file, this checkout, its venv.
#   sudo -u vinhtuong /srv/vinhtuong/app/deploy/manage.sh migrate
# VINHTUONG_ENV_FILE points at another environment file (default /etc/vinhtuong/vinhtuong.env).
set -eu
env_file="${VINHTUONG_ENV_FILE:-/etc/vinhtuong/vinhtuong.env}"
app_dir="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -r "$env_file" ]; then
    echo "Cannot read $env_file: run as the vinhtuong user (sudo -u vinhtuong $0 ...)" >&2
    exit 1
fi
set -a
. "$env_file"
set +a
cd "$app_dir"
exec "$app_dir/.venv/bin/python" manage.py "$@"
