"""Say clearly, before the suite starts, when PostgreSQL or Redis is not reachable."""

import os
import sys

import psycopg
import redis


def main() -> int:
    database_url = os.environ["DATABASE_URL"]
    redis_url = os.environ["REDIS_URL"]
    problems = []
    try:
        psycopg.connect(database_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        problems.append(
            f"PostgreSQL is not reachable at {database_url} ({exc.__class__.__name__}).\n"
            "  Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
            "  or set DATABASE_URL=postgres://USER@HOST:PORT/DBNAME"
        )
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        problems.append(
            f"Redis is not reachable at {redis_url} ({exc.__class__.__name__}).\n"
            "  Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' "
            "--appendonly no\n  or set REDIS_URL=redis://HOST:PORT/DB"
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
