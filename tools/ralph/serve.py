"""Serve Ralph's LRS (`ralph.api:app`) on its file-system backend, appending to its statements file.

Ralph 5.1.0's file-system LRS backend writes with its CREATE mode, which refuses to write to a
file that exists: every statement POST after the first answers 500 "Statements bulk indexation
failed". This serves the same app after setting that backend's write mode to APPEND, with one
uvicorn process and no reloader (`ralph runserver -b fs` starts a file-watching reloader).

Run with Ralph's venv (`make ralph`) and Ralph's own settings in the environment:
    RALPH_AUTH_FILE=... RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=... \\
        .venv-ralph/bin/python tools/ralph/serve.py --port 8115
"""

import argparse
import os

# Ralph reads its settings when first imported.
os.environ["RALPH_RUNSERVER_BACKEND"] = "fs"

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    uvicorn.run("ralph.api:app", host=args.host, port=args.port, log_level="warning", workers=1)


if __name__ == "__main__":
    main()
