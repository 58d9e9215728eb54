"""A layer drawn on the canvas: header in its category's colour, key parameters, output shape, parameters,
an input port on top and an output port below. It shows the analysis of its layer; problems turn it red."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.core import catalogue
from designer.core.analysis import NodeReport
from designer.core.shapes import format_shape
from designer.core.graph import LayerNode
from designer.ui import style

NODE_WIDTH = 210.0
NODE_HEIGHT = 86.0
HEADER_HEIGHT = 24.0
PORT_RADIUS = 6.0
#: said on the node of a layer that acts only while training (dropout, noise, augmentation)
TRAINING_ONLY = "training only"
#: the training-health badge: a pill on the node's last line, on the right, and a border of its colour
#: (designer.training.health); inside the node, so it never covers a port, an edge's label or a neighbour
HEALTH_COLOUR = "#c0392b"
HEALTH_BADGE_HEIGHT = 16.0


def describe_value(spec: catalogue.ParamSpec, value) -> str:
    """A parameter as a node shows it: "units 128", "relu", "3×3", "(28, 28, 1)", "return sequences"."""
    label = spec.name.replace("_", " ")
    if value is None:
        return f"{label} none"
    if spec.type == "bool":
        return label if value else ""
    if spec.type == "choice":
        return str(value)
    if spec.type == "pair":
        return f"{label} {value[0]}×{value[1]}"
    if spec.type == "shape":
        inner = ", ".join(str(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if spec.type == "multi":
        return ", ".join(value)
    if spec.type == "words":
        return f"{len(value)} words: " + ", ".join(value)
    return f"{label} {value:g}" if isinstance(value, float) else f"{label} {value}"


#: settings of a generic Keras layer's configuration that say nothing worth a node's line
_QUIET_SETTINGS = {"name", "trainable", "dtype", "quantization_config", "lora_rank", "lora_alpha"}


def key_parameters(node: LayerNode) -> str:
    kind = catalogue.get(node.kind)
    if kind.call == "params":  # a generic Keras layer (its class is in the header): its first plain settings
        config = node.params.get("config") or {}
        plain = [f"{key.replace('_', ' ')} {value}" for key, value in config.items()
                 if key not in _QUIET_SETTINGS and isinstance(value, (int, float, str)) and not isinstance(value, bool)]
        return " · ".join(plain[:3]) or "a Keras layer, every setting kept"
    parts = [describe_value(kind.param(name), node.params.get(name)) for name in kind.key_params]
    return " · ".join(p for p in parts if p)


def header_kind_width(name: str, kind_label: str, name_width: float, kind_text_width: float, room: float) -> int:
    """How much of a node's header the kind ("MaxPooling2D") gets beside the name; the name has the rest.

    A default name ("max_pooling2d_1") already says the kind, so when both do not fit the kind gives way and the
    whole name shows; a name of the person's own keeps the kind beside it (at most 90 px, as before)."""
    wanted = int(min(kind_text_width + 8, 90))
    if name_width + wanted <= room:
        return wanted
    plain = name.lower().replace("_", "")
    if plain.startswith(kind_label.lower().replace("_", "")):
        return 0
    return wanted


class PortItem(QGraphicsEllipseItem):
    """An input (top) or output (bottom) port; dragging from an output port to an input port connects."""

    def __init__(self, node_item: "NodeItem", is_output: bool) -> None:
        r = PORT_RADIUS
        super().__init__(-r, -r, 2 * r, 2 * r, node_item)
        self.node_item = node_item
        self.is_output = is_output
        self.setBrush(QBrush(QColor("#ffffff")))
        self.setPen(QPen(QColor("#5f6368"), 1.6))
        self.setPos(NODE_WIDTH / 2, NODE_HEIGHT if is_output else 0.0)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Drag from here to another layer's input port to connect" if is_output else "Input")
        self.setZValue(2)

    def hoverEnterEvent(self, event) -> None:
        self.setBrush(QBrush(QColor(style.SELECTION_COLOUR)))
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.setBrush(QBrush(QColor("#ffffff")))
        super().hoverLeaveEvent(event)

    def centre(self) -> QPointF:
        return self.scenePos()


_BOUNDS = QRectF(-3, -3, NODE_WIDTH + 6, NODE_HEIGHT + 6)


