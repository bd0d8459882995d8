from __future__ import annotations

import pytest
from django.contrib.admin.utils import display_for_field

from kycdesk.models import Media
from providers.base import MediaKind


def test_every_media_kind_is_a_choice_stored_as_its_value_and_shown_with_its_label():
    assert [value for value, _label in Media.Kind.choices] == [kind.value for kind in MediaKind]
    assert Media(kind=MediaKind.DOCUMENT_FRONT).get_kind_display() == "Document front"


@pytest.mark.parametrize("kind", list(MediaKind))
def test_the_admin_shows_each_stored_kind_by_its_label_not_as_empty(kind):
    shown = display_for_field(kind.value, Media._meta.get_field("kind"), "-")

    assert shown == kind.value.replace("_", " ").capitalize()
