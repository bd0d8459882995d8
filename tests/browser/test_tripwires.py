"""The watch catches what breaks a page: a static file that is missing, a template that uses
inline script (the CSP refuses it), a template that fails to render, a script that throws.

Each breakage is put on the launch page through a template override, then the officer's first
steps of a launch are played; the journey must report it."""

from __future__ import annotations

import copy

import pytest

from tests.browser import steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEAD = '{% extends "admin/base_site.html" %}{% load static %}'
BREAKAGES = {
    "missing static file": (
        HEAD + "{% block extrastyle %}{{ block.super }}"
        "<link rel='stylesheet' href='{% static \"kycdesk/no-such-file.css\" %}'>{% endblock %}",
        "HTTP 404: GET {base}/static/kycdesk/no-such-file.css",
    ),
    "inline script refused by the CSP": (
        HEAD + "{% block content %}<script>document.title = 'inline';</script>{% endblock %}",
        "console error: Executing inline script violates the following Content Security Policy directive",
    ),
    "template that fails to render": (
        HEAD + "{% block content %}<a href='{% url \"admin:no_such_page\" %}'>?</a>{% endblock %}",
        "HTTP 500: GET {base}/admin/kycdesk/verificationsession/launch/",
    ),
    "script that throws": (
        HEAD + "{% block extrahead %}{{ block.super }}"
        "<script src='{% static \"kycdesk/throws.js\" %}'></script>{% endblock %}",
        "uncaught exception: broken page",
    ),
}
#: A script of ours that fails, served as a static file.
THROWS = 'throw new Error("broken page");\n'


@pytest.fixture
def broken_launch_page(settings, tmp_path, request):
    """templates/admin/kycdesk/launch.html replaced by a broken one, found before ours."""
    source, _finding = BREAKAGES[request.param]
    folder = tmp_path / "templates" / "admin" / "kycdesk"
    folder.mkdir(parents=True)
    (folder / "launch.html").write_text(source, encoding="utf-8")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [str(tmp_path / "templates"), *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    scripts = tmp_path / "static"
    (scripts / "kycdesk").mkdir(parents=True)
    (scripts / "kycdesk" / "throws.js").write_text(THROWS, encoding="utf-8")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(scripts)]
    return request.param


@pytest.mark.parametrize("broken_launch_page", sorted(BREAKAGES), indirect=True)
def test_a_broken_page_makes_the_journey_report_it(desk, make_user, broken_launch_page):
    officer = desk.actor("officer", make_user("olga", "Compliance officer"))
    officer.log_in()
    steps.open_sessions(officer)
    assert desk.take_problems() == []  # the pages before it are fine

    officer.page.get_by_role("link", name="Launch a verification").click()
    officer.page.wait_for_load_state("networkidle")

    found = desk.take_problems()
    expected = BREAKAGES[broken_launch_page][1].format(base=desk.base_url)
    assert found, "the broken page went unnoticed"
    assert any(expected in problem for problem in found), found
