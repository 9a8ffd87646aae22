"""Colour checks for letters printed on coloured paper.

A customer who asks for coloured paper chooses both colours, so we check them
before a letter is rendered: an unreadable letter is worse than no letter.
"""

import re

# WCAG 2.x AA threshold for body text; coloured-paper letters use body-size text.
MINIMUM_CONTRAST_RATIO = 4.5

_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def parse_hex_colour(value: str) -> tuple[int, int, int]:
    """Return the (red, green, blue) of a "#rrggbb" colour, or raise ValueError."""
    if not isinstance(value, str) or not _HEX_COLOUR.fullmatch(value):
        raise ValueError(f"colour must be written as #rrggbb, got {value!r}")
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def relative_luminance(value: str) -> float:
    """WCAG relative luminance of a "#rrggbb" colour, from 0 (black) to 1 (white)."""
    red, green, blue = (_linear_channel(channel) for channel in parse_hex_colour(value))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def check_readable(background: str, text: str) -> None:
    """Raise ValueError if text in this colour would be hard to read on this background."""
    ratio = contrast_ratio(background, text)
    if ratio < MINIMUM_CONTRAST_RATIO:
        raise ValueError(
            f"text colour {text} on background {background} has a contrast ratio of {ratio:.2f}:1; "
            f"letters need at least {MINIMUM_CONTRAST_RATIO}:1 to be readable"
        )


def _linear_channel(channel: int) -> float:
    # sRGB gamma expansion, as the WCAG definition of relative luminance requires.
    scaled = channel / 255
    return scaled / 12.92 if scaled <= 0.04045 else ((scaled + 0.055) / 1.055) ** 2.4