class NodeItem(QGraphicsItem):
    """One layer. The scene keeps it in step with the document; the item never edits the document itself."""

    def __init__(self, node: LayerNode) -> None:
        super().__init__()
        self.node_id = node.id
        self.kind = catalogue.get(node.kind)
        self.name = node.name
        self.params_text = ""
        self.report: NodeReport | None = None
        self.analysed = False  # False until Keras has given this layer's shape (TensorFlow still loading)
        self.edges: list = []  # EdgeItems touching this node, updated when it moves
        self._rect_before_move = QRectF()
        #: the training-health findings about this layer (designer.training.health.Finding), from the last run
        self.findings: list = []
        self.setFlags(
            QGraphicsItem.ItemIsMovable
            | QGraphicsItem.ItemIsSelectable
            | QGraphicsItem.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setCacheMode(QGraphicsItem.DeviceCoordinateCache)  # redraw text only when it changes, not on pan
        self.setZValue(1)
        self.input_port = None if self.kind.is_source else PortItem(self, is_output=False)
        self.output_port = PortItem(self, is_output=True)
        self.update_from(node)
        self.setPos(*node.position)

    # ------------------------------------------------------------------ content
    def update_from(self, node: LayerNode) -> None:
        self.name = node.name
        self.params_text = key_parameters(node)
        # a generic Keras layer is called by its Keras class in the header ("UnitNormalization")
        self.kind_label = str(node.params.get("class_name")) if self.kind.call == "params" else self.kind.title
        self.setToolTip(self.tooltip_text())  # the full name, even before the first analysis or after a rename
        self.update()

    def set_report(self, report: NodeReport | None, analysed: bool) -> None:
        if report == self.report and analysed == self.analysed:
            return
        self.report = report
        self.analysed = analysed
        self.setToolTip(self.tooltip_text())
        self.update()

    def set_findings(self, findings: list) -> None:
        """Show the training-health findings about this layer as a badge (none: no badge)."""
        if [f.ident for f in findings] == [f.ident for f in self.findings]:
            return
        self.findings = list(findings)
        self.setToolTip(self.tooltip_text())
        self.update()

    def health_badge_text(self) -> str:
        if not self.findings:
            return ""
        more = len(self.findings) - 1
        return f"⚠ {self.findings[0].tag}" + (f" +{more}" if more else "")

    @property
    def has_error(self) -> bool:
        return bool(self.report and self.report.has_error)

    @property
    def has_warning(self) -> bool:
        return bool(self.report and any(not m.is_error for m in self.report.messages))

    def tooltip_text(self) -> str:
        lines = [f"<b>{self.name}</b> — {self.kind.title}"
                 + (f" ({self.kind_label})" if self.kind_label != self.kind.title else "")]
        for message in self.report.messages if self.report else []:
            colour = style.ERROR_COLOUR if message.is_error else style.WARNING_COLOUR
            lines.append(f"<span style='color:{colour}'>{message.text}</span>")
        for finding in self.findings:
            lines.append(f"<span style='color:{HEALTH_COLOUR}'>{finding.title} (epoch {finding.epoch}): "
                         f"{finding.advice}</span><br><i>The Health tab under the canvas offers the fix.</i>")
        if len(lines) == 1:
            lines.append(self.kind.summary)
        if self.kind.training_only:
            lines.append("It acts only while training; when the model predicts it passes its input through.")
        return "<br>".join(lines)

    def shape_text(self) -> str:
        if self.report is None or self.report.output_shape is None:
            # no shape without TensorFlow yet, or because a layer upstream has a problem
            return "Output: …" if not self.analysed else "Output: ? (fix the layers above)"
        return f"Output {format_shape(self.report.output_shape)}"

    def params_count_text(self) -> str:
        if self.report is None or not self.analysed or self.has_error or self.report.output_shape is None:
            return ""
        count = self.report.params
        frozen = self.report.non_trainable_params
        text = f"{count:,} params"
        if frozen and frozen == count:
            text += " (frozen)"
        elif frozen:
            text += f" ({frozen:,} frozen)"
        return text

    # ------------------------------------------------------------------ drawing
    def boundingRect(self) -> QRectF:
        return _BOUNDS  # Qt copies it; asked for thousands of times by the scene's index on a big graph

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT), 8, 8)
        return path

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        body = QRectF(0, 0, NODE_WIDTH, NODE_HEIGHT)
        colour = style.category_colour(self.kind.category)
        if self.isSelected():
            border = QPen(QColor(style.SELECTION_COLOUR), 3.0)
        elif self.has_error:
            border = QPen(QColor(style.ERROR_COLOUR), 2.5)
        elif self.findings:
            border = QPen(QColor(HEALTH_COLOUR), 2.5)
        else:
            border = QPen(colour.darker(130), 1.2)
        outline = QPainterPath()
        outline.addRoundedRect(body, 8, 8)
        painter.fillPath(outline, QColor("#fdecea") if self.has_error else QColor(style.NODE_BACKGROUND))
        painter.save()
        painter.setClipPath(outline)  # the header takes the rounded top corners of the outline
        painter.fillRect(QRectF(0, 0, NODE_WIDTH, HEADER_HEIGHT), QColor(style.ERROR_COLOUR) if self.has_error else colour)
        painter.restore()
        painter.setPen(border)
        painter.setBrush(Qt.NoBrush)
        painter.drawRoundedRect(body, 8, 8)

        title_font = QFont()
        title_font.setPointSizeF(9.0)
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#ffffff"))
        glyph = self.kind.icon or self.kind.title[:1]
        painter.drawText(QRectF(6, 0, 20, HEADER_HEIGHT), Qt.AlignVCenter | Qt.AlignHCenter, glyph)
        metrics = QFontMetrics(title_font)
        kind_font = QFont(title_font)
        kind_font.setBold(False)
        room = NODE_WIDTH - 34
        kind_width = header_kind_width(self.name, self.kind_label, metrics.horizontalAdvance(self.name),
                                       QFontMetrics(kind_font).horizontalAdvance(self.kind_label), room)
        # elided in the middle: "max_po…2d_1" keeps the number that tells two pooling layers apart
        name = metrics.elidedText(self.name, Qt.ElideMiddle, int(room - kind_width))
        painter.drawText(QRectF(28, 0, room, HEADER_HEIGHT), Qt.AlignVCenter | Qt.AlignLeft, name)
        if kind_width:
            painter.setFont(kind_font)
            kind_title = QFontMetrics(kind_font).elidedText(self.kind_label, Qt.ElideRight, kind_width - 4)
            painter.drawText(QRectF(0, 0, NODE_WIDTH - 8, HEADER_HEIGHT), Qt.AlignVCenter | Qt.AlignRight, kind_title)

        text_font = QFont()
        text_font.setPointSizeF(8.5)
        painter.setFont(text_font)
        metrics = QFontMetrics(text_font)
        left, width, line = 10.0, NODE_WIDTH - 20, 18.0
        y = HEADER_HEIGHT + 3
        painter.setPen(QColor(style.TEXT_COLOUR))
        params = metrics.elidedText(self.params_text or self.kind.summary, Qt.ElideRight, int(width))
        painter.drawText(QRectF(left, y, width, line), Qt.AlignVCenter | Qt.AlignLeft, params)
        if self.has_error:
            # the problem itself, in two lines; the whole text is in the tooltip and the inspector
            problem = next(m.text for m in self.report.messages if m.is_error)
            problem = metrics.elidedText(problem, Qt.ElideRight, int(2 * width - 40))
            painter.setPen(QColor(style.ERROR_COLOUR))
            painter.drawText(QRectF(left, y + line, width - 16, 2 * line), Qt.AlignTop | Qt.AlignLeft | Qt.TextWordWrap, problem)
        else:
            painter.setPen(QColor(style.MUTED_TEXT_COLOUR))
            painter.drawText(QRectF(left, y + line, width, line), Qt.AlignVCenter | Qt.AlignLeft, self.shape_text())
            painter.drawText(QRectF(left, y + 2 * line, width, line), Qt.AlignVCenter | Qt.AlignLeft, self.params_count_text())
            if self.kind.training_only and not self.has_warning and not self.findings:
                tag_font = QFont(text_font)
                tag_font.setItalic(True)
                painter.setFont(tag_font)
                painter.drawText(QRectF(left, y + 2 * line, width, line), Qt.AlignVCenter | Qt.AlignRight,
                                 TRAINING_ONLY)
                painter.setFont(text_font)
        if self.has_error or self.has_warning:
            badge = QColor(style.ERROR_COLOUR if self.has_error else style.WARNING_COLOUR)
            centre = QPointF(NODE_WIDTH - 14, NODE_HEIGHT - 14)
            painter.setPen(Qt.NoPen)
            painter.setBrush(badge)
            painter.drawEllipse(centre, 9, 9)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(title_font)
            painter.drawText(QRectF(centre.x() - 9, centre.y() - 9, 18, 18), Qt.AlignCenter, "!")
        if self.findings and not self.has_error:
            self._paint_health_badge(painter, right=NODE_WIDTH - (32 if self.has_warning else 8),
                                      middle=y + 2.5 * line)

    def _paint_health_badge(self, painter: QPainter, right: float, middle: float) -> None:
        font = QFont()
        font.setPointSizeF(7.5)
        font.setBold(True)
        text = QFontMetrics(font).elidedText(self.health_badge_text(), Qt.ElideRight, int(NODE_WIDTH * 0.55))
        width = QFontMetrics(font).horizontalAdvance(text) + 12
        badge = QRectF(right - width, middle - HEALTH_BADGE_HEIGHT / 2, width, HEALTH_BADGE_HEIGHT)
        painter.setPen(Qt.NoPen)
        painter.setBrush(QColor(HEALTH_COLOUR))
        painter.drawRoundedRect(badge, HEALTH_BADGE_HEIGHT / 2, HEALTH_BADGE_HEIGHT / 2)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignCenter, text)

    # ------------------------------------------------------------------ movement
    def itemChange(self, change, value):
        if change == QGraphicsItem.ItemPositionChange:
            self._rect_before_move = self.sceneBoundingRect()
        elif change == QGraphicsItem.ItemPositionHasChanged:
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_moved"):
                scene.node_moved(self, self._rect_before_move)  # its connections, and those it passes, reroute
            else:
                for edge in self.edges:
                    edge.update_path()
            if scene is not None and scene.groups:  # a framed layer dragged: its frame follows
                scene.groups_changed()
        elif change == QGraphicsItem.ItemSelectedHasChanged:
            self.setZValue(3 if value else 1)
        return super().itemChange(change, value)
