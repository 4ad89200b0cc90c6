"""`tandem serve`: migrate, seed the demo when it is on, and serve the web app."""

from __future__ import annotations

import argparse
import logging

import uvicorn
from uvicorn.config import LOGGING_CONFIG

from tandem.config import get_settings
from tandem.security.log_redaction import protect_handlers, protected
from tandem.services.demo_agents import demo_password, ensure_demo_agents
from tandem.services.runtime import build_runtime
from tandem.storage.db import make_engine
from tandem.web.app import create_app


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="Run the web server (widget, console, API).")
    parser.add_argument("--host", help="Override TANDEM_HOST.")
    parser.add_argument("--port", type=int, help="Override TANDEM_PORT.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if overrides:
        settings = settings.model_copy(update=overrides)
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    protect_handlers(logging.getLogger())  # no token, email or card number in any log line
    print("Loading Tandem (migrations, models, shop)...", flush=True)
    runtime = build_runtime(settings)
    base = f"http://{settings.host}:{settings.port}"
    lines = [f"\nTandem is running on {base}"]
    if settings.demo:
        from tandem.commands.demo import seed_demo_history, seed_demo_shop

        shop_engine = make_engine(settings.shop_database_url)
        print(seed_demo_shop(shop_engine), flush=True)
        shop_engine.dispose()
        password = demo_password(settings.demo_password)
        lines += [f"  demo shop with the chat widget: {base}/"]
        lines += [f"  agent console:                  {base}/console"]
        lines += [f"  API documentation:              {base}/docs", "  demo logins:"]
        for email, name, role in ensure_demo_agents(runtime.engine, password):
            lines.append(f"    {email:<22} {name:<14} ({role.value})  password: {password}")
        if settings.demo_history:
            print(seed_demo_history(runtime.engine), flush=True)
    else:
        lines += [f"  agent console: {base}/console", f"  API documentation: {base}/docs"]
    print("\n".join(lines) + "\n", flush=True)
    uvicorn.run(
        create_app(settings, runtime),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=protected(LOGGING_CONFIG),
        # X-Forwarded-* only from TANDEM_TRUSTED_PROXIES (uvicorn would trust 127.0.0.1 unasked)
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )
    return 0
