"""End to end: ``csto crawl`` against a demo site that fails (FaultySite.fault and overrides).

Four scenarios, each a module fixture with its own archive:
- transient faults (5xx, 429, resets, cut-short bodies, timeouts) on article and listing URLs: ridden out;
- soft errors (maintenance, captcha, truncated, not HTML) in a ``--full`` crawl: recorded, never archived;
- a dead article and a dead listing page: recorded, exit code by CSTO_MAX_FAILURE_RATIO, fixed next run;
- hostile answers (oversized, redirect loop, redirect to another host, wrong or no encoding).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from demo_crawls import (
    Crawl,
    archived_urls,
    article_row,
    crawl,
    expected_urls,
    failure_rows,
    query,
)
from faulty_site import FaultKind, FaultySite
from log_lines import unstamped

from csto_crawler.cli import main
from csto_crawler.demo import DemoArticle, DemoRequest, DemoSite, load_mirrors
from csto_crawler.settings import REDIRECT_MAX_TIMES, RETRY_TIMES

MIRRORS = load_mirrors()


def article(lang: str, index: int) -> DemoArticle:
    return MIRRORS[lang].articles[index]


@pytest.fixture(scope="module")
def site() -> Iterator[FaultySite]:
    with FaultySite() as demo:
        yield demo


def gold(site: FaultySite, lang: str, demo_article: DemoArticle) -> tuple[str, str]:
    """(url, title) the archive must hold for a demo article."""
    return site.url(lang, demo_article.path), demo_article.title


# --- transient faults ------------------------------------------------------------------------------

# Each transient kind once on an article and once on a listing page; all but SLOW fail twice in a row.
TRANSIENT_FAULTS = [
    ("en", article("en", 0).path, FaultKind.ERROR_500),
    ("en", article("en", 1).path, FaultKind.ERROR_503),
    ("en", article("en", 2).path, FaultKind.TOO_MANY),
    ("ru", article("ru", 0).path, FaultKind.RESET),
    ("ru", article("ru", 1).path, FaultKind.TRUNCATE),
    ("ru", article("ru", 2).path, FaultKind.SLOW),
    ("en", "/news/news_odkb/", FaultKind.ERROR_500),
    ("en", "/news/news_odkb/?PAGEN_1=2", FaultKind.RESET),
    ("en", "/news/smi/", FaultKind.TRUNCATE),
    ("ru", "/documents/statements/", FaultKind.ERROR_503),
    ("ru", "/authorized_organs/", FaultKind.TOO_MANY),
    ("ru", "/training/", FaultKind.SLOW),
]
FAULTY_ARTICLES = [(lang, a) for lang in ("en", "ru") for a in MIRRORS[lang].articles[:3]]
# A SLOW answer takes longer than the download timeout, so the crawler sees a timeout (once: it is slow).
TIMEOUT_SETTINGS = {"DOWNLOAD_TIMEOUT": "2"}
SLOW_SECONDS = 3.0
RETRY_AFTER_SECONDS = 1
# Retry-After may ask for up to this long (the default FAST_RETRIES cap, 0.2 s, would hide it).
RETRY_AFTER_CAP = {"CSTO_RETRY_BACKOFF_MAX": "2"}


def fault_times(kind: FaultKind) -> int:
    return 1 if kind is FaultKind.SLOW else 2


@dataclass
class Scenario:
    site: FaultySite
    archive: Path
    crawls: list[Crawl] = field(default_factory=list)


@dataclass
class AfterCrawl:
    """The archive as one crawl of a scenario left it."""

    crawl: Crawl
    failures: Result  # ``csto failures``
    walked: set[tuple[str, str]]
    archived: set[str]


@dataclass
class DeadScenario(Scenario):
    after: list[AfterCrawl] = field(default_factory=list)


@dataclass
class HostileScenario(Scenario):
    foreign_url: str = ""
    foreign_requests: list[DemoRequest] = field(default_factory=list)  # what the other host was asked


@pytest.fixture(scope="module")
def transient(site: FaultySite, tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    scenario = Scenario(site, tmp_path_factory.mktemp("transient") / "csto.sqlite")
    for lang, target, kind in TRANSIENT_FAULTS:
        site.fault(lang, target, kind, fault_times(kind), delay=SLOW_SECONDS, retry_after=RETRY_AFTER_SECONDS)
    try:
        scenario.crawls.append(crawl(site, scenario.archive, settings={**TIMEOUT_SETTINGS, **RETRY_AFTER_CAP}))
    finally:
        site.clear_overrides()
    return scenario


def test_crawl_rides_out_transient_faults(transient: Scenario) -> None:
    run = transient.crawls[0]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert failure_rows(transient.archive) == {}


@pytest.mark.parametrize(("lang", "target", "kind"), TRANSIENT_FAULTS, ids=[f"{k}-{t}" for _, t, k in TRANSIENT_FAULTS])
def test_crawl_retries_a_faulty_url_until_it_answers(transient: Scenario, lang: str, target: str, kind: str) -> None:
    seen = [(r.status, r.fault) for r in transient.crawls[0].requests if r.host == lang and r.path == target]
    failing = [(0 if kind == FaultKind.RESET else 429 if kind == FaultKind.TOO_MANY else 200, kind)]
    if kind in (FaultKind.ERROR_500, FaultKind.ERROR_503):
        failing = [(int(kind), kind)]
    assert seen == failing * fault_times(FaultKind(kind)) + [(200, None)]


def test_crawl_archives_every_article_exactly_once_through_faults(transient: Scenario) -> None:
    urls = archived_urls(transient.archive)
    assert sorted(urls) == sorted(expected_urls(transient.site))
    assert query(transient.archive, "SELECT count(*) FROM versions")[0][0] == len(urls)
    for lang, demo_article in FAULTY_ARTICLES:
        url, title = gold(transient.site, lang, demo_article)
        row = article_row(transient.archive, url)
        assert (row["title"], row["body_text"]) == (title, demo_article.body)


def test_crawl_waits_as_long_as_retry_after_asks(transient: Scenario) -> None:
    def gaps(kind: FaultKind) -> list[float]:
        found = []
        for lang, target, fault_kind in TRANSIENT_FAULTS:
            if fault_kind is kind:
                times = [r.at for r in transient.crawls[0].requests if r.host == lang and r.path == target]
                found += [later - earlier for earlier, later in pairwise(times)]
        return found

    # Backoff alone waits 50-200 ms here (FAST_RETRIES); each 429 was followed by a full second.
    assert min(gaps(FaultKind.TOO_MANY)) >= RETRY_AFTER_SECONDS * 0.95


def test_crawl_completes_the_walk_of_sections_with_transient_faults(transient: Scenario) -> None:
    walked = {(r["lang"], r["section"]) for r in query(transient.archive, "SELECT lang, section FROM section_walks")}
    faulty_sections = {(lang, target.split("?")[0].strip("/")) for lang, target, _ in TRANSIENT_FAULTS[6:]}
    assert faulty_sections <= walked


# --- soft errors -------------------------------------------------------------------------------------

PADDING = "Приносим извинения за временные неудобства. " * 30
MAINTENANCE_PAGE = (
    '<html><head><meta charset="windows-1251"><title>Технические работы</title></head><body>'
    f"<h1>Сайт находится на реконструкции</h1><p>{PADDING}</p></body></html>"
).encode("cp1251")
CAPTCHA_PAGE = (
    "<html><head><title>Security check</title></head><body><form action='/check/'>"
    "<p>Please confirm that you are not a robot.</p><div class='captcha'>" + "&nbsp;" * 200 + "</div>"
    "</form></body></html>"
).encode()
# name -> (lang, demo article, what to serve instead, the error `csto failures` must show)
SOFT_ERRORS = {
    "maintenance": ("ru", article("ru", 5), {"body": MAINTENANCE_PAGE}, "maintenance page"),
    "captcha": ("en", article("en", 5), {"body": CAPTCHA_PAGE}, "captcha page"),
    "truncated": ("en", article("en", 6), {"cut": True}, "truncated document (no closing </html>)"),
    "not_html": ("ru", article("ru", 6), {"content_type": "application/pdf"}, "not HTML (application/pdf)"),
}


@pytest.fixture(scope="module")
def soft_errors(transient: Scenario) -> Scenario:
    """A ``--full`` crawl over the complete archive of ``transient`` while four articles answer garbage."""
    site = transient.site
    for lang, demo_article, change, _ in SOFT_ERRORS.values():
        served = site.served(lang, demo_article.path)
        if change.get("cut"):
            site.override(lang, demo_article.path, body=served.body[: len(served.body) * 2 // 3])
        else:
            site.override(lang, demo_article.path, body=change.get("body"), content_type=change.get("content_type"))
    try:
        run = crawl(site, transient.archive, "--full", settings={"CSTO_MAX_FAILURE_RATIO": "0.5"})
    finally:
        site.clear_overrides()
    return Scenario(site, transient.archive, [run])


def test_full_crawl_with_soft_errors_exits_zero(soft_errors: Scenario) -> None:
    run = soft_errors.crawls[0]
    assert run.returncode == 0, run.stderr[-3000:]
    for lang, demo_article, _, _ in SOFT_ERRORS.values():
        assert ("GET", demo_article.path) in [(r.method, r.path) for r in run.requests if r.host == lang]


@pytest.mark.parametrize("name", sorted(SOFT_ERRORS))
def test_soft_error_is_recorded_as_a_failure(soft_errors: Scenario, name: str) -> None:
    lang, demo_article, _, error = SOFT_ERRORS[name]
    failure = failure_rows(soft_errors.archive)[soft_errors.site.url(lang, demo_article.path)]
    assert failure["kind"] == "article"
    assert failure["error"].startswith(error)


@pytest.mark.parametrize("name", sorted(SOFT_ERRORS))
def test_soft_error_never_replaces_the_archived_version(soft_errors: Scenario, name: str) -> None:
    lang, demo_article, _, _ = SOFT_ERRORS[name]
    url, title = gold(soft_errors.site, lang, demo_article)
    row = article_row(soft_errors.archive, url)
    assert (row["version_count"], row["title"], row["body_text"]) == (1, title, demo_article.body)
    versions = query(soft_errors.archive, "SELECT title FROM versions WHERE article_id = ?", row["id"])
    assert [v["title"] for v in versions] == [title]


# --- a dead article and a dead listing page ---------------------------------------------------------

DEAD_ARTICLE = article("en", 7)
DEAD_LISTING = "/news/news_odkb/"  # page 1 of the one section with two pages


@pytest.fixture(scope="module")
def dead(site: FaultySite, tmp_path_factory: pytest.TempPathFactory) -> DeadScenario:
    """Three English crawls: dead URLs with no failure allowed, dead URLs with half allowed, healed."""
    scenario = DeadScenario(site, tmp_path_factory.mktemp("dead") / "csto.sqlite")
    site.fault("en", DEAD_ARTICLE.path, FaultKind.DEAD)
    site.fault("en", DEAD_LISTING, FaultKind.DEAD)
    try:
        for ratio in ("0", "0.5"):
            run = crawl(site, scenario.archive, "--lang", "en", settings={"CSTO_MAX_FAILURE_RATIO": ratio})
            scenario.after.append(after(scenario.archive, run))
    finally:
        site.clear_overrides()
    scenario.after.append(after(scenario.archive, crawl(site, scenario.archive, "--lang", "en")))
    return scenario


def after(archive: Path, run: Crawl) -> AfterCrawl:
    walked = {(r["lang"], r["section"]) for r in query(archive, "SELECT lang, section FROM section_walks")}
    failures = CliRunner().invoke(main, ["failures", "--archive", str(archive)])
    return AfterCrawl(run, failures, walked, set(archived_urls(archive)))


def test_crawl_exits_4_when_failures_exceed_the_ratio(dead: DeadScenario) -> None:
    run = dead.after[0].crawl
    assert run.returncode == 4, run.stderr[-3000:]
    last_line = unstamped(run.stderr).strip().splitlines()[-1]
    assert last_line.startswith("csto: error: 2 URL(s) failed, more than CSTO_MAX_FAILURE_RATIO=0.0")
    assert "Traceback" not in run.stderr


def test_csto_runs_shows_the_exit_code_each_crawl_ended_with(dead: DeadScenario) -> None:
    shown = CliRunner().invoke(main, ["runs", "--archive", str(dead.archive), "--json"])
    assert shown.exit_code == 0, shown.output
    runs = json.loads(shown.stdout)
    assert [(run["exit_code"], run["outcome"]) for run in runs] == [(0, "ok"), (0, "ok"), (4, "failures")]
    first = runs[-1]
    assert (first["mode"], first["languages"], first["failures"], first["finish_reason"]) == (
        "full",
        ["en"],
        2,
        "finished",
    )
    assert first["sources"] == [dead.site.base_urls["en"].split("//", 1)[1]]
    assert first["pages_fetched"] > first["pages_archived"] > 0 and first["duration_s"] > 0
    health = CliRunner().invoke(main, ["health", "--archive", str(dead.archive), "--runs", "3"])
    assert f"run {first['id']} (full, {first['started_at']}): finished, exit 4 (failures): " in health.stdout
    assert ", 2 failed, " in health.stdout


def test_crawl_exits_0_when_failures_stay_below_the_ratio(dead: DeadScenario) -> None:
    run = dead.after[1].crawl
    assert run.returncode == 0, run.stderr[-3000:]
    retried = [r for r in run.requests if r.path == DEAD_ARTICLE.path]
    assert len(retried) == RETRY_TIMES + 1  # retried first in the next run, as many attempts again


def test_csto_failures_lists_the_dead_article_on_one_line(dead: DeadScenario) -> None:
    url = dead.site.url("en", DEAD_ARTICLE.path)
    for state, attempts in zip(dead.after[:2], (RETRY_TIMES + 1, 2 * (RETRY_TIMES + 1)), strict=True):
        lines = [line for line in state.failures.stdout.splitlines() if line.startswith(url)]
        assert len(lines) == 1, state.failures.output
        fields = lines[0].split("\t")
        assert (fields[0], fields[1], fields[2], fields[-1]) == (url, "article", str(attempts), "HTTP 500")


def test_dead_listing_page_does_not_stop_the_walk(dead: DeadScenario) -> None:
    first = dead.after[0]
    listing = [(r.path, r.status) for r in first.crawl.requests if r.path.startswith("/news/news_odkb/?")]
    assert listing == [("/news/news_odkb/?PAGEN_1=2", 200)]
    listing_url = dead.site.url("en", DEAD_LISTING)
    assert any(line.startswith(f"{listing_url}\tlisting\t") for line in first.failures.stdout.splitlines())
    assert first.archived == expected_urls(dead.site, "en") - {dead.site.url("en", DEAD_ARTICLE.path)}


def test_dead_listing_page_leaves_its_section_unwalked(dead: DeadScenario) -> None:
    assert ("en", "news/news_odkb") not in dead.after[0].walked
    assert ("en", "news/smi") in dead.after[0].walked
    assert ("en", "news/news_odkb") in dead.after[2].walked


def test_crawl_after_the_fault_is_gone_archives_it_and_clears_failures(dead: DeadScenario) -> None:
    healed = dead.after[2]
    assert healed.crawl.returncode == 0, healed.crawl.stderr[-3000:]
    url, title = gold(dead.site, "en", DEAD_ARTICLE)
    assert article_row(dead.archive, url)["title"] == title
    assert (healed.failures.exit_code, healed.failures.stdout) == (0, "")
    assert "0 failing URL(s)" in healed.failures.stderr


# --- hostile answers: limits, redirects, encodings ----------------------------------------------------

MAX_SIZE = 200_000  # every recorded page and attachment is far smaller (about 50 KB at most)
OVERSIZED = article("en", 8)
REDIRECT_LOOP = article("en", 9)
FOREIGN_REDIRECT = article("en", 10)
MISLABELLED = article("ru", 7)  # windows-1251 bytes announced as UTF-8
UNDECODABLE = article("ru", 8)  # 0x98 is no character in windows-1251, and the bytes are not UTF-8


@pytest.fixture(scope="module")
def hostile(site: FaultySite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileScenario]:
    scenario = HostileScenario(site, tmp_path_factory.mktemp("hostile") / "csto.sqlite")
    with DemoSite() as elsewhere:
        big = site.served("en", OVERSIZED.path).body.replace(b"</body>", b"<!--" + b"x" * MAX_SIZE + b"--></body>")
        site.override("en", OVERSIZED.path, body=big)
        site.override("en", REDIRECT_LOOP.path, status=302, headers={"Location": site.url("en", REDIRECT_LOOP.path)})
        scenario.foreign_url = elsewhere.url("en", FOREIGN_REDIRECT.path)
        site.override("en", FOREIGN_REDIRECT.path, status=302, headers={"Location": scenario.foreign_url})
        site.override("ru", MISLABELLED.path, content_type="text/html; charset=UTF-8")
        body = site.served("ru", UNDECODABLE.path).body
        site.override("ru", UNDECODABLE.path, body=body.replace(b"</h1>", b"\x98</h1>", 1))
        try:
            settings = {"DOWNLOAD_MAXSIZE": str(MAX_SIZE), "CSTO_MAX_FAILURE_RATIO": "0.5"}
            scenario.crawls.append(crawl(site, scenario.archive, settings=settings))
        finally:
            site.clear_overrides()
        scenario.foreign_requests = elsewhere.requests()
        yield scenario


def test_hostile_crawl_exits_zero_and_archives_everything_else(hostile: HostileScenario) -> None:
    run = hostile.crawls[0]
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    refused = {hostile.site.url("en", a.path) for a in (OVERSIZED, REDIRECT_LOOP, FOREIGN_REDIRECT)}
    assert set(archived_urls(hostile.archive)) == expected_urls(hostile.site) - refused
    assert set(failure_rows(hostile.archive)) == refused


def test_crawl_records_an_oversized_article_with_its_size(hostile: HostileScenario) -> None:
    error = failure_rows(hostile.archive)[hostile.site.url("en", OVERSIZED.path)]["error"]
    assert "larger than download max size (200000)" in error


def test_crawl_records_a_redirect_loop(hostile: HostileScenario) -> None:
    error = failure_rows(hostile.archive)[hostile.site.url("en", REDIRECT_LOOP.path)]["error"]
    assert error == "IgnoreRequest: max redirections reached"
    asked = [r for r in hostile.crawls[0].requests if (r.host, r.path) == ("en", REDIRECT_LOOP.path)]
    assert len(asked) == REDIRECT_MAX_TIMES + 1


def test_crawl_does_not_follow_a_redirect_to_another_host(hostile: HostileScenario) -> None:
    assert hostile.foreign_requests == []
    error = failure_rows(hostile.archive)[hostile.site.url("en", FOREIGN_REDIRECT.path)]["error"]
    assert error == f"IgnoreRequest: host not allowed: {hostile.foreign_url}"


def test_crawl_reads_windows_1251_announced_as_utf8(hostile: HostileScenario) -> None:
    row = article_row(hostile.archive, hostile.site.url("ru", MISLABELLED.path))
    assert (row["title"], row["body_text"]) == (MISLABELLED.title, MISLABELLED.body)


def test_crawl_flags_undecodable_bytes_and_goes_on(hostile: HostileScenario) -> None:
    url = hostile.site.url("ru", UNDECODABLE.path)
    assert f"Encoding of {url}: no encoding decodes the bytes cleanly" in hostile.crawls[0].stderr
    row = article_row(hostile.archive, url)
    # The broken byte sits in the <h1> only: the head line and the listing show the title intact.
    assert row["title"] == UNDECODABLE.title
    assert row["body_text"] == UNDECODABLE.body
