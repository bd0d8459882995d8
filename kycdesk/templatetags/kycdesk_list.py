"""``{% lean_result_list cl %}``: Django's ``{% result_list cl %}`` with the rows rendered by
kycdesk.admin.results (same HTML, planned once per page). Used by
admin/kycdesk/lean_change_list.html, which every kycdesk changelist extends."""

from __future__ import annotations

from typing import Any

from django import template
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.base import InclusionAdminNode

from kycdesk.admin.results import lean_results

register = template.Library()


def lean_result_list(cl: Any) -> dict[str, Any]:
    """What Django's ``result_list`` returns, with the rows from ``lean_results``."""
    headers = list(admin_list.result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": list(admin_list.result_hidden_fields(cl)),
        "result_headers": headers,
        "num_sorted_fields": sum(1 for header in headers if header["sortable"] and header["sorted"]),
        "results": list(lean_results(cl)),
    }


@register.tag(name="lean_result_list")
def lean_result_list_tag(parser: template.base.Parser, token: template.base.Token) -> InclusionAdminNode:
    return InclusionAdminNode(
        parser, token, func=lean_result_list, template_name="change_list_results.html", takes_context=False
    )
