"""Walk the URLconf: every named URL of the site, and the values that fill its parameters.

Shared by the scoping, permission-matrix and CSRF tests, so that all see the same URLs.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def named_urls(resolver=None, prefix: str = "", skip_apps: tuple[str, ...] = ()) -> Iterator[tuple]:
    """(URLPattern, "namespace:name") of every URL of the URLconf, includes walked, `skip_apps` left out.

    An unnamed pattern cannot be reversed, so no test could visit it: it fails here.
    """
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name in skip_apps:
                continue
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            yield from named_urls(entry, prefix + namespace, skip_apps)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"{prefix}{entry.pattern}: give this URL a name so that tests can reverse it"
            yield entry, prefix + entry.name


def named_patterns(skip_apps: tuple[str, ...] = ()) -> Iterator[tuple]:
    """(route pattern, "namespace:name") of every URL: what reversing needs."""
    for entry, name in named_urls(skip_apps=skip_apps):
        yield entry.pattern, name


def kwargs_for(pattern, name: str, values: dict) -> dict:
    """The URL's parameters taken from `values`; fails naming what the test must learn to fill."""
    missing = set(pattern.converters) - set(values)
    assert not missing, f"{name} ({pattern}): teach this test which value fills {sorted(missing)}"
    return {param: values[param] for param in pattern.converters}
