"""The content origin: course packages run on a host of their own, never on the portal's.

A package's scripts are the course author's, not ours. Served from the portal's origin they
could read its pages (CSRF tokens included) and act as whoever opened them. So one app answers
two host names (docs/content-origin.md):

- the portal (LMS_BASE_URL): every page but the content endpoints, which answer 404 there;
- the content host (LMS_CONTENT_BASE_URL): only the views marked `content_only` (package
  files, the SCORM player page and its runtime endpoints), plus /static and /healthz.
  Everything else answers 404, so no sign-in page, no form and no session cookie ever exists
  on that origin: its views authorise by the signed tokens in their URLs alone.

Content responses forbid being framed by anything but the two origins, send no referrer (the
tokens are in the URLs) and never set a cookie; portal responses may be framed by the portal
alone, so content cannot frame a portal page either.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, Request, abort, current_app, request, url_for
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Response

from lms.config import DEFAULT_PORTS, content_base_url

log = logging.getLogger(__name__)
V = TypeVar("V", bound=Callable[..., Any])
# Answer on both hosts: the player page's own CSS and JS, and the health check.
BOTH_ORIGINS = frozenset({"static", "health.healthz"})


def content_only(view: V) -> V:
    """The view answers on the content host only (404 on the portal's)."""
    view.on_content_origin = True  # type: ignore[attr-defined]
    return view


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _host_key(scheme: str, host: str) -> str:
    """A Host header as compared: lower case, the scheme's default port left out."""
    host = host.lower()
    default = DEFAULT_PORTS.get(scheme)
    return host.removesuffix(f":{default}") if default else host


def base_url() -> str:
    """The content origin, e.g. https://content.lp.example.gov."""
    return current_app.config["LMS_CONTENT_BASE_URL"]


def portal_origin() -> str:
    return _origin(current_app.config["LMS_BASE_URL"])


def content_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of a view on the content origin."""
    return base_url() + url_for(endpoint, _external=False, **values)


def portal_url(endpoint: str, **values: Any) -> str:
    """A link to a portal page: absolute from a content-origin page, a path on the portal."""
    path = url_for(endpoint, _external=False, **values)
    return portal_origin() + path if is_content_host() else path


def is_content_host(incoming: Request | None = None) -> bool:
    """Whether the request came to the content host."""
    incoming = incoming or request
    content = urlsplit(base_url())
    return _host_key(content.scheme, incoming.host) == _host_key(content.scheme, content.netloc)


class PortalOnlySessions(SecureCookieSessionInterface):
    """Sessions exist on the portal host only: on the content host the session is a null
    session, never read from a cookie nor saved into one (a view writing to it fails)."""

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        if is_content_host(request):
            return self.make_null_session(app)
        return super().open_session(app, request)


class HostCheck:
    """Says once per process, loudly, when requests arrive for a host that is neither the
    portal's nor the content host: the base URL then names another address than the one
    learners use, and every statement recorded carries the wrong IRIs (docs/foundation.md)."""

    def __init__(self) -> None:
        self._said = threading.Event()
        self._saying = threading.Lock()  # taken once, never released: one message at most

    def __call__(self) -> None:
        if self._said.is_set():
            return
        portal = urlsplit(current_app.config["LMS_BASE_URL"])
        arrived = _host_key(portal.scheme, request.host)
        if arrived in (
            _host_key(portal.scheme, portal.netloc),
            _host_key(portal.scheme, urlsplit(base_url()).netloc),
        ):
            return
        if not self._saying.acquire(blocking=False):
            return
        self._said.set()
        log.error(
            "\n%s\nLMS_BASE_URL is %s but requests arrive for %s://%s.\nStatements, "
            "launch links and learners' accounts are made from LMS_BASE_URL: set it to the "
            "address learners use (docs/foundation.md, 'The portal's address').\n%s",
            "=" * 78,
            current_app.config["LMS_BASE_URL"],
            request.scheme,
            request.host,
            "=" * 78,
        )


def _guard() -> None:
    if request.endpoint in BOTH_ORIGINS:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    for_content = bool(getattr(view, "on_content_origin", False))
    if is_content_host():
        if not for_content:
            abort(404, "This host serves course content only.")
    elif for_content:
        abort(404, "Course content is served from the content host only.")


def _headers(response: Response) -> Response:
    if is_content_host():
        response.headers["Content-Security-Policy"] = (
            f"frame-ancestors {portal_origin()} {base_url()}"
        )
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.remove("Set-Cookie")
    else:
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


def init_app(app: Flask) -> None:
    """Resolve LMS_CONTENT_BASE_URL (refusing to start without a usable one) and install the
    host guard; register it before any other before-request function (the CSRF check would
    otherwise answer a form posted to the content host)."""
    app.config["LMS_CONTENT_BASE_URL"] = content_base_url(
        app.config["LMS_BASE_URL"], app.config.get("LMS_CONTENT_BASE_URL")
    )
    app.session_interface = PortalOnlySessions()
    app.before_request(HostCheck())
    app.before_request(_guard)
    app.after_request(_headers)
    app.jinja_env.globals.update(portal_url=portal_url, on_content_host=is_content_host)
