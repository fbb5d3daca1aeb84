"""Canonical URLs for any source: tracking, AMP / accessibility / print copies, mirrors, declared
canonicals (trusted only when sane), aliases; the CSTO's rules reproduced for its source."""

from __future__ import annotations

import pytest
from lxml import html

from csto_crawler.discovery.canonical import (
    DeclaredLinks,
    Variant,
    canonical_url,
    declared_links,
    drop_tracking,
    resolve,
    trusts_canonical,
    variant_copy,
)
from csto_crawler.sources import Language, Source, csto_source
from csto_crawler.urls import Sites

AGENCY = Source(
    name="agency",
    home="http://127.0.0.1:8811/",
    languages=(Language("ru", "http://127.0.0.1:8811/ru/"), Language("en", "http://127.0.0.1:8811/en/")),
)
KAZINFORM = Source(
    name="kazinform",
    home="https://qazinform.com/",
    languages=(Language("en", "https://www.inform.kz/en/"), Language("ru", "https://www.inform.kz/ru/")),
    start=("https://en.inform.kz/", "https://qazinform.com/"),
)
DISTRICT = Source(
    name="osipovichi",
    home="https://osipovichi.gov.by/ru/",
    languages=(Language("ru", "https://osipovichi.gov.by/ru/", ("https://osipovichi.mogilev-region.by/ru/",)),),
    start=("https://osipovichi.gov.by/special/ru/",),
)
ARTICLE = "http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-soveta-kollektivnoy-bezopasnosti-odkb-e3a91d"


def test_drop_tracking_keeps_everything_else() -> None:
    assert drop_tracking(f"{ARTICLE}?utm_source=most_read&utm_medium=x#comments") == ARTICLE
    assert drop_tracking("http://h/ru/tag/odkb/?page=2&fbclid=abc&yclid=1") == "http://h/ru/tag/odkb/?page=2"


@pytest.mark.parametrize(
    ("url", "kind", "article"),
    [
        (
            "http://127.0.0.1:8811/ru/amp/news/sostoyalas-sessiya-e3a91d",
            Variant.AMP,
            "http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-e3a91d",
        ),
        (
            "https://en.inform.kz/amp/csto-defense-ministers-to-meet_a3780271/",
            Variant.AMP,
            "https://en.inform.kz/csto-defense-ministers-to-meet_a3780271/",
        ),
        (
            "https://www.inform.kz/en/kazakh-head-of-state-attends-csto-meeting_a3837269/amp",
            Variant.AMP,
            "https://www.inform.kz/en/kazakh-head-of-state-attends-csto-meeting_a3837269",
        ),
        ("https://site.kz/news/x-y-z-w.amp", Variant.AMP, "https://site.kz/news/x-y-z-w"),
        ("https://site.kz/news/x-y-z-w/?amp=1&id=5", Variant.AMP, "https://site.kz/news/x-y-z-w/?id=5"),
        (
            "https://osipovichi.gov.by/special/ru/news-rayon-ru/view/zhitel-derevni-tsel-13566",
            Variant.SPECIAL,
            "https://osipovichi.gov.by/ru/news-rayon-ru/view/zhitel-derevni-tsel-13566",
        ),
        ("https://d.gov.by/ru/news/x-y-z-12345/?special=Y", Variant.SPECIAL, "https://d.gov.by/ru/news/x-y-z-12345/"),
        ("https://d.gov.by/ru/news/x/?version=special", Variant.SPECIAL, "https://d.gov.by/ru/news/x/"),
        ("https://r.gov.by/novosti/?blind=1", Variant.SPECIAL, "https://r.gov.by/novosti/"),
        ("https://r.gov.by/novosti/x/?lowvision=Y&id=5", Variant.SPECIAL, "https://r.gov.by/novosti/x/?id=5"),
        # Joomla district sites: an accessibility switch named for sight, a print copy with its template keys.
        (
            "https://r.gov.by/novosti/412-v-rayone-sobytie.html?version=vision",
            Variant.SPECIAL,
            "https://r.gov.by/novosti/412-v-rayone-sobytie.html",
        ),
        (
            "https://r.gov.by/novosti/412-v-rayone-sobytie.html?tmpl=component&print=1&layout=default",
            Variant.PRINT,
            "https://r.gov.by/novosti/412-v-rayone-sobytie.html",
        ),
        (
            "https://r.gov.by/index.php?option=com_content&id=412&tmpl=component&print=1",
            Variant.PRINT,
            "https://r.gov.by/index.php?option=com_content&id=412",
        ),
        # A WordPress print copy keeps its article's trailing slash.
        (
            "https://v.example/2023/11/13/odkb-provela-ucheniya-v-minske/print/",
            Variant.PRINT,
            "https://v.example/2023/11/13/odkb-provela-ucheniya-v-minske/",
        ),
        (
            "https://en.odkb-csto.org/news/news_odkb/x/?print=Y",
            Variant.PRINT,
            "https://en.odkb-csto.org/news/news_odkb/x/",
        ),
    ],
)
def test_variant_copy(url: str, kind: Variant, article: str) -> None:
    assert variant_copy(url) == (copy := variant_copy(url)) and copy is not None
    assert (copy.kind, copy.article_url) == (kind, article)


