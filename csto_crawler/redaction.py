"""Passwords out of database URLs, and out of any message that may repeat them, whatever the URL's faults.

A URL given to ``csto export --to`` may be misspelt (``postgressql://``, ``postgresql:/``), of
another database, carry its password as a ``?password=`` parameter, hold an unescaped ``@`` in
the password, or a port that is not a number; a parser then fails, or reads part of the password
as the host and puts it into its own error message. So nothing here parses: ``redact_url`` masks
what stands between the user's ``:`` and the last ``@``, and the values of password parameters;
``redact`` masks the URL's secrets, and each ``@``-separated piece of them, wherever they appear
in a message.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

MASK = "***"
# scheme: and its slashes, misspelt or not: "postgresql://", "postgresql:/", "postgres ql://"
SCHEME_RE = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.\- ]*:(?=/)/*")
# ?password=..., &pwd=..., ;pass=... (libpq and ODBC spellings)
SECRET_PARAM_RE = re.compile(
    r"(?i)((?:^|[?&;\s])(?:password|passwd|pass|pwd|secret|sslpassword|sslkey)\s*=\s*)([^&;#\s]*)"
)
# A piece of a password shorter than this is not looked for in messages (it would mask words).
SHORTEST_PIECE = 3


def redact_url(url: str) -> str:
    """The URL as it may be printed: the password masked, whatever else is wrong with it."""
    text = SECRET_PARAM_RE.sub(lambda m: m.group(1) + MASK, url)
    at = text.rfind("@")
    if at < 0:
        return text
    scheme = SCHEME_RE.match(text)
    start = scheme.end() if scheme else 0
    user, colon, _ = text[start:at].partition(":")
    if not colon:
        return text
    return text[:start] + user + ":" + MASK + text[at:]


def secrets_of(url: str) -> list[str]:
    """The URL's password and password parameters, as written and percent-decoded, and their
    ``@``-separated pieces (a parser that split the password at its ``@`` may print one), longest first."""
    found = [match.group(2) for match in SECRET_PARAM_RE.finditer(url)]
    at = url.rfind("@")
    if at >= 0:
        scheme = SCHEME_RE.match(url)
        _, colon, password = url[scheme.end() if scheme else 0 : at].partition(":")
        if colon:
            found.append(password)
    pieces = {piece for secret in found for piece in (secret, unquote(secret), *secret.split("@"))}
    return sorted((p for p in pieces if len(p) >= SHORTEST_PIECE), key=len, reverse=True)


def redact(text: str, url: str) -> str:
    """``text`` (an error message, a log line) with every secret of ``url`` masked."""
    for secret in secrets_of(url):
        text = text.replace(secret, MASK)
    return text
