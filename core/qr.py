"""QR codes as inline SVG, so pages and printed forms carry them without image files."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(data, title="", scale=4):
    """Inline SVG markup of a QR code for ``data``.

    The SVG has a viewBox and no fixed size, so CSS decides how large it prints; ``title``
    becomes its accessible name. Medium error correction keeps codes readable when printed
    on worn paper or shown on a scratched kiosk screen.
    """
    code = segno.make(data, error="m")
    svg = code.svg_inline(scale=scale, title=title or None, omitsize=True, svgclass="qr-code")
    # segno escapes the title and writes only path data, so the markup is safe; role="img"
    # makes screen readers announce the title instead of walking the drawing.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))
