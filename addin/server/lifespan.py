"""Start-up of a server process: xlwings Server runs ``lifespan`` (its documented hook, a file of
this name in the project folder) in every worker once the app is built, before the first request.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from addin.collector import settle_after_start


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    settle_after_start()
    yield
