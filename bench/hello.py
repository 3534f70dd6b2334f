"""Flask's hello world: the baseline `bench.http` serves under the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The smallest useful response."""
    return "Hello, World!"
