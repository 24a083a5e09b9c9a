"""The council's branding rules: brand colours white text can sit on, and font stacks.

The brand colour fills the header, the service navigation and other GOV.UK
Frontend components with white text on it, so it must give white text a WCAG
contrast ratio of at least 4.5:1 (success criterion 1.4.3, normal-size text).
"""

import re

from django.core.exceptions import ValidationError

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MINIMUM_CONTRAST_WITH_WHITE = 4.5
DEFAULT_BRAND_COLOUR = "#005a70"

# Font stacks an editor may choose. Keys are stored; the values go into CSS, so
# only these fixed strings ever reach a stylesheet. None loads a web font.
FONT_STACKS: dict[str, tuple[str, str]] = {
    "arial": ("Arial", "arial, sans-serif"),
    "helvetica": ("Helvetica", '"Helvetica Neue", helvetica, arial, sans-serif'),
    "verdana": ("Verdana", "verdana, geneva, sans-serif"),
    "system": (
        "The device's own interface font",
        'system-ui, -apple-system, "Segoe UI", roboto, arial, sans-serif',
    ),
}
DEFAULT_FONT = "arial"


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a `#rrggbb` colour (0 for black, 1 for white)."""
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio between white text and `colour` as its background."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def validate_brand_colour(value: str) -> None:
    """Refuse anything but `#rrggbb`, and colours white text cannot be read on."""
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            "Enter the colour as a hash and six hexadecimal digits, for example #005a70.",
            code="invalid_hex",
        )
    ratio = contrast_with_white(value)
    if ratio < MINIMUM_CONTRAST_WITH_WHITE:
        raise ValidationError(
            "White text on %(colour)s has a contrast ratio of %(ratio).2f:1; it needs at least "
            "4.5:1 to be readable (WCAG 2.2, 1.4.3). Choose a darker colour.",
            code="low_contrast",
            params={"colour": value, "ratio": ratio},
        )


def safe_brand_colour(value: str | None) -> str:
    """The colour if it passes the rules, else the default: only checked values reach CSS."""
    try:
        validate_brand_colour(value or "")
    except ValidationError:
        return DEFAULT_BRAND_COLOUR
    return value.lower() if value else DEFAULT_BRAND_COLOUR


def font_stack(key: str | None) -> str:
    return FONT_STACKS.get(key or DEFAULT_FONT, FONT_STACKS[DEFAULT_FONT])[1]
