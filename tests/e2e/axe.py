"""The axe check every browser journey runs on every page it visits."""

from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
_axe = Axe()


def assert_accessible(page) -> None:
    """Fail on any WCAG 2.2 A or AA violation, naming each rule and the elements.

    Running animations and transitions (a message fading in) are first brought to their
    end state, so colour contrast is judged on what a reader sees once they settle.
    """
    page.wait_for_load_state()
    # An endless animation (a spinner) cannot finish; it is left as it is.
    page.evaluate(
        "document.getAnimations().forEach((animation) => { try { animation.finish(); } catch (error) {} })"
    )
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_22_AA_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response.get("violations", [])
    if violations:
        lines = [f"{page.url}: {len(violations)} accessibility violation(s)"]
        for violation in violations:
            targets = ", ".join(str(node.get("target")) for node in violation["nodes"][:5])
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
        raise AssertionError("\n".join(lines))
