"""The URL-shape learner on the URL shapes of the agency, Kazinform, BelTA, a district site and the CSTO:
confirmed templates decide, then outlines, then the URL's own shape; every verdict says why."""

from __future__ import annotations

import pytest

from csto_crawler.discovery.learner import Evidence, PageKind, UrlShapeLearner, Verdict, outline, parent
from csto_crawler.discovery.urlshape import shape_of

AGENCY = UrlShapeLearner.from_examples(
    articles=[
        "http://127.0.0.1:8811/ru/news/sostoyalas-sessiya-soveta-kollektivnoy-bezopasnosti-odkb-e3a91d",
        "http://127.0.0.1:8811/ru/news/generalnyy-sekretar-odkb-provel-vstrechu-s-rukovoditelyami-7fc366",
        "http://127.0.0.1:8811/en/news/csto-collective-security-council-session-held-in-minsk-3e1cec",
    ],
    listings=[
        "http://127.0.0.1:8811/ru/tag/odkb/",
        "http://127.0.0.1:8811/ru/tag/odkb/?page=2",
        "http://127.0.0.1:8811/ru/tag/odkb/?page=3",
        "http://127.0.0.1:8811/en/politics/",
        "http://127.0.0.1:8811/ru/politics/",
    ],
)


@pytest.mark.parametrize(
    ("url", "verdict"),
    [
        # the language segment is a token: English and Russian articles share a template
        (
            "http://127.0.0.1:8811/en/news/csto-secretary-general-met-the-ambassador-of-serbia-3bb2a1",
            Verdict(PageKind.ARTICLE, Evidence.TEMPLATE, 3),
        ),
        ("http://127.0.0.1:8811/en/tag/odkb/?page=7", Verdict(PageKind.LISTING, Evidence.TEMPLATE, 2)),
        ("http://127.0.0.1:8811/ru/sport/", Verdict(PageKind.LISTING, Evidence.PARENT, 2)),
        # Kazinform's 2021-2022 form, never confirmed here: the shape alone
        (
            "http://127.0.0.1:8811/ru/sostoyalas-sessiya-soveta-kollektivnoy_a3883099",
            Verdict(PageKind.ARTICLE, Evidence.SHAPE, 0),
        ),
        ("http://127.0.0.1:8811/ru/archive/2026-02-10/", Verdict(PageKind.LISTING, Evidence.SHAPE, 0)),
        # a static page sits where sections do: a listing, until the reader says otherwise
        ("http://127.0.0.1:8811/ru/about/", Verdict(PageKind.LISTING, Evidence.PARENT, 2)),
        ("http://127.0.0.1:8811/en/tag/security/", Verdict(PageKind.LISTING, Evidence.PARENT, 3)),
        ("http://127.0.0.1:8811/ru/about/contacts/staff/", Verdict(PageKind.UNKNOWN, Evidence.SHAPE, 0)),
    ],
)
def test_agency_shapes(url: str, verdict: Verdict) -> None:
    assert AGENCY.classify(url) == verdict


def test_csto_sections_not_seen_yet_are_known_by_their_outline() -> None:
    learner = UrlShapeLearner.from_examples(
        articles=[
            "https://en.odkb-csto.org/news/news_odkb/peredovaya-gruppa-missii-odkb-napravitsya-v-armeniyu/",
            "https://en.odkb-csto.org/news/news_odkb/v-sekretariate-odkb-proshli-konsultatsii-rukovoditeley/",
        ],
        listings=["https://en.odkb-csto.org/news/news_odkb/", "https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=2"],
    )
    smi = "https://en.odkb-csto.org/news/smi/v-ria-novosti-odkb-nazvali-ucheniya-nato-provokatsiey/"
    assert learner.classify(smi) == Verdict(PageKind.ARTICLE, Evidence.OUTLINE, 2)
    # a Bitrix AJAX copy has another template and outline: the shape still calls it an article
    assert learner.classify(smi + "?bxajaxid=b6517a946668b2a5152b5da9a2e5ad7b").kind is PageKind.ARTICLE


def test_confirmed_static_pages_override_the_shape() -> None:
    # a district site whose "documents" pages have slugs but are not news
    learner = UrlShapeLearner()
    for slug in ("polozhenie-o-rayonnom-ispolnitelnom-komitete", "poryadok-rassmotreniya-obrashcheniy-grazhdan"):
        learner.confirm(f"https://osipovichi.gov.by/ru/dokumenty-ru/{slug}/", PageKind.UNKNOWN)
    url = "https://osipovichi.gov.by/ru/dokumenty-ru/grafik-priema-grazhdan-rukovodstvom-rayona/"
    assert learner.classify(url) == Verdict(PageKind.UNKNOWN, Evidence.TEMPLATE, 2)
    news = "https://osipovichi.gov.by/ru/news-rayon-ru/view/alleja-pamjati-v-chest-75-letija-10486"
    assert learner.classify(news) == Verdict(PageKind.ARTICLE, Evidence.SHAPE, 0)


def test_disagreeing_evidence_falls_through() -> None:
    learner = UrlShapeLearner()
    learner.confirm("https://belta.by/society/view/proekt-po-prodvizheniju-produktsii-753673-2025/", PageKind.ARTICLE)
    learner.confirm("https://belta.by/society/view/logotip-goda-belorusskoj-zhenschiny-762819-2026/", PageKind.LISTING)
    url = "https://belta.by/society/view/v-minske-proshla-vstrecha-sekretarey-sovbezov-odkb-770001-2026/"
    assert learner.classify(url) == Verdict(PageKind.ARTICLE, Evidence.SHAPE, 0)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://qazinform.com/news/csto-collective-security-council-to-hold-next-session-4d721a", "2:{slug-id}"),
        ("https://en.odkb-csto.org/news/news_odkb/?PAGEN_1=3", "2:*?PAGEN_1"),
        ("https://belta.by/", "0:*"),
    ],
)
def test_outline(url: str, expected: str) -> None:
    assert outline(shape_of(url)) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://belta.by/society/view/logotip-goda-belorusskoj-zhenschiny-opredelen-762819-2026/",
            "/society/view/{slug-id}",
        ),
        ("http://127.0.0.1:8811/ru/tag/odkb/?page=2", "/{lang}/tag/*"),
        ("https://belta.by/", "/"),
    ],
)
def test_parent(url: str, expected: str) -> None:
    assert parent(shape_of(url)) == expected


def test_kazinform_old_forms_are_articles_by_the_outline_of_todays() -> None:
    learner = UrlShapeLearner.from_examples(
        articles=[
            "https://qazinform.com/news/csto-collective-security-council-to-hold-next-session-in-moscow-4d721a",
            "https://qazinform.com/news/kazakhstan-takes-over-csto-chairmanship-for-next-year-9b8c7d",
        ],
        listings=["https://qazinform.com/tag/csto", "https://qazinform.com/tag/csto?page=2"],
    )
    old = "https://www.inform.kz/en/kazakh-head-of-state-attends-csto-meeting-in-dushanbe_a3837269"
    assert learner.classify(old) == Verdict(PageKind.ARTICLE, Evidence.OUTLINE, 2)
    assert learner.classify("https://qazinform.com/tag/kazakhstan") == Verdict(PageKind.LISTING, Evidence.PARENT, 2)
