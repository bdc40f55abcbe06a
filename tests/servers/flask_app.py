"""flask-cors's CORS(app, ...) with the options of one row of options.json
(CORS_OPTIONS, JSON), in front of one route that answers every method, OPTIONS
included (so that whether OPTIONS reaches the route shows)."""
import json
import logging
import os

from flask import Flask
from flask_cors import CORS
from werkzeug.serving import run_simple

options = json.loads(os.environ.get("CORS_OPTIONS", "{}"))
app = Flask(__name__)
CORS(app, **options)


@app.route(
    "/items",
    methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "QUERY"],
    provide_automatic_options=False,
)
def items():
    return "ok", 200, {"X-Route": "hit"}


logging.getLogger("werkzeug").setLevel(logging.ERROR)
run_simple("127.0.0.1", int(os.environ["PORT"]), app)
