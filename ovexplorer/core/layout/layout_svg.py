"""Write a :class:`GraphLayout` as SVG (Qt-free): the whole graph or a rectangle of it."""

from __future__ import annotations

from html import escape

from ovexplorer.core.layout.graph_layout import GraphLayout
from ovexplorer.core.model.categories import CATEGORY_COLORS

GROUP_FILLS = ("#f4f7fb", "#e9eff7", "#f7f4fb", "#eef6f0")


def rounded(points, radius: float = 10.0) -> list[tuple]:
    """Path commands for a polyline with rounded corners: ``("M", x, y)``, ``("L", x, y)``,
    ``("Q", cx, cy, x, y)``; straight runs stay straight."""
    if not points:
        return []
    out: list[tuple] = [("M", *points[0])]
    for i in range(1, len(points) - 1):
        (ax, ay), (bx, by), (cx, cy) = points[i - 1], points[i], points[i + 1]
        d1 = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
        d2 = ((cx - bx) ** 2 + (cy - by) ** 2) ** 0.5
        if d1 < 1e-6 or d2 < 1e-6:
            continue
        r = min(radius, d1 / 2, d2 / 2)
        out.append(("L", bx - (bx - ax) / d1 * r, by - (by - ay) / d1 * r))
        out.append(("Q", bx, by, bx + (cx - bx) / d2 * r, by + (cy - by) / d2 * r))
    if len(points) > 1:
        out.append(("L", *points[-1]))
    return out


def _svg_path(points) -> str:
    return " ".join(c[0] + " " + " ".join(f"{v:.1f}" for v in c[1:]) for c in rounded(points))


def _hit(x: float, y: float, w: float, h: float, rect: tuple[float, float, float, float] | None) -> bool:
    if rect is None:
        return True
    rx, ry, rw, rh = rect
    return x < rx + rw and x + w > rx and y < ry + rh and y + h > ry


def layout_to_svg(layout: GraphLayout, rect: tuple[float, float, float, float] | None = None,
                  show_edge_labels: bool = False) -> str:
    """SVG text of ``layout`` (or of the part inside ``rect`` = x, y, w, h)."""
    x0, y0, w, h = rect if rect is not None else (0.0, 0.0, layout.width, layout.height)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{h:.0f}" '
        f'viewBox="{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}" font-family="sans-serif">',
        f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w:.1f}" height="{h:.1f}" fill="#ffffff"/>',
        '<defs><marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" '
        'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#55606e"/></marker></defs>',
    ]
    for g in layout.groups:
        if not _hit(g.x, g.y, g.w, g.h, rect):
            continue
        if g.expanded:
            fill = GROUP_FILLS[g.depth % len(GROUP_FILLS)]
            out.append(f'<rect x="{g.x:.1f}" y="{g.y:.1f}" width="{g.w:.1f}" height="{g.h:.1f}" rx="6" '
                       f'fill="{fill}" stroke="#9aa8ba"/>')
            out.append(f'<text x="{g.x + 10:.1f}" y="{g.y + 16:.1f}" font-size="12" font-weight="bold" '
                       f'fill="#34495e">{escape(g.label)}</text>')
        else:
            out.append(f'<rect x="{g.x:.1f}" y="{g.y:.1f}" width="{g.w:.1f}" height="{g.h:.1f}" rx="6" '
                       'fill="#dfe7f1" stroke="#6f819a" stroke-width="1.5"/>')
            cx = g.x + g.w / 2
            kids = f" · {g.group_count} groups" if g.group_count else ""
            out.append(f'<text x="{cx:.1f}" y="{g.y + 18:.1f}" font-size="12" font-weight="bold" '
                       f'text-anchor="middle">{escape(g.label)}</text>')
            out.append(f'<text x="{cx:.1f}" y="{g.y + 33:.1f}" font-size="10" text-anchor="middle" '
                       f'fill="#44505e">{g.op_count} ops{kids}</text>')
    for e in layout.edges:
        xs = [p[0] for p in e.points]
        ys = [p[1] for p in e.points]
        if not _hit(min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1, rect):
            continue
        marker = ' marker-end="url(#arrow)"' if e.dst >= 0 else ""
        out.append(f'<path d="{_svg_path(e.points)}" fill="none" stroke="#55606e" stroke-width="1.2"{marker}/>')
        if show_edge_labels and e.label and len(e.points) >= 2:
            (ax, ay), (bx, by) = e.points[0], e.points[1]
            out.append(f'<text x="{(ax + bx) / 2 + 4:.1f}" y="{(ay + by) / 2:.1f}" font-size="9" '
                       f'fill="#5b6573">{escape(e.label)}</text>')
    for n in layout.nodes:
        if not _hit(n.x, n.y, n.w, n.h, rect):
            continue
        fill = CATEGORY_COLORS.get(n.category, "#ffffff")
        out.append(f'<rect x="{n.x:.1f}" y="{n.y:.1f}" width="{n.w:.1f}" height="{n.h:.1f}" rx="4" '
                   f'fill="{fill}" stroke="#4a5562"/>')
        for i, line in enumerate(n.lines):
            weight = ' font-weight="bold"' if i == 0 else ""
            size = 11 if i == 0 else 10
            out.append(f'<text x="{n.x + n.w / 2:.1f}" y="{n.y + 17 + 14 * i:.1f}" font-size="{size}"{weight} '
                       f'text-anchor="middle">{escape(line)}</text>')
    for p in layout.proxies:
        if not _hit(p.x, p.y, p.w, p.h, rect):
            continue
        out.append(f'<rect x="{p.x:.1f}" y="{p.y:.1f}" width="{p.w:.1f}" height="{p.h:.1f}" rx="3" '
                   'fill="#fff7d6" stroke="#b59b3b"/>')
        out.append(f'<text x="{p.x + 4:.1f}" y="{p.y + 10.5:.1f}" font-size="9">{escape(p.label)}</text>')
    out.append("</svg>")
    return "\n".join(out)

