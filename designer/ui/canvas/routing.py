"""Where a connection runs on the canvas: the usual S-curve from an output port down to an input port or, when
that curve would pass under another layer, a detour with rounded corners beside the layers in its way.

A line hidden under a layer lies about the graph (max_pooling2d → dense drawn straight through a Flatten looks as
if the Flatten fed the Dense), so a connection never runs under a layer other than its own two ends.

Pure geometry on Qt's value types, no items: the caller passes `layers_near(rect)`, the bodies of the layers
near a region (from the scene's index), so on a canvas of hundreds of layers each connection looks only at the
few layers beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from PySide6.QtCore import QLineF, QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPainterPathStroker

#: a curve passing closer than this to a layer counts as running under it (the reader cannot tell)
MARGIN = 6.0
#: the gap between a detour and the layers it passes (room for its shape label on the outer side)
CLEARANCE = 26.0
#: how far a detour drops below the output port (and stays above the input port) before it turns
STUB = 22.0
CORNER = 12.0
#: a detour that meets more layers moves out past them too; a few rounds settle any real layout
ROUNDS = 6
#: a connection's two ends sit on the border of their layers' bodies; shrunk by this they do not count as crossed
OWN_INSET = 3.0


@dataclass(frozen=True)
class Body:
    """A layer's rectangle in scene coordinates; `own` when it is one of the connection's two ends."""

    rect: QRectF
    own: bool = False

    def keep_out(self) -> QRectF:
        """The area the connection must not enter: around another layer, inside one of its own ends."""
        if self.own:
            return self.rect.adjusted(OWN_INSET, OWN_INSET, -OWN_INSET, -OWN_INSET)
        return self.rect.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


LayersNear = Callable[[QRectF], Iterable[Body]]


@dataclass
class Route:
    path: QPainterPath
    #: where the connection's shape label hangs, and on which side (a left detour keeps it off the layers)
    label_at: QPointF
    label_left: bool = False
    detour: bool = False


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A vertical S-curve from an output port (below a node) to an input port (above another)."""
    path = QPainterPath(start)
    bend = max(40.0, abs(end.y() - start.y()) / 2)
    path.cubicTo(QPointF(start.x(), start.y() + bend), QPointF(end.x(), end.y() - bend), end)
    return path


def route(start: QPointF, end: QPointF, layers_near: LayersNear) -> Route:
    """The S-curve when nothing is in its way, else the shortest clear detour (right of the layers on a tie)."""
    direct = curve(start, end)
    hits = _under_curve(direct, layers_near)
    if not hits:
        return Route(direct, direct.pointAtPercent(0.5))
    best = None
    for side in (1, -1):
        points, crossed = _detour(start, end, hits, side, layers_near)
        score = (crossed, _length(points))
        if best is None or score < best[0]:  # strict: the right-hand detour wins a tie
            best = (score, points, side)
    _, points, side = best
    middle = QPointF(points[2].x(), (points[2].y() + points[3].y()) / 2)
    return Route(rounded(points, CORNER), middle, label_left=side < 0, detour=True)


def _under_curve(path: QPainterPath, layers_near: LayersNear) -> list[QRectF]:
    region = path.controlPointRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    candidates = [body.keep_out() for body in layers_near(region)]
    if not candidates:
        return []
    stroker = QPainterPathStroker()
    stroker.setWidth(1.0)
    band = stroker.createStroke(path)  # a thin closed outline: an open curve's own "area" would be its chord's
    return [rect for rect in candidates if band.intersects(rect)]


def _detour(start: QPointF, end: QPointF, hits: list[QRectF], side: int,
            layers_near: LayersNear) -> tuple[list[QPointF], int]:
    """The detour on one side and how many layers it still crosses (0 when clear)."""
    blocking = list(hits)
    for _ in range(ROUNDS):
        points = _detour_points(start, end, blocking, side)
        crossed = _crossed(points, layers_near)
        new = [rect for rect in crossed if rect not in blocking]
        if not new:  # clear, or crossing only what moving further out cannot avoid
            return points, len(crossed)
        blocking += new
    return points, len(crossed)


def _detour_points(start: QPointF, end: QPointF, blocking: list[QRectF], side: int) -> list[QPointF]:
    """Down from the output port, across past the blocking layers, along them, across, down into the input."""
    union = QRectF(blocking[0])
    for rect in blocking[1:]:
        union = union.united(rect)
    x = union.right() + CLEARANCE if side > 0 else union.left() - CLEARANCE
    # turn halfway to the nearest layer below the port (above the input) when layers sit closer than usual
    below = [rect.top() - start.y() for rect in blocking if rect.top() > start.y()]
    above = [end.y() - rect.bottom() for rect in blocking if rect.bottom() < end.y()]
    y0 = start.y() + min(STUB, max(4.0, min(below) / 2)) if below else start.y() + STUB
    y1 = end.y() - min(STUB, max(4.0, min(above) / 2)) if above else end.y() - STUB
    return [start, QPointF(start.x(), y0), QPointF(x, y0), QPointF(x, y1), QPointF(end.x(), y1), end]


def _crossed(points: list[QPointF], layers_near: LayersNear) -> list[QRectF]:
    """The keep-out rectangles that a polyline of horizontal and vertical segments enters."""
    xs, ys = [p.x() for p in points], [p.y() for p in points]
    region = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)).adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
    # a segment as a hair-thin rectangle: QRectF.intersects says no to a rectangle of zero width
    segments = [QRectF(a, b).normalized().adjusted(-0.5, -0.5, 0.5, 0.5) for a, b in zip(points, points[1:])]
    crossed = []
    for body in layers_near(region):
        keep_out = body.keep_out()
        if any(segment.intersects(keep_out) for segment in segments):
            crossed.append(keep_out)
    return crossed


def _length(points: list[QPointF]) -> float:
    return sum(QLineF(a, b).length() for a, b in zip(points, points[1:]))


def rounded(points: list[QPointF], radius: float) -> QPainterPath:
    """A polyline with its corners rounded (a corner's radius shrinks to fit short segments)."""
    kept = [points[0]]
    for point in points[1:]:
        if QLineF(kept[-1], point).length() > 0.5:  # a detour that needs no sideways step has repeated points
            kept.append(point)
    path = QPainterPath(kept[0])
    for before, corner, after in zip(kept, kept[1:], kept[2:]):
        into, out = QLineF(corner, before), QLineF(corner, after)
        r = min(radius, into.length() / 2, out.length() / 2)
        path.lineTo(into.pointAt(r / into.length()))
        path.quadTo(corner, out.pointAt(r / out.length()))
    path.lineTo(kept[-1])
    return path