@pytest.mark.parametrize(
    "url",
    [
        "http://h/ru/news/special-forces-drill-ended-in-minsk-e3a91d",  # a slug that starts with "special"
        "http://h/news/special/",  # a section named "special" after a non-language segment
        "http://h/special/",  # nothing after the marker: the section itself
        "http://h/ru/news/x/?special=N",
        "http://h/ru/news/lamp/",
        "http://h/news/?layout=blog&tmpl=component",  # template keys alone mark no copy
        "http://h/News/Print?id=812",  # an MVC action beside its section: its article is /News/Detail?id=812
    ],
)
def test_not_a_variant(url: str) -> None:
    assert variant_copy(url) is None


def test_source_variant_prefixes() -> None:
    source = Source(name="s", home="http://h/", variant_prefixes=("/mobile-print/",))
    copy = variant_copy("http://h/mobile-print/ru/news/x-y-z-12345", source)
    assert copy is not None and copy.article_url == "http://h/ru/news/x-y-z-12345"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (f"{ARTICLE}?utm_source=most_read", ARTICLE),
        (f"{ARTICLE.replace('/ru/news/', '/ru/amp/news/')}", ARTICLE),
        ("http://127.0.0.1:8811/ru/tag/odkb/?page=1", "http://127.0.0.1:8811/ru/tag/odkb/"),
        ("http://127.0.0.1:8811/ru/tag/odkb/?page=2&utm_x=1", "http://127.0.0.1:8811/ru/tag/odkb/?page=2"),
        ("http://127.0.0.1:8811/ru//news/./a%20b", "http://127.0.0.1:8811/ru/news/a%20b"),
        (
            "https://osipovichi.mogilev-region.by/special/ru/news-rayon-ru/view/alleja-pamjati-10486",
            "https://osipovichi.gov.by/ru/news-rayon-ru/view/alleja-pamjati-10486",
        ),
        ("http://inform.kz/ru/x-y-z_a3837269#top", "https://www.inform.kz/ru/x-y-z_a3837269"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    source = DISTRICT if "osipovichi" in url else KAZINFORM if "inform" in url else AGENCY
    assert canonical_url(url, source) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "https://en.odkb-csto.org/news/news_odkb/peredovaya-gruppa/?bxajaxid=b6517a946668b2a5152b5da9a2e5ad7b",
        "http://www.odkb-csto.org/news/news_odkb/o_situatsii_v_smi",
        "https://en.odkb-csto.org/news/smi/sputnik-uzbekistana-mnogoznachitelnoe-molchanie-nato-",
        "https://en.odkb-csto.org/documents/statements/zayavlenie-ministrov-inostrannykh-del%20ODKB/",
        "https://en.odkb-csto.org/documents/statements/zayavlenie-ministrov-inostrannykh-del ODKB",
        "https://en.odkb-csto.org/authorized_organs/?PAGEN_1=1",
        "https://en.odkb-csto.org/authorized_organs/?PAGEN_1=2&utm_source=x",
        "https://en.odkb-csto.org/priorities_kyrgyzstan/?ELEMENT_ID=23953",
        "https://en.odkb-csto.org/upload/iblock/393/39357fa0b754c4c5529e0bcf4d007437.docx",
        "https://en.odkb-csto.org/news/index.php",
    ],
)
def test_csto_source_canonical_equals_todays_sites(url: str) -> None:
    sites = Sites({"en": "https://en.odkb-csto.org", "ru": "https://odkb-csto.org"})
    assert canonical_url(url, csto_source()) == sites.canonicalize(url)


