"""`tarifftalks studio users add NAME… | list`: annotator accounts on the server.

The open-source edition's user API cannot set a password, and it has no roles: every member of
the organisation may see every project and every annotation (role-based access and hiding
annotators' work from each other are Label Studio Enterprise features; independence of the two
passes is kept by process, docs/STUDIO.md). So an account is made as a person would make it: the
organisation's invite link (read with the admin's key) and the sign-up form, with an email and
a password. The password is read from `TARIFFTALKS_PASSWORD_<NAME>` when set, else generated and
printed once; it is never written to a file.
"""

from __future__ import annotations

import html
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from ..errors import UserError
from .client import Connection

DEFAULT_DOMAIN = "tarifftalks.local"
PASSWORD_ENV = "TARIFFTALKS_PASSWORD_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")


def email_of(name: str, domain: str = DEFAULT_DOMAIN) -> str:
    """`alice` -> alice@<domain>; a full address is kept (lower-cased, as the server stores it)."""
    if "@" in name:
        local, _, host = name.partition("@")
        if not (_NAME.fullmatch(local) and re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", host)):
            raise UserError(f"{name!r}: not an email address this command accepts")
        return name.lower()
    if not _NAME.fullmatch(name):
        raise UserError(
            f"{name!r}: a user name is letters, digits and . _ + - (at most 64), or an email"
        )
    return f"{name}@{domain}".lower()


def password_env(name: str) -> str:
    """The environment variable that may hold NAME's password."""
    local = name.partition("@")[0]
    return PASSWORD_ENV + re.sub(r"[^A-Z0-9]", "_", local.upper())


def list_users(conn: Connection) -> list[dict[str, Any]]:
    """Members of the organisation: id, email, username (sorted by id)."""
    users = conn.call("listing users", lambda: list(conn.client.users.list()))
    out = []
    for u in users:
        d = u if isinstance(u, dict) else u.dict()
        if isinstance(d.get("id"), int):
            out.append({k: d.get(k) for k in ("id", "email", "username")})
    return sorted(out, key=lambda u: u["id"])


def _csrf(client: httpx.Client) -> str:
    for cookie in client.cookies.jar:
        if cookie.name == "csrftoken":
            return str(cookie.value)
    raise UserError(f"{client.base_url}: the server set no CSRF cookie (is it Label Studio?)")


def _form_errors(page: str) -> str:
    errors = re.findall(r'<ul class="field_errors">(.*?)</ul>', page, flags=re.S)
    items = [html.unescape(re.sub(r"<[^>]+>", " ", e)).split() for e in errors]
    return "; ".join(" ".join(i) for i in items if i) or "the server did not say why"


def _signup(url: str, token: str, email: str, password: str) -> None:
    path = f"/user/signup/?token={token}"
    with httpx.Client(base_url=url, follow_redirects=False, timeout=60) as http:
        http.get(path)
        resp = http.post(
            path,
            data={
                "email": email,
                "password": password,
                "csrfmiddlewaretoken": _csrf(http),
                "how_find_us": "",
            },
            headers={"Referer": f"{url}{path}"},
        )
        if resp.status_code == 302:
            return
        if resp.status_code == 403:
            raise UserError(f"{email}: the server refused the invite link (403)")
        raise UserError(f"{email}: sign-up refused: {_form_errors(resp.text)}")


def add_users(conn: Connection, names: list[str], domain: str = DEFAULT_DOMAIN) -> list[dict]:
    """Create one account per name (existing accounts are reported and left alone).

    Returns rows {name, email, id, password (None unless generated here), source}."""
    wanted = []
    for name in names:
        email = email_of(name, domain)
        if email not in [w[1] for w in wanted]:
            wanted.append((name, email))
    existing = {u["email"]: u for u in list_users(conn)}
    invite = conn.call("reading the invite link", conn.client.organizations.invites.get_invite_link)
    token = getattr(invite, "token", None) or (
        invite.get("token") if isinstance(invite, dict) else None
    )
    rows = []
    for name, email in wanted:
        if email in existing:
            rows.append(
                {
                    "name": name,
                    "email": email,
                    "id": existing[email]["id"],
                    "password": None,
                    "source": "exists",
                }
            )
            continue
        if not isinstance(token, str) or not token:
            raise UserError(f"{conn.url}: no invite token; is this key an administrator's?")
        var = password_env(name)
        password = os.environ.get(var)
        source = f"${var}" if password else "generated"
        password = password or secrets.token_urlsafe(15)
        with conn.errors(f"creating the account {email}"):
            _signup(conn.url, token, email, password)
        rows.append(
            {
                "name": name,
                "email": email,
                "id": None,
                "password": password if source == "generated" else None,
                "source": source,
            }
        )
    ids = {u["email"]: u["id"] for u in list_users(conn)}
    for row in rows:
        row["id"] = ids.get(row["email"], row["id"])
        if row["id"] is None:
            raise UserError(f"{row['email']}: signed up, but the server does not list the account")
    return rows


@contextmanager
def login(url: str, email: str, password: str) -> Iterator[httpx.Client]:
    """A browser-like session of one user (cookie + CSRF token), e.g. an annotator's."""
    with httpx.Client(base_url=url, follow_redirects=False, timeout=60) as http:
        http.get("/user/login/")
        resp = http.post(
            "/user/login/",
            data={"email": email, "password": password, "csrfmiddlewaretoken": _csrf(http)},
            headers={"Referer": f"{url}/user/login/"},
        )
        if resp.status_code != 302 or "sessionid" not in http.cookies:
            raise UserError(f"{email}: login refused by {url}")
        http.headers["X-CSRFToken"] = _csrf(http)
        http.headers["Referer"] = f"{url}/"
        yield http
