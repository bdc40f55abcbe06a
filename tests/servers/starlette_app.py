"""Starlette's CORSMiddleware (FastAPI's is the same class) with the options of one
row of options.json (CORS_OPTIONS, JSON), in front of one route that answers every
method."""
import json
import os

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def items(request):
    return PlainTextResponse("ok", headers={"X-Route": "hit"})


options = json.loads(os.environ.get("CORS_OPTIONS", "{}"))
methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY"]
app = Starlette(
    routes=[Route("/items", items, methods=methods)],
    middleware=[Middleware(CORSMiddleware, **options)],
)
uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning")
