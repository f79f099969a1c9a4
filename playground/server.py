"""`tailor playground`'s web server: the page, and one streaming route per tab (FastAPI on uvicorn, the same
parts `tailor serve` runs on, so nothing new is installed).

    GET  /                       the page (page.html: inline CSS and JS, nothing fetched from elsewhere)
    GET  /api/health             {"status": "ok", "backend": ..., "model": ...}
    GET  /api/table/sample       a held-out row of a bundled data set (?data=wine&index=0)
    POST /api/{tab}              kb, fridge, booking, table, idea: the columns' events as NDJSON (events.py)
    POST /api/booking/approve    the user's yes or no to the write an agent waits on

A bad body is refused before anything runs, with a 4xx and tailor serve's error body (inputs.py); an error
inside a column ends that column only. Checks run on a worker thread, model work on the one model thread.
"""

import sys
from pathlib import Path

from playground import booking, fridge, idea, inputs, kb, table
from playground.context import Context
from tailor.serve_request import RequestError

PAGE = Path(__file__).with_name("page.html")
# The browser itself refuses anything from outside this server (a second guard beside the page's code).
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
       "img-src 'self' data:; base-uri 'none'; form-action 'none'")
TABS = {"kb": kb, "fridge": fridge, "booking": booking, "table": table, "idea": idea}


def create_app(ctx: Context | None = None):
    from fastapi import FastAPI, Request
    from fastapi.responses import HTMLResponse, JSONResponse
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException

    from playground.runner import Runner

    ctx, runner = ctx or Context(), Runner()
    app = FastAPI(title="tailor playground", docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(HTTPException)
    async def http_error(request, error):  # 404, 405 in the same error body as every other refusal
        return refusal(JSONResponse, RequestError(error.status_code, f"{request.method} {request.url.path}: "
                                                                     f"{error.detail}"))

    @app.get("/")
    def page():
        return HTMLResponse(PAGE.read_text(encoding="utf-8"), headers={"Content-Security-Policy": CSP})

    @app.get("/api/health")
    def health():
        return {"status": "ok", "backend": backend_label(ctx)}

    @app.get("/api/table/sample")
    async def table_sample(data: str = "wine", index: str = "0"):
        try:
            name = inputs.choice({"data": data}, "data", table.DATA, "wine")
            if not index.isdigit() or len(index) > 6:
                raise RequestError(400, f"index must be a whole number, got {index!r}")
            return await run_in_threadpool(table.sample, ctx, name, int(index))
        except RequestError as error:
            return refusal(JSONResponse, error)

    @app.post("/api/booking/approve")
    async def approve(request: Request):
        try:
            plan = booking.check_approval(await inputs.read_json(request))
            if not await run_in_threadpool(booking.pending, ctx, plan[0], plan[1]):
                raise RequestError(409, "nothing is waiting for approval in this column; send a request first")
        except RequestError as error:
            return refusal(JSONResponse, error)
        return runner.response(lambda emit: booking.resume(plan, ctx, emit))

    @app.post("/api/{tab}")
    async def run_tab(tab: str, request: Request):
        try:
            module = TABS.get(tab)
            if module is None:
                raise RequestError(404, f"no tab {tab!r}; the tabs are {', '.join(TABS)}")
            body = await inputs.read_json(request)
            plan = await run_in_threadpool(checker(module), body, ctx)
        except RequestError as error:
            return refusal(JSONResponse, error)
        return runner.response(lambda emit: module.run(plan, ctx, emit))

    return app


def checker(module):
    """The tab's input check, with the context for the tabs that need it (the table's columns)."""
    return module.check if module is table else (lambda body, ctx: module.check(body))


def refusal(response_class, error: RequestError):
    from tailor.serve_stream import error_body

    status, body = error_body(error)
    return response_class(body, status_code=status)


def backend_label(ctx: Context) -> str:
    from tailor.backends import chosen_backend

    return chosen_backend(ctx.backend).name + (f" ({ctx.model})" if ctx.model else "")


# -- starting the server ------------------------------------------------------------------------
def exposure_warning(host: str) -> str | None:
    from tailor.serve import is_loopback

    if is_loopback(host):
        return None
    return (f"warning: tailor playground listens on {host}, beyond this machine: anyone who can reach it can run "
            "the models and book tables through the agent; use --host 127.0.0.1 unless you mean it")


def serve(ctx: Context, host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the page until Ctrl-C; models load on first use, so the page is up in about a second."""
    import uvicorn

    from tailor.serve import check_address

    check_address(host, port)
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr)
    shown = f"[{host}]" if ":" in host else host
    print(f"tailor playground: http://{shown}:{port}/ (backend {backend_label(ctx)}; Ctrl-C stops)", flush=True)
    uvicorn.run(create_app(ctx), host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)
