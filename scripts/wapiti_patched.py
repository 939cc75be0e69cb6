"""Debian's wapiti 3.0.4 with two mends, run by scripts/scan.py with the system Python (python3-wapiti).

1. Its -x patterns are compiled as `...\\Z(?ms)`, which Python 3.11 rejects ("global flags not at
   the start"): any exclusion crashed it.
2. It tells forms apart by their field values, and Django masks the CSRF token anew in every page
   (as it should, against BREACH), as the public forms do their one-time `form_token`: each visit of a
   page gave one more "new" form, some eighty copies of the login form, and the attack modules spent
   their time on copies instead of reaching the pledge form. Each such field now keeps the first value
   seen, which stays valid for the whole scan (the masked token matches the same CSRF cookie; the form
   token is signed and lasts six hours).
"""

import re
import sys

from wapitiCore.main.wapiti import wapiti_main
from wapitiCore.net import crawler, page

PER_VISIT_FIELDS = ("csrfmiddlewaretoken", "form_token")
_first_seen: dict[str, str] = {}


def wildcard_translate(pattern: str) -> re.Pattern:
    return re.compile("(?ms)" + ".*".join(map(re.escape, pattern.split("*"))) + r"\Z")


_iter_forms = page.Page.iter_forms


def iter_forms(self, autofill=True):
    for form in _iter_forms(self, autofill):
        if isinstance(form._post_params, list):
            for pair in form._post_params:
                if pair[0] in PER_VISIT_FIELDS:
                    pair[1] = _first_seen.setdefault(pair[0], pair[1])
            form._cached_hash = None
        yield form


crawler.wildcard_translate = wildcard_translate
page.Page.iter_forms = iter_forms

if __name__ == "__main__":
    sys.argv[0] = "wapiti"
    sys.exit(wapiti_main())
