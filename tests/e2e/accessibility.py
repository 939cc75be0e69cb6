"""axe-core and the 360 px phone checks, shared by the browser tests.

axe-core is vendored in vendor/axe-core/ (see its README.md for the version and where it came
from) and injected into the page under test; contexts that use it are made with `bypass_csp=True`
so that the site's Content-Security-Policy (script-src 'self') does not block the injected script.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
FAILING_IMPACTS = {"serious", "critical"}
# Target size (WCAG 2.2, 2.5.8: 24 px, or spaced so) is off by default in axe; a phone is where it matters.
AXE_OPTIONS = {"rules": {"target-size": {"enabled": True}}, "resultTypes": ["violations"]}


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now (every impact)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)["violations"]


def describe(state: str, violations: list[dict]) -> list[str]:
    """One line per violation: page state, rule id, impact, and where (the first few nodes)."""
    lines = []
    for violation in violations:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:4])
        more = len(violation["nodes"]) - 4
        where = f"{targets} (+{more} more)" if more > 0 else targets
        lines.append(f"{state}: {violation['id']} [{violation['impact']}] {violation['help']} — {where}")
    return lines


def failing(violations: list[dict]) -> list[dict]:
    return [violation for violation in violations if violation["impact"] in FAILING_IMPACTS]


# Every control people use, and where it is; hidden ones (the folded menu, the honeypot) are left out.
_CONTROLS = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [tabindex]:not([tabindex="-1"])'
  )].filter(el => el.checkVisibility({visibilityProperty: true})
                && !el.closest('[aria-hidden=true], .table-responsive, .visually-hidden-focusable:not(:focus)'))
   .map(el => {
     const box = el.getBoundingClientRect();
     return {html: el.outerHTML.slice(0, 100), left: box.left + scrollX, right: box.right + scrollX,
             width: box.width, height: box.height};
   })"""


def phone_problems(page) -> list[str]:
    """What keeps a 360 px phone from using the page: sideways scrolling, controls off screen or too small.

    Tables may be wider than the screen only inside their own scrolling box (`.table-responsive`),
    which keeps the page itself from scrolling sideways. Tap target spacing is axe's `target-size`.
    The skip link, hidden until focused, must then show whole and tall enough to tap.
    """
    width = page.viewport_size["width"]
    problems = []
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"the page scrolls sideways: {scroll_width} px wide on a {width} px screen")
    for control in page.evaluate(_CONTROLS):
        if control["left"] < -0.5 or control["right"] > width + 0.5:
            problems.append(f"off screen ({control['left']:.0f}–{control['right']:.0f} px): {control['html']}")
    skip = page.locator("a[href='#main']").first
    skip.focus()
    box = skip.bounding_box()
    if not box or box["x"] < 0 or box["x"] + box["width"] > width or box["height"] < 24:
        problems.append(f"the skip link is not shown whole and tappable when focused: {box}")
    skip.blur()
    return problems


def menu_focus_problems(page) -> list[str]:
    """Tabbing through the menu bar: each link must show a focus ring that stands out on the blue bar.

    Bootstrap's own ring is a pale blue glow, invisible there; the site draws a solid white outline.
    """
    problems = []
    page.locator("body").focus()
    for _ in range(page.locator("header a, header button").count()):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const el = document.activeElement, style = getComputedStyle(el);
                return {inHeader: !!el.closest('header'), html: el.outerHTML.slice(0, 80),
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
                        color: style.outlineColor}; }"""
        )
        if not focused["inHeader"]:
            continue
        if focused["outline"] in ("none", "") or focused["width"] < 2 or focused["color"] != "rgb(255, 255, 255)":
            problems.append(f"no visible focus ring ({focused['outline']} {focused['color']}): {focused['html']}")
    return problems
