"""The interface is Vietnamese: the catalogue must be complete and compiled."""

from gettext import GNUTranslations
from pathlib import Path

import polib
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
