#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on localhost; start them when installed but
# stopped, install them from Debian's packages when missing (needs root).
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v pg_ctlcluster >/dev/null; then
  "$here/ensure-system-packages.sh" postgresql
fi
if ! pg_up; then
  echo "Starting PostgreSQL…"
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 30); do pg_up && break; sleep 1; done
fi
pg_up || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }

if ! command -v redis-server >/dev/null; then
  "$here/ensure-system-packages.sh" redis-server
fi
if ! redis_up; then
  echo "Starting Redis…"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 30); do redis_up && break; sleep 1; done
fi
redis_up || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }
echo "PostgreSQL and Redis are up."
