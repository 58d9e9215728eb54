"""The Data panel's look at the data: bars of how many samples each class has, and the first samples — a grid of
thumbnails with their class for images, a table for everything else, each value under its name as the data names
it ("age", "region=east"), then the words the model reads and the column predicted."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from designer.ui import style

GRID_COLUMNS = 6
GRID_SAMPLES = 24
TABLE_ROWS = 30
TABLE_COLUMNS = 12
THUMBNAIL = 56


class ClassBalance(QWidget):
    """Horizontal bars: how many training samples each class has."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.counts: list[tuple[str, int]] = []

    def set_counts(self, counts: list[tuple[str, int]] | None) -> None:
        self.counts = list(counts or [])[:20]
        self.setFixedHeight(16 * len(self.counts) + 4 if self.counts else 0)
        self.update()

    def paintEvent(self, event) -> None:
        if not self.counts:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        top = max(n for _, n in self.counts) or 1
        label_width, number_width = 90, 60
        bar_space = max(10, self.width() - label_width - number_width)
        for row, (name, count) in enumerate(self.counts):
            y = 2 + row * 16
            painter.setPen(QColor(style.TEXT_COLOUR))
            painter.drawText(QRectF(0, y, label_width - 6, 14), Qt.AlignRight | Qt.AlignVCenter,
                             painter.fontMetrics().elidedText(name, Qt.ElideRight, label_width - 8))
            painter.fillRect(QRectF(label_width, y + 2, bar_space * count / top, 10), QColor(style.CATEGORY_COLOURS["Core"]))
            painter.drawText(QRectF(label_width + bar_space * count / top + 4, y, number_width, 14),
                             Qt.AlignLeft | Qt.AlignVCenter, f"{count:,}")


def sample_pixmap(sample, size: int = THUMBNAIL) -> QPixmap:
    """One image sample (h, w) or (h, w, 1|3), any value range, as a pixmap scaled for a thumbnail."""
    import numpy as np

    pixels = np.asarray(sample, dtype=np.float32)
    low, high = float(pixels.min()), float(pixels.max())
    pixels = np.zeros_like(pixels) if high <= low else (pixels - low) / (high - low)
    pixels = np.ascontiguousarray((pixels * 255).round().astype(np.uint8))
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = np.ascontiguousarray(pixels[:, :, 0])
    height, width = pixels.shape[:2]
    if pixels.ndim == 2:
        image = QImage(pixels.data, width, height, width, QImage.Format_Grayscale8)
    else:
        image = QImage(pixels.data, width, height, 3 * width, QImage.Format_RGB888)
    # copy(): the QImage must not keep pointing into the numpy buffer after this function returns
    return QPixmap.fromImage(image.copy()).scaled(size, size, Qt.KeepAspectRatio, Qt.FastTransformation)


def fill_image_grid(grid: QGridLayout, host: QWidget, dataset) -> str:
    """The first samples of an image dataset as thumbnails with their class, in `grid` (on `host`); the title."""
    from designer.data.summary import class_indices

    count = min(GRID_SAMPLES, len(dataset.x_train))
    classes = class_indices(dataset.y_train[:count]) if dataset.class_names and dataset.y_train is not None else None
    for i in range(count):
        cell = QLabel(host)
        cell.setAlignment(Qt.AlignCenter)
        cell.setPixmap(sample_pixmap(dataset.x_train[i]))
        caption = dataset.class_names[int(classes[i])] if classes is not None else ""
        cell.setToolTip(caption)
        label = QLabel(caption, host)
        label.setAlignment(Qt.AlignHCenter | Qt.AlignTop)
        label.setStyleSheet("font-size: 8pt")
        sample = QWidget(host)
        box = QVBoxLayout(sample)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(cell)
        box.addWidget(label)
        grid.addWidget(sample, i // GRID_COLUMNS, i % GRID_COLUMNS)
    return f"<b>The first {count} samples</b>"


def fill_table(table: QTableWidget, dataset) -> str:
    """The first rows of a dataset in `table`, each value under its name ("age", "region=east"), the words the model
    reads and the column predicted; the title."""
    import numpy as np

    from designer.data.summary import class_indices

    rows = min(TABLE_ROWS, len(dataset.x_train))
    values = dataset.x_train[:rows].reshape(rows, -1)
    columns = min(TABLE_COLUMNS, values.shape[1])
    has_labels = dataset.y_train is not None
    # columns of words the model reads itself: shown as words, after the numbers
    words = dataset.words_train[:rows] if dataset.words_train is not None else None
    word_columns = list(dataset.word_columns or []) if words is not None else []
    table.setRowCount(rows)
    table.setColumnCount(columns + len(word_columns) + has_labels)
    # a table's own names: "age", "region=east", and the column predicted
    target = (dataset.options.get("target") or dataset.columns[-1]) if dataset.columns else "label"
    headers = dataset.input_names[:columns] + word_columns + ([target] if has_labels else [])
    table.setHorizontalHeaderLabels(headers)
    for i in range(rows):
        for j in range(columns):
            table.setItem(i, j, QTableWidgetItem(f"{values[i, j]:.4g}"))
        for j in range(len(word_columns)):
            table.setItem(i, columns + j, QTableWidgetItem(str(words[i, j])))
        if has_labels:
            label = dataset.y_train[i]
            if dataset.class_names:
                text = dataset.class_names[int(class_indices(dataset.y_train[i:i + 1])[0])]
            else:
                text = ", ".join(f"{v:.4g}" for v in np.ravel(label))
            table.setItem(i, columns + len(word_columns), QTableWidgetItem(text))
    table.resizeColumnsToContents()
    table.show()
    more = f" (first {columns} of {values.shape[1]} values)" if columns < values.shape[1] else ""
    return f"<b>The first {rows} samples</b>{more}"
