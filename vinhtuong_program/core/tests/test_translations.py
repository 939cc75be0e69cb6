"""The interface is Vietnamese: the catalogue must be complete and compiled."""

from gettext import GNUTranslations
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO_PATH = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")


def test_every_vietnamese_message_is_translated_and_not_fuzzy():
    catalogue = polib.pofile(str(PO_PATH))
    assert len(catalogue) > 50
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    catalogue = polib.pofile(str(PO_PATH))
    with MO_PATH.open("rb") as handle:
        compiled = GNUTranslations(handle)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_source_strings_marked_for_translation_are_all_in_the_catalogue():
    """Catches a new _("…") or {% translate %} that nobody ran `make messages` for."""
    import re

    catalogue = {entry.msgid for entry in polib.pofile(str(PO_PATH))}
    base = Path(settings.BASE_DIR)
    python_call = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)*)"\s*[,)]""")
    template_tag = re.compile(r"""\{%\s*translate\s+"([^"]*)"|\{%\s*translate\s+'([^']*)'""")
    missing = []
    for path in base.rglob("*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        missing += [
            (path.name, text) for text in python_call.findall(path.read_text(encoding="utf-8")) if text not in catalogue
        ]
    for path in (base / "templates").rglob("*.html"):
        for double, single in template_tag.findall(path.read_text(encoding="utf-8")):
            text = double or single
            if text not in catalogue:
                missing.append((path.name, text))
    assert missing == []


ENGLISH_LEFT_BY_LIBRARIES = [
    "Skip to main content",
    "Toggle theme",
    "Add link",
    "Changed by",
    "Change reason",
    "Choose a date",
    "entries",
    "Revert",
]


@pytest.mark.django_db
def test_admin_lists_and_history_pages_show_no_english(client, education_office_user, commune_a):
    from django.urls import reverse

    client.force_login(education_office_user)
    client.post(
        reverse("admin:students_commune_change", args=[commune_a.pk]),
        {"code": commune_a.code, "name": "Vĩnh Tường", "kind": "township"},
    )
    pages = [
        reverse("admin:index"),
        reverse("admin:students_commune_changelist"),
        reverse("admin:students_commune_history", args=[commune_a.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        leftovers = [text for text in ENGLISH_LEFT_BY_LIBRARIES if text in body]
        assert leftovers == [], url
    history = client.get(reverse("admin:students_commune_history", args=[commune_a.pk])).content.decode()
    assert "Người sửa" in history
