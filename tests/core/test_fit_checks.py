"""The checks that a model's two ends meet (a GAN's generator and discriminator, an autoencoder's output and
input) and that small images do not vanish on the way, read from the analysis's shapes (reports made here by
hand: core tests need no Keras), and the rank hint's example computed from what a layer receives."""

from designer.core.analysis import GraphReport, NodeReport, hint_for
from designer.core.fit_checks import side_problems, vanishing_problems
from designer.core.templates import load_template


def report(graph, shapes: dict[str, tuple | None], errors: tuple[str, ...] = ()) -> GraphReport:
    """A report giving layers (by name) these sample shapes (batch axis added); `errors`: layers Keras refused."""
    nodes = {}
    for node in graph.nodes():
        shape = shapes.get(node.name)
        nodes[node.id] = NodeReport(output_shape=(None, *shape) if shape is not None else None)
        if node.name in errors:
            nodes[node.id].error("too small")
    return GraphReport(nodes)


def gan_reports(project, made, read):
    generator, discriminator = project.graph("generator"), project.graph("discriminator")
    return {"generator": report(generator, {"dense_3": made}), "discriminator": report(discriminator, {"input": read})}


def test_a_generator_that_makes_what_the_discriminator_does_not_read_is_said_on_both():
    project = load_template("mlp_gan")
    problems = side_problems(project, gan_reports(project, (784,), (64,)))
    made_at = project.graph("generator").node_by_name("dense_3").id
    read_at = project.graph("discriminator").node_by_name("input").id
    [said] = problems["generator"][made_at]
    assert "makes samples of shape (784,), but the discriminator reads (64,)" in said
    assert "Give this layer 64 units (Data → Fit model to data)" in said
    assert "generator makes (784,)" in problems["discriminator"][read_at][0]
    assert side_problems(project, gan_reports(project, (64,), (64,))) == {}
    # before the analysis has shapes there is nothing to say, rather than a guess
    assert side_problems(project, {"generator": None, "discriminator": None}) == {}


def test_an_autoencoder_whose_output_is_not_its_input_is_said_on_the_output():
    project = load_template("autoencoder")
    model = project.graph("model")
    problems = side_problems(project, {"model": report(model, {"input": (64,), "dense_1": (784,)})})
    [said] = problems["model"][model.node_by_name("dense_1").id]
    assert "rebuilds its input: this output makes (784,), but the Input takes (64,). Give this layer 64 units" in said
    assert side_problems(project, {"model": report(model, {"input": (64,), "dense_1": (64,)})}) == {}
    classifier = load_template("digits_mlp")  # supervised: its output is the classes, not the input
    graph = classifier.graph("model")
    assert side_problems(classifier, {"model": report(graph, {"input": (64,), "dense_1": (10,)})}) == {}


def test_images_that_vanish_in_valid_poolings_are_said_with_the_datas_size_and_the_fix():
    graph = load_template("mnist_cnn").graph("model")
    shapes = {"input": (8, 8, 1), "conv2d": (6, 6, 32), "max_pooling2d": (3, 3, 32), "conv2d_1": (1, 1, 64)}
    problems = vanishing_problems(graph, report(graph, shapes, errors=("max_pooling2d_1",)), (8, 8))
    [said] = problems[graph.node_by_name("max_pooling2d_1").id]
    assert "8×8 images are only 1×1 by this layer" in said and "cannot shrink them that far" in said
    assert 'padding "same"' in said and "fewer pooling layers" in said
    assert vanishing_problems(graph, report(graph, shapes), (8, 8)) == {}


def test_the_reshape_a_rank_hint_suggests_comes_from_what_the_layer_receives():
    image_hint = "Add a Reshape before this layer to make (height, width, channels), e.g. (28, 28, 1)."
    assert hint_for(image_hint, (8, 8)).endswith("e.g. (8, 8, 1).")
    assert hint_for(image_hint, (64,)).endswith("e.g. (8, 8, 1).")
    assert hint_for(image_hint, (3072,)).endswith("e.g. (32, 32, 3).")
    assert hint_for(image_hint, (10,)) == image_hint  # no square image in it: the catalogue's example stays
    sequence_hint = "Add a Reshape before this layer to make (time steps, features), e.g. (784, 1)."
    assert hint_for(sequence_hint, (64,)).endswith("e.g. (64, 1).")
    assert hint_for("Add a Flatten.", (8, 8)) == "Add a Flatten."


def test_a_model_with_two_outputs_is_marked_on_both():
    from designer.core.fit_checks import side_problems
    from designer.core.graph import LayerGraph
    from designer.core.project import Project

    graph = LayerGraph()
    dense = graph.add("Dense", graph.add("Input", shape=[4]), units=8)
    graph.add("Dense", dense, units=1)
    graph.add("Dropout", dense, name="dropout")
    problems = side_problems(Project.single(graph), {"model": None})["model"]
    assert len(problems) == 2
    assert all(texts[0].startswith("This network has 2 outputs (dense_1, dropout), but the data gives one target")
               for texts in problems.values())


def test_a_report_older_than_the_graph_is_read_without_a_crash():
    """The window asks with the newest report it has: after an undo it may still name a layer that is gone."""
    from designer.core.analysis import GraphReport, Message, NodeReport
    from designer.core.fit_checks import vanishing_problems
    from designer.core.graph import LayerGraph

    graph = LayerGraph()
    graph.add("Input", shape=[8, 8, 1])
    stale = GraphReport(nodes={"gone": NodeReport(messages=[Message("error", "too small")])})
    assert vanishing_problems(graph, stale, (8, 8, 1)) == {}
