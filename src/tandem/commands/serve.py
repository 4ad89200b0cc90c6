"""`tandem serve`: migrate, seed the demo when it is on, and serve the web app, in one process
or in several (`--workers N`, PostgreSQL only) that share the database."""

from __future__ import annotations

import argparse
import os
import sys

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine

from tandem import logs
from tandem.config import Settings, get_settings
from tandem.services.demo_agents import demo_password, ensure_demo_agents
from tandem.services.rollout import ensure_demo_rollout
from tandem.services.runtime import build_runtime
from tandem.storage.db import make_engine
from tandem.web.app import create_app

#: More worker processes than this per core only adds context switches.
WORKERS_PER_CORE = 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="Run the web server (widget, console, API).")
    parser.add_argument("--host", help="Override TANDEM_HOST.")
    parser.add_argument("--port", type=int, help="Override TANDEM_PORT.")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help=(
            "Server processes sharing one PostgreSQL database (default 1; at most 4 per core). "
            "Set TANDEM_REDIS_URL too, so rate limits are shared."
        ),
    )
    parser.set_defaults(func=run)


def workers_problem(workers: int, settings: Settings, cores: int) -> str | None:
    """Why this worker count cannot run here, or None."""
    most = max(1, cores) * WORKERS_PER_CORE
    if not 1 <= workers <= most:
        return f"--workers must be between 1 and {most} ({WORKERS_PER_CORE} per core), " + (
            f"not {workers}"
        )
    if workers > 1 and settings.database_url.startswith("sqlite"):
        return (
            "--workers above 1 needs PostgreSQL: SQLite serves one process. "
            "Set TANDEM_DATABASE_URL=postgresql+psycopg://user@host/db"
        )
    return None


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.host is not None:
        os.environ["TANDEM_HOST"] = args.host  # the worker processes read the environment
    if args.port is not None:
        os.environ["TANDEM_PORT"] = str(args.port)
    if args.host is not None or args.port is not None:
        get_settings.cache_clear()
        settings = get_settings()
    problem = workers_problem(args.workers, settings, os.cpu_count() or 1)
    if problem:
        print(f"tandem serve: {problem}", file=sys.stderr, flush=True)
        return 2
    log_config = logs.configure(settings.log_level, settings.log_format)
    print("Loading Tandem (migrations, models, shop)...", flush=True)
    runtime = build_runtime(settings)  # migrates and trains once, before any worker starts
    print(banner(settings, runtime.engine), flush=True)
    if args.workers == 1:
        app: FastAPI | str = create_app(settings, runtime)
    else:
        runtime.engine.dispose()  # each worker builds its own runtime (and loads the models)
        app = "tandem.web.app:served_app"
    uvicorn.run(
        app,
        factory=isinstance(app, str),
        workers=args.workers if isinstance(app, str) else None,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=log_config,
        timeout_graceful_shutdown=int(settings.shutdown_grace_seconds),
        # X-Forwarded-* only from TANDEM_TRUSTED_PROXIES (uvicorn would trust 127.0.0.1 unasked)
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )
    return 0


def banner(settings: Settings, engine: Engine) -> str:
    """What a person starting the server needs: the addresses, and the demo logins."""
    base = f"http://{settings.host}:{settings.port}"
    lines = [f"\nTandem is running on {base}"]
    if settings.demo:
        from tandem.commands.demo import seed_demo_history, seed_demo_shop

        shop_engine = make_engine(settings.shop_database_url)
        lines.insert(0, seed_demo_shop(shop_engine))
        shop_engine.dispose()
        password = demo_password(settings.demo_password)
        lines += [f"  demo shop with the chat widget: {base}/"]
        lines += [f"  agent console:                  {base}/console"]
        lines += [f"  lead dashboard:                 {base}/console/dashboard"]
        lines += [f"  API documentation:              {base}/docs", "  demo logins:"]
        for email, name, role in ensure_demo_agents(engine, password):
            lines.append(f"    {email:<22} {name:<14} ({role.value})  password: {password}")
        if settings.demo_history:
            lines.insert(1, seed_demo_history(engine))
        ensure_demo_rollout(engine)  # every roll-out mode shown (docs/rollout.md)
    else:
        lines += [f"  agent console: {base}/console", f"  API documentation: {base}/docs"]
    return "\n".join(lines) + "\n"
