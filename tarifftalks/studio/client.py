"""The connection to Label Studio: a team server from the environment, else the local one.

    LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY   a shared server (legacy token or personal access
                                               token; the SDK tells them apart)
    neither                                    the local server of `tarifftalks studio up`

The key lives only in this process's memory: it is never written, logged, or put in an error
message (every message passes through `_redact`, in case a server echoes it back).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from ..errors import UserError
from . import server

T = TypeVar("T")


@dataclass
class Connection:
    url: str
    local: bool
    _key: str = field(repr=False)
    _client: Any = field(default=None, repr=False)

    @property
    def client(self) -> Any:
        if self._client is None:
            from label_studio_sdk import LabelStudio

            with self.errors("connecting"):
                self._client = LabelStudio(base_url=self.url, api_key=self._key, timeout=300)
        return self._client

    def _redact(self, msg: str) -> str:
        if self._key:
            msg = msg.replace(self._key, "***")
        return re.sub(r"//[^/@\s]*@", "//***@", msg)  # credentials inside a URL

    @contextmanager
    def errors(self, doing: str) -> Iterator[None]:
        """Turn transport and API failures into one-line UserErrors."""
        from label_studio_sdk.core.api_error import ApiError

        where = self._redact(self.url)
        try:
            yield
        except (httpx.ConnectError, httpx.RemoteProtocolError, ConnectionError):
            hint = "run `tarifftalks studio up`" if self.local else "check LABEL_STUDIO_URL"
            raise UserError(f"cannot reach Label Studio at {where} ({hint})") from None
        except httpx.TimeoutException:
            raise UserError(f"Label Studio at {where} did not answer in time ({doing})") from None
        except httpx.HTTPError as exc:
            msg = self._redact(f"{type(exc).__name__}: {exc}")
            raise UserError(f"Label Studio at {where}: {doing} failed ({msg})") from None
        except ApiError as exc:
            detail = _detail(exc.body)
            if exc.status_code == 401:
                source = "LABEL_STUDIO_API_KEY" if not self.local else "the local token"
                raise UserError(
                    self._redact(f"Label Studio at {where} rejected {source} ({detail})")
                ) from None
            raise UserError(
                self._redact(
                    f"Label Studio at {where}: {doing} failed ({exc.status_code}: {detail})"
                )
            ) from None

    def call(self, doing: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.errors(doing):
            return fn(*args, **kwargs)

    def check(self) -> dict[str, Any]:
        """Who we are on the server: proves the URL answers and the key is accepted."""
        me = self.call("checking the API key", self.client.users.whoami)
        return {"email": getattr(me, "email", None), "id": getattr(me, "id", None)}


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        errors = body.get("validation_errors")
        if isinstance(errors, dict) and errors:
            parts = [
                f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in errors.items()
            ]
            return "; ".join(parts)[:300]
        for key in ("detail", "message", "error"):
            if body.get(key):
                return str(body[key])[:300]
        return str(body)[:300]
    if isinstance(body, str) and body.lstrip().startswith("<"):
        return "an HTML error page"
    return str(body)[:300]


def connect(root: Path | None = None, check: bool = True) -> Connection:
    url = os.environ.get("LABEL_STUDIO_URL", "").strip()
    if url:
        key = os.environ.get("LABEL_STUDIO_API_KEY", "").strip()
        if not key:
            raise UserError("LABEL_STUDIO_URL is set but LABEL_STUDIO_API_KEY is not")
        conn = Connection(url=url.rstrip("/"), local=False, _key=key)
    else:
        state = server.running(root)
        token = server.local_token(root)
        if not state or not token:
            raise UserError(
                "no local Label Studio is running: run `tarifftalks studio up` "
                "(or set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY for a team server)"
            )
        conn = Connection(url=state["url"], local=True, _key=token)
    if check:
        conn.check()
    return conn
