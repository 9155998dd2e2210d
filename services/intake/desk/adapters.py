"""The pairing link as a QR code the tablet's camera reads off the desk's screen, drawn by
segno: an inline SVG made on the server (no script, no image request), dark modules on a
white quiet zone."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup

__all__ = ["qr_svg"]


def qr_svg(text: str, title: str) -> Markup:
    """`text` as an inline `<svg>` with `title` for screen readers (role img)."""
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    code.save(  # a viewBox, no size: the page's CSS sizes it
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        omitsize=True,
        border=4,
        dark="#000",
        light="#fff",
    )
    svg = out.getvalue().decode()  # segno's own drawing: paths of the code, nothing typed
    labelled = svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)
    named = f'><title id="qr-title">{Markup.escape(title)}</title>'
    return Markup(labelled.replace(">", named, 1))  # noqa: S704 (the title is escaped)
