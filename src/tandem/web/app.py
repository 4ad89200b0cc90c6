"""create_app(): the ASGI application, and the periodic jobs it runs while it serves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from tandem.config import Settings
from tandem.services.jobs import Scheduler, periodic_jobs
from tandem.services.runtime import Runtime, build_runtime
from tandem.web import (
    agent_api,
    agents_api,
    api_docs,
    capacity_api,
    customer_api,
    dashboard_page,
    drafts_api,
    errors,
    handing_on_api,
    health,
    languages_api,
    lead_api,
    macros_api,
    metrics_api,
    ops,
    pages,
    policy_page,
    rollout_api,
    suggestion_api,
)
from tandem.web.body_limit import BodyLimit
from tandem.web.headers import SecurityHeaders, WidgetCors, cors_origins
from tandem.web.request_ids import RequestIds


def create_app(settings: Settings, runtime: Runtime | None = None) -> FastAPI:
    """The app; it builds its runtime (database, models, shop) at start-up unless given one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime or build_runtime(settings)
        jobs = Scheduler(app.state.runtime, periodic_jobs(app.state.runtime.settings))
        jobs.start()
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(jobs.stop)
            app.state.runtime.changes.close()
            app.state.runtime.engine.dispose()

    app = FastAPI(
        title="Tandem",
        version="1",
        description="Customer service where an AI assistant and a human team work in tandem.",
        lifespan=lifespan,
        docs_url=None,  # api_docs serves /docs and /redoc without a CDN
        redoc_url=None,
    )
    if runtime is not None:
        app.state.runtime = runtime
    errors.install(app)
    # The last added runs first: the request id, headers on every answer, CORS on the widget's,
    # then the limit.
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, read_seconds=settings.request_read_seconds
    )
    origins = cors_origins(settings.cors_origins)
    if origins:
        app.add_middleware(WidgetCors, origins=origins)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestIds)
    app.include_router(health.router)
    app.include_router(customer_api.router)
    app.include_router(languages_api.router)
    app.include_router(agent_api.router)
    app.include_router(drafts_api.router)
    app.include_router(handing_on_api.router)
    app.include_router(macros_api.router)
    app.include_router(suggestion_api.router)
    app.include_router(lead_api.router)
    app.include_router(rollout_api.router)
    app.include_router(agents_api.router)
    app.include_router(capacity_api.router)
    app.include_router(metrics_api.router)
    app.include_router(ops.router)
    app.include_router(pages.router)
    app.include_router(policy_page.router)
    app.include_router(dashboard_page.router)
    api_docs.install(app)
    if settings.demo:
        app.include_router(pages.shop_router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app


def served_app() -> FastAPI:
    """The app of one of `tandem serve --workers N`'s processes (settings from the environment;
    the runtime is built in its lifespan, so each process loads the trained models itself)."""
    from tandem.config import get_settings

    return create_app(get_settings())