PAGE = b"""<html><head>
<link rel="canonical" href="/ru/news/sostoyalas-sessiya-e3a91d">
<link rel="amphtml" href="http://127.0.0.1:8811/ru/amp/news/sostoyalas-sessiya-e3a91d">
<link rel="canonical" href="/ru/">
<meta property="og:url" content="http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-e3a91d">
</head><body></body></html>"""


def test_declared_links_first_of_each_absolute() -> None:
    root = html.fromstring(PAGE)
    links = declared_links(root, "http://127.0.0.1:8811/ru/amp/news/sostoyalas-sessiya-e3a91d")
    assert links.canonical == "http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-e3a91d"
    assert links.amphtml == "http://127.0.0.1:8811/ru/amp/news/sostoyalas-sessiya-e3a91d"
    assert links.og_url == links.canonical


def test_resolve_old_url_redirect_and_amp_become_aliases() -> None:
    canonical = "http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-e3a91d"
    old = "http://127.0.0.1:8811/ru/sostoyalas-sessiya_a3883099"
    declared = DeclaredLinks(canonical, canonical.replace("/ru/news/", "/ru/amp/news/"), None)
    resolved = resolve(AGENCY, [f"{old}?utm_source=rss"], canonical, declared)
    assert resolved.url == canonical and resolved.declared
    assert set(resolved.aliases) == {old, canonical.replace("/ru/news/", "/ru/amp/news/")}


def test_resolve_without_declared_canonical_uses_the_final_url() -> None:
    url = "https://osipovichi.gov.by/special/ru/news-rayon-ru/view/zhitel-13566"
    resolved = resolve(DISTRICT, [url], url, None)
    assert resolved.url == "https://osipovichi.gov.by/ru/news-rayon-ru/view/zhitel-13566"
    assert resolved.aliases == (url,) and not resolved.declared


@pytest.mark.parametrize(
    ("declared", "trusted"),
    [
        ("http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-e3a91d", True),
        ("http://127.0.0.1:8811/ru/news/other-slug-e3a91d", True),  # a slug edit: the page knows best
        ("http://127.0.0.1:8811/ru/", False),  # every page's canonical is the home page
        ("http://127.0.0.1:8811/", False),
        ("http://127.0.0.1:8811/ru/news/", False),  # a section above the page
        ("https://kazinform.kz/ru/news/sostoyalas-sessiya-e3a91d", False),  # another outlet's original
        ("http://127.0.0.1:8811/ru/amp/news/sostoyalas-sessiya-e3a91d", False),  # a copy is never canonical
    ],
)
def test_trusts_canonical(declared: str, trusted: bool) -> None:
    page = "http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-e3a91d"
    assert trusts_canonical(AGENCY, page, declared) is trusted


def test_resolve_ignores_an_untrusted_canonical() -> None:
    resolved = resolve(AGENCY, [ARTICLE], ARTICLE, DeclaredLinks("http://127.0.0.1:8811/ru/", None, None))
    assert resolved.url == ARTICLE and not resolved.declared and resolved.aliases == ()
