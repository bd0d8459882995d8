"""The launch form checks what Datakeen's create call takes before any call is made."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from providers.datakeen.forms import DatakeenLaunchForm


def form(**data) -> DatakeenLaunchForm:
    return DatakeenLaunchForm(data={"reference": "ref-1", **data})


@pytest.mark.parametrize("name", ["Jean", "Jean-Luc", "O'Brien", "d\u2019Artagnan", "José María", "Nguyễn", "St. John"])
def test_names_as_printed_on_a_document_are_accepted(name):
    assert form(first_name=name, last_name=name).is_valid()


@pytest.mark.parametrize("name", ["Jean2", "<script>", "J@n", "jean_dupont"])
def test_names_datakeen_could_not_match_are_refused_with_the_rule(name):
    f = form(first_name=name)

    assert not f.is_valid()
    assert "as printed there" in f.errors["first_name"][0]


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize("birth_date", ["2026-03-02", "1899-12-31"])
def test_a_birth_date_in_the_future_or_before_1900_is_refused(birth_date):
    f = form(birth_date=birth_date)

    assert not f.is_valid()
    assert "dd/mm/yyyy" in f.errors["birth_date"][0]


def test_the_request_carries_the_person_and_the_return_url():
    f = form(first_name="Jean", last_name="Dupont", birth_date="1970-01-01", callback_url="https://example.com/done")
    assert f.is_valid(), f.errors

    request = f.to_request(template_id="t1")

    assert (request.first_name, request.last_name, request.birth_date, request.template_id) == (
        "Jean",
        "Dupont",
        dt.date(1970, 1, 1),
        "t1",
    )
    assert request.callback_url == "https://example.com/done"


def test_fields_datakeen_does_not_take_are_not_asked():
    assert not {"nationality", "email", "phone"} & set(form().fields)
