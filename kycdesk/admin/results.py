"""The changelist's rows, as Django renders them, at a fraction of the cost.

Django's ``items_for_result`` (django/contrib/admin/templatetags/admin_list.py) works out every
cell from scratch: which kind of column it is, its CSS class, whether it links, the row's URL
(a ``reverse()`` per row) and its preserved filters, then a ``format_html`` per cell, and the
results template loops over every cell again. At 100 rows x 8 columns that was most of a
changelist's time at 1,000,000 sessions (BENCHMARKS.md). Here each column is planned once per
page and each row is one string; the HTML is the same, byte for byte
(tests/kycdesk/admin/test_results.py compares it with Django's for every kycdesk changelist).

What this does not plan for (editable lists, popups, ``to_field``) goes to Django's own code.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib.admin import ModelAdmin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.templatetags.admin_list import ResultList, _coerce_field_name, results
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    lookup_field,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

# A primary key no row has, reversed once per page and then replaced by each row's own.
_PK_MARK = "918273645546372819"

Cell = Callable[[Any], str]


def lean_results(cl: Any) -> Iterator[ResultList]:
    """Each row as a ResultList of one item: the row's cells, as Django would render them."""
    if getattr(cl, "formset", None) or cl.is_popup or cl.to_field:
        yield from results(cl)
        return
    cells = _plan(cl)
    for row in cl.result_list:
        yield ResultList(None, [mark_safe("".join([cell(row) for cell in cells]))])  # noqa: S308 (escaped per cell)


def _plan(cl: Any) -> list[Cell]:
    cells: list[Cell] = []
    first = True
    for index, name in enumerate(cl.list_display):
        link = _links(cl, first, name)
        checkbox = _checkbox_cell(cl) if name == "action_checkbox" and not link else None
        cells.append(checkbox or _cell(cl, index, name, link=link, header=link and first))
        first = first and not link
    return cells


def _checkbox_cell(cl: Any) -> Cell | None:
    """Django's row checkbox (``ModelAdmin.action_checkbox``: a CheckboxInput rendered through
    its widget template for every row), its label translated once per page."""
    if type(cl.model_admin).action_checkbox is not ModelAdmin.action_checkbox:
        return None  # an admin's own checkbox column: rendered as any other column
    label = gettext("Select this object for an action - {}")
    pk = cl.lookup_opts.pk.attname

    def cell(row: Any) -> str:
        value = html.escape(str(getattr(row, pk)))
        aria = label.format(_escaped(str(row)))  # as format_html: safe text stays as it is
        return (
            f'<td class="action-checkbox"><input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{value}"'
            f' class="action-select" aria-label="{aria}"></td>'
        )

    return cell


def _links(cl: Any, first: bool, name: Any) -> bool:
    """Django's ``link_in_col``."""
    if cl.list_display_links is None:
        return False
    if first and not cl.list_display_links:
        return True
    return name in cl.list_display_links


def _cell(cl: Any, index: int, name: Any, *, link: bool, header: bool) -> Cell:
    value_of = _value_getter(cl, name)
    empty = cl.model_admin.get_empty_value_display()
    css = f"field-{_coerce_field_name(name, index)}"
    tag = "th" if header else "td"
    url_of = _url_getter(cl) if link else None

    def cell(row: Any) -> str:
        shown, classes = _shown(value_of, row, name, empty, css, link)
        text = _escaped(shown)
        if url_of is not None:
            url = url_of(row)
            if url is not None:
                text = f'<a href="{html.escape(url)}">{text}</a>'
        return f'<{tag} class="{classes}">{text}</{tag}>'

    return cell


def _escaped(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper on every call (same result)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _value_getter(cl: Any, name: Any) -> Callable[[Any], tuple[Any, Any, Any]]:
    """``lookup_field`` with the column's kind worked out once, in its order: a model field,
    a callable, an admin method (bound once). Anything else asks ``lookup_field`` per row."""
    model_admin = cl.model_admin
    try:
        field = _get_non_gfk_field(cl.lookup_opts, name)
    except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
        field = None
    if field is not None:
        return lambda row: (field, None, getattr(row, name))
    if callable(name):
        return lambda row: (None, name, name(row))
    if hasattr(model_admin, name) and name != "__str__":
        method = getattr(model_admin, name)
        return lambda row: (None, method, method(row))
    return lambda row: lookup_field(name, row, model_admin)


def _shown(value_of: Callable, row: Any, name: Any, empty: str, css: str, link: bool) -> tuple[Any, str]:
    """The cell's content and classes: ``items_for_result``'s body, for one cell."""
    classes = [css]
    try:
        field, attr, value = value_of(row)
    except ObjectDoesNotExist:
        return empty, css
    empty = getattr(attr, "empty_value_display", empty)
    if isinstance(value, str) and value.strip() == "":
        value = ""
    if field is None or field.auto_created:
        if name == "action_checkbox":
            classes = ["action-checkbox"]
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        shown = display_for_value(value, empty, boolean)
        if isinstance(value, datetime.date | datetime.time):
            classes.append("nowrap")
        return shown, " ".join(classes)
    if isinstance(field.remote_field, models.ManyToOneRel):
        related = getattr(row, field.name)
        shown = empty if related is None else related
    else:
        shown = display_for_field(value, field, empty, avoid_link=link)
    if isinstance(field, models.DateField | models.TimeField | models.ForeignKey):
        classes.append("nowrap")
    return shown, " ".join(classes)


def pk_url(viewname: str) -> Callable[[Any], str]:
    """``reverse(viewname, args=[pk])`` for every row of a page: reversed once, each row's
    (integer) key put in its place."""
    before, after = reverse(viewname, args=[_PK_MARK]).split(_PK_MARK)
    return lambda pk: f"{before}{pk}{after}"


def _url_getter(cl: Any) -> Callable[[Any], str | None]:
    """The row's change URL with the page's preserved filters: reversed once for a marked
    primary key, then the mark replaced by each row's (quoted as the admin quotes it)."""
    pk = cl.lookup_opts.pk.attname
    context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}

    def each_row(row: Any) -> str | None:  # Django's way: a row whose URL does not reverse is text
        try:
            return add_preserved_filters(context, cl.url_for_result(row))
        except NoReverseMatch:
            return None

    # Only the admin's own URL for an integer key can be reversed once (reverse() would quote
    # other keys; an admin's own url_for_result may read more of the row than its key).
    if (
        not isinstance(cl.lookup_opts.pk, models.IntegerField)
        or type(cl).url_for_result is not ChangeList.url_for_result
    ):
        return each_row
    marked = cl.model()
    setattr(marked, pk, _PK_MARK)
    try:
        template = add_preserved_filters(context, cl.url_for_result(marked))
    except NoReverseMatch:
        return lambda row: None
    if template.count(_PK_MARK) != 1:  # the mark is not unambiguous here: reverse each row
        return each_row
    before, after = template.split(_PK_MARK)
    return lambda row: f"{before}{quote(getattr(row, pk))}{after}"
