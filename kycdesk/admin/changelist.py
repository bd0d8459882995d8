"""A changelist that reads only the columns it shows.

A session row carries the vendor's raw JSON, the person's fields, reasons and sections: loading
(and JSON-decoding) all of it for 100 rows to show seven short columns costs more than the
query. A ModelAdmin using :class:`LeanListMixin` names its ``list_columns`` (field paths, related
ones with ``__``, each through a select_related relation) and its changelist loads only those.
The query-count tests at 10 and 100 rows catch a column shown but not listed (it would cost a
query per row).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext


class LeanChangeList(ChangeList):
    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> Any:
        queryset = super().get_queryset(request, exclude_parameters)
        columns = getattr(self.model_admin, "list_columns", ())
        if not columns:
            return queryset
        # Only the list's own relations: get_queryset may join more for the change page.
        related = self.model_admin.list_select_related
        queryset = queryset.select_related(None)
        if isinstance(related, list | tuple) and related:
            queryset = queryset.select_related(*related)
        return queryset.only(*columns)


class LeanListMixin:
    list_columns: tuple[str, ...] = ()

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return LeanChangeList

    def action_checkbox(self, obj: Any) -> str:
        """Django's row checkbox, same HTML, without rendering a widget template for every row."""
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            str(obj.pk),
            label,
        )
