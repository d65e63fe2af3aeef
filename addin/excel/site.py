"""The add-in's web-facing defences and pages, hooked into xlwings Server by ``webapp.install``.

- ``sameorigin.SameOrigin``: state-changing requests a page on another site could make a browser
  send (forms, bodies without a JSON content type, foreign ``Origin``/``Sec-Fetch-Site``) are 403;
- ``pageheaders.PageHeaders``: the task pane and every other page carry a Content-Security-Policy
  (frames only by Office on the web), ``nosniff`` and ``no-referrer``;
- ``startpage.StartPage``: ``/`` is a short Swedish page for IT and serves IT's documentation;
- the template globals the manifest and the start page read: the support URL (setting
  ``support_url``), the minimum ExcelApi (``excelapi``), the version.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from xlwings_server.config import settings
from xlwings_server.templates import templates

from .. import __version__, resources
from .. import settings as amanst_settings
from . import verification_page
from .excelapi import MIN_EXCEL_API
from .pageheaders import PageHeaders, content_security_policy
from .sameorigin import SameOrigin
from .startpage import StartPage

log = logging.getLogger("amanst")

# Office requires 16, 32 and 80 px for a command's icon and uses 20, 24, 40, 48 and 64 px when the
# screen scales ("Icon element" in the manifest reference); scripts/build_icons.py draws them all.
ICON_SIZES = (16, 20, 24, 32, 40, 48, 64, 80)


def _settings() -> amanst_settings.Settings:
    """The installation's settings; an unusable file or value gives the defaults, logged."""
    try:
        return amanst_settings.load()
    except amanst_settings.SettingsError as exc:
        log.error("%s Använder standardvärden för serverns sidor.", exc)
        return amanst_settings.Settings()


def support_url() -> str:
    return _settings().support_url.strip()


def render_start_page(context: Mapping[str, Any]) -> str:
    return templates.env.get_template("start.html").render(settings=settings, **context)


def install(app: Any) -> None:
    """Add the middleware (innermost first) and the template globals."""
    app.add_middleware(StartPage, render=render_start_page, docs_dir=resources.docs_dir(),
                       app_path=settings.app_path)
    app.add_middleware(SameOrigin, hostname=settings.hostname,
                       allowed_origins=settings.cors_allow_origins,
                       public_paths=(verification_page.PATH,))  # changes nothing: any form
    policy = content_security_policy(_settings().office_frame_ancestors.split(),
                                     cdn_officejs=settings.cdn_officejs)
    app.add_middleware(PageHeaders, policy=policy)
    templates.env.globals.update(amanst_support_url=support_url,
                                 amanst_min_excel_api=MIN_EXCEL_API,
                                 amanst_icon_sizes=ICON_SIZES, amanst_version=__version__)
