"""The live insight panels, fed synthetic snapshots made with numpy (no TensorFlow, no training): the plan's
messages and tab order, what each panel draws for a classifier of 8×8 images, a 2-D point classifier, an
autoencoder, a GAN and a forecaster, and the controls a person uses (sample, variable, epoch slider)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from designer.training.insights import PANELS, Histogram, Snapshot

CLASSES = [str(i) for i in range(10)]
NOT_FOR_CLASSIFIERS = {
    "reconstructions": "Reconstructions are for autoencoders (mode autoencoder or VAE), which rebuild their input.",
    "generated": "Generated images are for GANs: set the mode to GAN with a generator and a discriminator.",
    "boundary": "The decision boundary is drawn for classifiers of two numbers (points in a plane); this model "
                "reads samples of shape 8 × 8.",
    "forecast": "Forecast vs truth is for sequence data that predicts what comes next, such as the sine waves.",
}


def plan(**reasons):
    """Every panel meaningful except those given."""
    return {name: reasons.get(name) for name in PANELS}


def histograms(rng, names, scale=1.0):
    result = []
    for name in names:
        counts, edges = np.histogram(rng.standard_normal(500) * scale, bins=40)
        result.append(Histogram(name, counts.astype(np.int64), edges.astype(np.float32)))
    return result


def seven(size=8):
    """An 8×8 "7": a full top row and a stroke down the right side, so upside-down or mirrored shows."""
    image = np.zeros((size, size), dtype=np.float32)
    image[0, 1:7] = 1.0
    for row in range(1, size):
        image[row, max(1, 6 - row // 2)] = 1.0
    return image


def classifier_snapshot(epoch=0, seed=0):
    rng = np.random.default_rng(seed)
    samples = np.clip(rng.random((8, 8, 8)).astype(np.float32) * 0.3 + seven()[None], 0, 1)
    images = np.clip(rng.random((16, 8, 8)).astype(np.float32) * 0.3 + seven()[None], 0, 1)
    actual = [CLASSES[i % 10] for i in range(16)]
    predicted = [a if i % 4 else CLASSES[(i + 1) % 10] for i, a in enumerate(actual)]  # 4 wrong of 16
    matrix = rng.integers(0, 4, (10, 10)) + np.diag(rng.integers(80, 100, 10))
    names = ["dense/kernel", "dense/bias", "output/kernel", "output/bias"]
    return Snapshot(
        epoch,
        samples=samples,
        sample_labels=CLASSES[:8],
        activations=[("dense", rng.standard_normal((8, 300)).astype(np.float32)),
                     ("conv2d", rng.random((8, 4, 4, 3)).astype(np.float32)),
                     ("output", rng.random((8, 10)).astype(np.float32))],
        weights=histograms(rng, names),
        gradients=histograms(rng, names, scale=0.01),
        predictions={"images": images, "predicted": predicted, "actual": actual,
                     "confidence": rng.uniform(0.5, 1.0, 16).astype(np.float32)},
        confusion={"matrix": matrix, "classes": CLASSES},
    )


def boundary_snapshot(epoch=0):
    rng = np.random.default_rng(1)
    xs, ys = np.linspace(-2, 3, 80, dtype=np.float32), np.linspace(-1, 1.5, 60, dtype=np.float32)
    classes = (xs[None, :] + ys[:, None] > 0.5).astype(np.int64)
    points = rng.uniform((-1.8, -0.9), (2.8, 1.4), (120, 2)).astype(np.float32)
    labels = (points.sum(axis=1) > 0.5).astype(np.int64)
    return Snapshot(epoch, boundary={"xs": xs, "ys": ys, "classes": classes, "points": points, "labels": labels,
                                     "class_names": ["inner", "outer"]})


def autoencoder_snapshot(epoch=0, vectors=False):
    rng = np.random.default_rng(2)
    originals = rng.random((8, 4) if vectors else (8, 8, 8)).astype(np.float32)
    return Snapshot(epoch, reconstructions={"originals": originals, "reconstructions": originals * 0.8})


def gan_snapshot(epoch):
    rng = np.random.default_rng(epoch)
    return Snapshot(epoch, samples=rng.standard_normal((8, 16)).astype(np.float32),
                    activations=[("dense", rng.standard_normal((8, 64)).astype(np.float32))],
                    generated=rng.random((16, 8, 8)).astype(np.float32) * (epoch + 1) / 10)


def forecast_snapshot(epoch=0):
    t = np.linspace(0, 12, 200, dtype=np.float32)
    return Snapshot(epoch, forecast={"truth": np.sin(t), "prediction": np.sin(t) * 0.9, "axis": "step"})


@pytest.fixture
def panels(qtbot):
    from designer.ui.insights import InsightPanels

    widget = InsightPanels()
    qtbot.addWidget(widget)
    widget.resize(1000, 420)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click_tab(qtbot, panels, name):
    from designer.ui.insights.registry import REGISTRY

    bar = panels.tabBar()
    index = [bar.tabText(i) for i in range(bar.count())].index(REGISTRY[name].title)
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(index).center())
    assert panels.currentIndex() == index


# ---------------------------------------------------------------------- the registry
def test_the_registry_has_a_panel_for_each_panel_field_of_a_snapshot(qtbot):
    from designer.ui.insights.registry import REGISTRY

    assert set(REGISTRY) == set(PANELS)
    for name, entry in REGISTRY.items():
        assert entry.name == name
        widget = entry.make()
        qtbot.addWidget(widget)
        assert widget.show_snapshot(Snapshot(0)) is False, name  # nothing for it: it stays as it is
        widget.reset()


# ---------------------------------------------------------------------- the plan
def test_plan_puts_the_meaningful_tabs_first_and_explains_the_others(panels):
    from designer.ui.insights.registry import REGISTRY
    from designer.ui.insights.tabs import GREYED_TAB, WAITING

    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    # the Health tab first, then the live panels; the first live panel is in view
    assert panels.tab_names() == ["health", "activations", "weights", "gradients", "predictions", "confusion",
                                  "reconstructions", "generated", "boundary", "forecast"]
    assert panels.currentIndex() == 1 and panels.tabText(1) == "Activations" and panels.tabText(0) == "Health"
    bar = panels.tabBar()
    for index, name in list(enumerate(panels.tab_names()))[1:]:
        assert panels.tabText(index) == REGISTRY[name].title
        assert not panels.showing_data(name)
        reason = NOT_FOR_CLASSIFIERS.get(name)
        if reason:
            assert panels.message(name) == reason
            assert panels.tabToolTip(index) == reason
            assert bar.tabTextColor(index).name() == GREYED_TAB
            assert panels.isTabEnabled(index)  # still clickable: the reason is worth reading
        else:
            assert panels.message(name) == WAITING and panels.tabToolTip(index) == ""


def test_a_gan_plan_moves_its_tabs_to_the_front(panels, qtbot):
    reasons = {name: f"not for GANs ({name})" for name in ("predictions", "confusion", "reconstructions",
                                                            "boundary", "forecast")}
    panels.set_plan(plan(**reasons))
    assert panels.tab_names() == ["health", "activations", "weights", "gradients", "generated",
                                  "predictions", "confusion", "reconstructions", "boundary", "forecast"]
    click_tab(qtbot, panels, "forecast")  # greyed, yet it opens and shows why it is empty
    assert panels.currentWidget().isVisible() and panels.message("forecast") == "not for GANs (forecast)"


# ---------------------------------------------------------------------- a classifier of pictures
def test_a_classifier_snapshot_fills_its_panels(panels, qtbot):
    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    shot = classifier_snapshot()
    panels.show_snapshot(shot)
    assert not panels.showing_data("confusion")  # out of view: drawn when it comes into view
    for name in ("activations", "weights", "gradients", "predictions", "confusion"):
        panels.show_panel(name)
        assert panels.showing_data(name), name
    for name, reason in NOT_FOR_CLASSIFIERS.items():
        assert not panels.showing_data(name) and panels.message(name) == reason

    activations = panels.show_panel("activations")
    qtbot.waitUntil(lambda: len(activations.rows) == 3)  # one row at a time (ROW_PACE_MS)
    dense, conv, output = activations.rows
    assert "first 256 of 300" in dense.title.text() and "10 values" in output.title.text()
    assert len(dense.view.bars.opts["height"]) == 256 and len(output.view.bars.opts["height"]) == 10
    assert conv.view.image.image.shape == (4, 3 * 4 + 2 * 1, 3)  # three 4×4 maps side by side, 1-pixel gaps
    assert activations.sample_view.image.image.shape == (8, 8) and activations.sample_label.text() == "class: 0"
    assert activations.sample_view.image.axisOrder == "row-major"
    assert activations.sample_view.vb.state["yInverted"]  # row 0 on top: the 7 stands upright

    predictions = panels.show_panel("predictions")
    assert predictions.title.text() == "<b>12 of 16 right</b> at epoch 1"
    assert all(item.image.shape == (8, 8) for item in predictions.grid.items)
    first, second = predictions.grid.captions[:2]  # the first is wrong, the second right
    assert "true: 0" in first.text and "1 (" in first.text and first.opts["color"] == "#d64541"
    assert second.opts["color"] == "#1e8e3e"

    confusion = panels.show_panel("confusion")
    matrix = shot.confusion["matrix"]
    assert confusion.image.image.shape == (10, 10) and len(confusion.texts) == 100
    assert confusion.texts[0].textItem.toPlainText() == str(matrix[0, 0])
    assert confusion.texts[1 * 10 + 2].textItem.toPlainText() == str(matrix[1, 2])  # row true 1, column predicted 2
    assert confusion.accuracy == pytest.approx(np.trace(matrix) / matrix.sum())
    assert "Accuracy" in confusion.plot.getPlotItem().titleLabel.text
    assert confusion.plot.getPlotItem().getAxis("bottom")._tickLevels[0][3][1] == "3"

    weights = panels.show_panel("weights")
    assert [weights.list.item(i).text() for i in range(weights.list.count())][:2] == ["dense/kernel", "dense/bias"]
    visible = [curve for curve in weights.curves if curve.isVisible()]
    x, y = visible[0].getData()
    assert len(visible) == 1 and len(x) == 41 and len(y) == 40
    assert "epoch 1" in weights.title.text()


def test_the_sample_spin_box_changes_what_the_layers_show(panels, qtbot):
    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    shot = classifier_snapshot()
    panels.show_snapshot(shot)
    activations = panels.show_panel("activations")
    qtbot.waitUntil(lambda: len(activations.rows) == len(shot.activations))
    dense = activations.rows[0]
    assert np.allclose(dense.view.bars.opts["height"], shot.activations[0][1][0, :256])
    assert activations.spin.maximum() == 8
    activations.spin.setFocus()
    qtbot.keyClick(activations.spin, Qt.Key_Up)
    qtbot.keyClick(activations.spin, Qt.Key_Up)
    assert activations.spin.value() == 3
    assert np.allclose(dense.view.bars.opts["height"], shot.activations[0][1][2, :256])
    conv_maps = activations.rows[1].view.image.image
    assert np.array_equal(conv_maps[:, :4], _as_drawn(shot.activations[1][1][2, :, :, 0]))
    assert activations.sample_label.text() == "class: 2"
    assert np.array_equal(activations.sample_view.image.image, shot.samples[2])
    # a new snapshot keeps the chosen sample
    panels.show_snapshot(classifier_snapshot(epoch=1, seed=5))
    assert activations.spin.value() == 3 and activations.rows[0] is dense


def _as_drawn(feature_map):
    """A feature map as the panel colours it: stretched to 0..1, through viridis."""
    from designer.ui.plot_pieces import MAP_LUT

    low, high = feature_map.min(), feature_map.max()
    return MAP_LUT[(((feature_map - low) / (high - low)) * 255).astype(np.uint8)]


def test_the_weight_list_keeps_the_chosen_variable(panels, qtbot):
    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    panels.show_snapshot(classifier_snapshot())
    click_tab(qtbot, panels, "weights")
    weights = panels.show_panel("weights")
    item = weights.list.item(2)
    qtbot.mouseClick(weights.list.viewport(), Qt.LeftButton, pos=weights.list.visualItemRect(item).center())
    assert weights.chosen() == "output/kernel"
    later = classifier_snapshot(epoch=1, seed=7)
    panels.show_snapshot(later)
    assert weights.chosen() == "output/kernel"
    visible = [curve for curve in weights.curves if curve.isVisible()]
    assert len(visible) == 2
    assert np.array_equal(visible[-1].getData()[1], later.weights[2].counts)  # the newest on top, in strong blue
    assert visible[-1].opts["pen"].width() > visible[0].opts["pen"].width()
    assert "output/kernel</b> · epoch 2" in weights.title.text()
    gradients = panels.show_panel("gradients")
    assert gradients.chosen() == "dense/kernel" and "stopped learning" in gradients.note.text()


# ---------------------------------------------------------------------- the other kinds of model
def test_a_point_classifier_draws_its_decision_boundary(panels):
    panels.set_plan(plan())
    shot = boundary_snapshot()
    panels.show_snapshot(shot)
    boundary = panels.show_panel("boundary")
    assert panels.showing_data("boundary") and not panels.showing_data("forecast")
    assert boundary.image.image.shape == (60, 80, 3)
    rect = boundary.image.mapRectToParent(boundary.image.boundingRect())
    assert rect.left() < -2 < rect.right() and rect.left() < 3 < rect.right() and rect.top() < -1
    assert [s.name() for s in boundary.scatters] == ["inner", "outer"]
    assert sum(len(s.data) for s in boundary.scatters) == 120
    assert len(boundary.legend.items) == 2
    panels.show_snapshot(boundary_snapshot(epoch=1))  # the same items take the new data
    assert len(boundary.legend.items) == 2 and sum(len(s.data) for s in boundary.scatters) == 120


def test_an_autoencoder_shows_originals_above_reconstructions(panels):
    panels.set_plan(plan(predictions="classifiers only", confusion="classifiers only"))
    panels.show_snapshot(autoencoder_snapshot())
    grid = panels.show_panel("reconstructions").grid
    assert panels.showing_data("reconstructions")
    assert all(item.image.shape == (8, 8) for item in grid.items)
    assert np.allclose(grid.items[8].image, autoencoder_snapshot().reconstructions["reconstructions"][0])
    panels.show_snapshot(autoencoder_snapshot(epoch=1, vectors=True))  # numbers, not pictures: 1×N strips
    assert grid.items[0].image.shape == (1, 4) and not grid.views[0].state["aspectLocked"]


def test_a_gan_keeps_every_grid_and_the_slider_goes_back(panels, qtbot):
    panels.set_plan(plan(predictions="no", confusion="no", reconstructions="no", boundary="no", forecast="no"))
    panels.show_snapshot(gan_snapshot(0))
    panels.show_snapshot(gan_snapshot(1))
    generated = panels.show_panel("generated")
    assert generated.shown_epoch == 2 and "epoch 2" in generated.title.text()
    assert generated.grid.items[0].image.shape == (8, 8) and generated.slider.maximum() == 1
    click_tab(qtbot, panels, "generated")
    generated.slider.setFocus()
    qtbot.keyClick(generated.slider, Qt.Key_Home)  # back to the first epoch
    assert generated.shown_epoch == 1 and "epoch 1" in generated.title.text()
    expected = (np.clip(gan_snapshot(0).generated[0], 0, 1) * 255).round()
    assert np.array_equal(generated.grid.items[0].image, expected)
    panels.show_snapshot(gan_snapshot(2))  # moved back: it stays where the person put it
    assert generated.shown_epoch == 1 and generated.slider.maximum() == 2
    qtbot.keyClick(generated.slider, Qt.Key_End)
    panels.show_snapshot(gan_snapshot(3))  # at the end again: it follows the newest
    assert generated.shown_epoch == 4
    qtbot.waitUntil(lambda: len(panels.show_panel("activations").rows) > 0)
    assert len(panels.show_panel("activations").rows[0].view.bars.opts["height"]) == 64
    assert panels.show_panel("activations").sample_view.bars.isVisible()  # noise is numbers: bars


def test_a_forecaster_draws_truth_and_prediction(panels):
    panels.set_plan(plan(predictions="no", confusion="no"))
    panels.show_snapshot(forecast_snapshot())
    forecast = panels.show_panel("forecast")
    assert panels.showing_data("forecast")
    assert len(forecast.truth.getData()[1]) == 200 and len(forecast.prediction.getData()[1]) == 200
    assert forecast.plot.getPlotItem().getAxis("bottom").labelText == "time step"
    assert forecast.prediction.opts["pen"].style() == Qt.PenStyle.DashLine


def test_empty_fields_leave_a_panel_as_it_is(panels):
    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    panels.show_snapshot(classifier_snapshot())
    panels.show_snapshot(Snapshot(1))  # nothing in it
    panels.show_panel("confusion")
    assert panels.showing_data("confusion") and panels.show_panel("predictions").title.text().startswith("<b>12 of 16")


def test_clear_goes_back_to_before_the_plan(panels):
    from designer.ui.insights.tabs import WAITING

    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    panels.show_snapshot(classifier_snapshot())
    panels.setCurrentIndex(3)
    panels.clear()
    assert panels.tab_names() == ["health", *PANELS] and panels.currentIndex() == 1
    assert all(not panels.showing_data(name) and panels.message(name) == WAITING for name in PANELS)
    assert all(panels.tabToolTip(i) == "" for i in range(panels.count()))
    weights = panels.show_panel("weights")
    assert weights.list.count() == 0 and not weights.history
    assert panels.show_panel("activations").rows == []
    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    panels.show_snapshot(classifier_snapshot(epoch=0))
    panels.show_panel("weights")
    assert len([c for c in weights.curves if c.isVisible()]) == 1  # the old run's histograms are gone


def test_many_classes_and_colour_pictures(panels):
    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    shot = classifier_snapshot()
    names = [f"c{i}" for i in range(30)]
    shot.confusion = {"matrix": np.eye(30, dtype=np.int64) * 5, "classes": names}
    shot.predictions["images"] = np.random.default_rng(3).random((16, 8, 8, 3)).astype(np.float32)
    panels.show_snapshot(shot)
    confusion = panels.show_panel("confusion")
    assert confusion.texts == [] and confusion.accuracy == 1.0  # 900 numbers would be unreadable
    ticks = confusion.plot.getPlotItem().getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == names[::2]
    assert panels.show_panel("predictions").grid.items[0].image.shape == (8, 8, 3)


# ---------------------------------------------------------------------- the Health tab
def test_findings_count_on_the_tab_at_once_and_become_cards_when_the_tab_is_in_view(panels, qtbot):
    from designer.core.fixes import Fix
    from designer.training.health import Evidence, Finding

    panels.set_plan(plan(**NOT_FOR_CLASSIFIERS))
    finding = Finding("overfitting", "Overfitting", "The validation loss was lowest at epoch 2.", 5,
                      evidence=Evidence("Loss", "epoch", "loss", [("loss", [1, 2, 3, 4, 5], [1, .5, .3, .2, .1]),
                                                                  ("val_loss", [1, 2, 3, 4, 5], [1, .6, .7, .8, .9])],
                                        mark=2),
                      fixes=(Fix("early_stopping", "Turn on early stopping"),))
    panels.health.show_findings([finding], [finding])
    index = panels.indexOf(panels.health)
    assert panels.tabText(index) == "Health (1)" and panels.currentIndex() != index
    assert panels.health.cards == {}  # nothing drawn for a tab out of view
    qtbot.mouseClick(panels.tabBar(), Qt.LeftButton, pos=panels.tabBar().tabRect(index).center())
    card = panels.health.cards[finding.ident]
    qtbot.waitUntil(card.isVisible)
    assert card.title.text() == "Overfitting — since epoch 5" and [b.text() for b in card.buttons] == [
        "Turn on early stopping"]
    assert "val_loss" in card.plot.getPlotItem().titleLabel.text  # the series named in the title, in colour
    panels.clear()
    assert panels.tabText(index) == "Health" and panels.health.cards == {}


# ---------------------------------------------------------------------- a value axis of fixed width
def test_tick_labels_of_big_and_small_numbers_are_short_distinct_and_drawn(qtbot):
    """pyqtgraph writes 2.4e11 as "2.4e+11" or "240000000000", too wide for the fixed axis: it drew no label."""
    import pyqtgraph as pg
    from PySide6.QtGui import QImage, QPainter

    from designer.ui.plot_pieces import AXIS_WIDTH, NumberAxis

    axis = NumberAxis("left")
    near = axis.tickStrings([2.35e11, 2.40e11, 2.45e11], 1.0, 5e9)
    assert near == ["235e9", "240e9", "245e9"]
    finer = axis.tickStrings([2.405e11, 2.41e11, 2.415e11], 1.0, 5e8)
    assert finer == ["240.5e9", "241e9", "241.5e9"]
    assert axis.tickStrings([0.0, 1e-5, 2e-5], 1.0, 1e-5) == ["0", "10e-6", "20e-6"]
    assert axis.tickStrings([0.2, 0.4], 1.0, 0.2) == ["0.2", "0.4"]  # ordinary numbers as pyqtgraph writes them

    def drawn(low, high):
        plot = pg.PlotWidget(axisItems={"left": NumberAxis("left")})
        qtbot.addWidget(plot)
        plot.getPlotItem().getAxis("left").setWidth(AXIS_WIDTH)
        plot.resize(400, 250)
        plot.setYRange(low, high, padding=0)
        plot.show()
        qtbot.waitExposed(plot)
        image = QImage(10, 10, QImage.Format_ARGB32)
        painter = QPainter(image)
        try:
            return [text for _, _, text in plot.getPlotItem().getAxis("left").generateDrawSpecs(painter)[2]]
        finally:
            painter.end()

    for low, high in ((2.31e11, 2.45e11), (1.2e-4, 1.4e-4), (0.001, 0.002), (-0.05, 0.01)):
        labels = drawn(low, high)
        assert len(labels) >= 3 and len(set(labels)) == len(labels) and all(labels), (low, high, labels)
