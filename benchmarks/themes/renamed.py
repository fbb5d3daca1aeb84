"""Theme "renamed": the odkb markup and nesting, every class and id renamed to meaningless names.

What a template looks like after a front-end build step (CSS modules, minified class names): the
same elements in the same places, but no ``news-detail``, ``sidebar-news``, ``news-item`` or
``modern-page-navigation`` to hold on to. ``c-3fa`` / ``blk-7c1_123`` names are stable per original
name (md5), so every page of the site uses the same ones. The article body (editor content) is
left as it is.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from csto.model import Article
from csto.render import Renderer

BODY_MARK = "\x00csto-body\x00"  # stands in for the body while the page around it is renamed
CLASS_RE = re.compile(r'\bclass="([^"]*)"')
ID_RE = re.compile(r'\bid="([^"]*)"')
ID_NUMBER_RE = re.compile(r"^(.*?)(\d{2,})$")


def meaningless(name: str, prefix: str) -> str:
    return f"{prefix}-{hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:3]}"


def rename_class(m: re.Match[str]) -> str:
    return 'class="' + " ".join(meaningless(c, "c") for c in m.group(1).split()) + '"'


def rename_id(m: re.Match[str]) -> str:
    value = m.group(1)
    numbered = ID_NUMBER_RE.match(value)
    if numbered and numbered.group(1):  # bx_3218110189_123 -> blk-xxx_123: the element id stays readable
        return f'id="{meaningless(numbered.group(1), "blk")}_{numbered.group(2)}"'
    return f'id="{meaningless(value, "blk")}"'


def rename(html: str) -> str:
    return ID_RE.sub(rename_id, CLASS_RE.sub(rename_class, html))


class Theme(Renderer):
    """odkb with renamed classes and ids (article bodies untouched)."""

    def page(self, *args: Any, **kwargs: Any) -> str:
        return rename(super().page(*args, **kwargs))

    def body_html(self, a: Article) -> str:
        return BODY_MARK

    def detail(self, a: Article) -> str:
        return super().detail(a).replace(BODY_MARK, Renderer.body_html(self, a), 1)

    def print_detail(self, a: Article) -> str:
        return super().print_detail(a).replace(BODY_MARK, Renderer.body_html(self, a), 1)
