"""The blocks of an exported script around the model and the data: its imports and settings, the strategy (with
the multi-worker fix), compiling, training, the curves, saving, predicting, and ``main``. Most are fixed text; the
training settings fill in a few values."""

from __future__ import annotations

import re
import textwrap
from typing import Any

from designer.exchange.script_text import literal

#: what a script prints when it has trained, and where it saved the model (the check reads these lines)
TRAINED_MARK = re.compile(r"^Trained (\d+) epoch\(s\)$", re.MULTILINE)
SAVED_MARK = "Saved the trained model to "
#: what a model fitted up to its target_units layer says of its curves (a comment over its training)
SCALED_CURVES = ("the curves are of the standardized targets: a mean absolute error of 0.1 is a tenth of the target's "
                 "spread")
#: the batch size of `--predict` (and of the check's own prediction: the VAE's sampling noise follows the batches)
PREDICT_BATCH = 32


def imports_code(stochastic: bool) -> str:
    """The imports at the top (`typing.Any` and `keras.ops` for the VAE sampling layer)."""
    lines = ["import argparse", "import json", "import os", "import shutil", "import tempfile",
             "from pathlib import Path"]
    if stochastic:
        lines.append("from typing import Any")
    lines += ["", "import keras", "import numpy as np", "import tensorflow as tf"]
    if stochastic:
        lines.append("from keras import layers, ops")
    else:
        lines.append("from keras import layers")
    return "\n".join(lines)


def settings_code(settings: dict[str, Any]) -> str:
    """The constants of the training settings (EPOCHS, BATCH_SIZE, LEARNING_RATE, SEED)."""
    return "\n".join([
        "# The training settings, as they were in Network Designer",
        f"EPOCHS = {settings['epochs']}",
        f"BATCH_SIZE = {settings['batch_size']}",
        f"LEARNING_RATE = {literal(float(settings['learning_rate']))}",
        f"SEED = {literal(settings['seed'])}  # a whole number makes the runs repeatable; None: new random numbers",
    ])


def _optimizer_code(settings: dict[str, Any]) -> str:
    """The optimizer of the training settings, made with LEARNING_RATE."""
    if settings["optimizer"] == "sgd":
        return f"keras.optimizers.SGD(learning_rate=LEARNING_RATE, momentum={literal(float(settings['momentum']))})"
    if settings["optimizer"] == "rmsprop":
        return f"keras.optimizers.RMSprop(learning_rate=LEARNING_RATE, momentum={literal(float(settings['momentum']))})"
    return f"keras.optimizers.Adam(learning_rate=LEARNING_RATE, beta_1={literal(float(settings['beta_1']))})"


def compile_code(settings: dict[str, Any], loss: str, metrics: list[str], gan: bool, shared: bool = False) -> str:
    """`def compile_model(model):`, or `def compile_gan(generator, discriminator):` for a GAN; `shared`: it may
    be given another model's optimizer (a model fitted up to its last layer shares it with the whole model)."""
    optimizer = _optimizer_code(settings)
    if gan:
        return textwrap.dedent(f'''\
            def compile_gan(generator, discriminator):
                """The model that trains both networks, one optimizer each (call it inside the strategy's scope)."""
                gan = GAN(generator, discriminator)
                # both networks are built already: nothing for Keras to build from the data (needed under a strategy)
                gan.built = True
                gan.compile(d_optimizer={optimizer}, g_optimizer={optimizer})
                # the optimizers' variables are made now, inside the strategy's scope, not during the first step
                gan.d_optimizer.build(discriminator.trainable_variables)
                gan.g_optimizer.build(generator.trainable_variables)
                return gan''')
    chosen = "" if settings["loss"] != "auto" else "  # \"auto\" in the app: the loss that suits the output layer"
    if shared:
        return textwrap.dedent(f'''\
            def compile_model(model, optimizer=None):
                """The optimizer, the loss and the metrics of the training settings; `optimizer`: another model's, to
                share (None: a new one)."""
                if optimizer is None:
                    optimizer = {optimizer}
                model.compile(
                    optimizer=optimizer,
                    loss={literal(loss)},{chosen}
                    metrics=[{", ".join(metrics)}],
                )''')
    return textwrap.dedent(f'''\
        def compile_model(model):
            """The optimizer, the loss and the metrics of the training settings."""
            model.compile(
                optimizer={optimizer},
                loss={literal(loss)},{chosen}
                metrics=[{", ".join(metrics)}],
            )''')


def train_code(settings: dict[str, Any], validation: bool, gan: bool) -> str:
    """`def train(...):` fitting with the settings' batch size, validation and early stopping; `validation`: the
    data has validation rows of its own."""
    if gan:
        return textwrap.dedent('''\
            def train(gan, x_train, epochs):
                """Fit the GAN: every batch updates the discriminator, then the generator."""
                return gan.fit(x_train, batch_size=BATCH_SIZE, epochs=epochs, verbose=2)''')
    arguments = ["batch_size=BATCH_SIZE,", "epochs=epochs,"]
    split = settings["validation_split"]
    if validation:
        arguments.append("validation_data=validation_data,")
    elif split > 0:
        arguments.append(f"validation_split={literal(float(split))},  # Keras holds out the last rows to validate")
    patience = settings["early_stopping_patience"]
    callbacks = ""
    if patience > 0:
        monitor = "val_loss" if validation or split > 0 else "loss"
        callbacks = (
            f"    # stop when the {'validation ' if monitor == 'val_loss' else ''}loss has not improved for {patience} "
            f"epoch{'s' * (patience != 1)}, keeping the best weights\n"
            f"    stop_early = keras.callbacks.EarlyStopping(monitor={literal(monitor)}, patience={patience}, "
            "restore_best_weights=True)\n"
        )
        arguments.append("callbacks=[stop_early],")
    arguments.append("verbose=2,  # one line per epoch")
    lines = "\n        ".join(arguments)
    return (
        "def train(model, x_train, y_train, validation_data, epochs):\n"
        '    """Fit the model with the batch size and the validation of the training settings."""\n'
        f"{callbacks}"
        f"    return model.fit(\n        x_train,\n        y_train,\n        {lines}\n    )"
    )


def save_code(gan: bool, slug: str) -> str:
    """`def save_models(...):` saving the trained network(s) beside the script, named after `slug`."""
    if gan:
        generator, discriminator = literal(f"{slug}_generator.keras"), literal(f"{slug}_discriminator.keras")
        files = f'{{"generator": {generator}, "discriminator": {discriminator}}}'
        first = "def save_models(networks, strategy_name):"
        doc = '"""Save the trained networks beside this file as .keras files (with several workers, the chief does)."""'
        body = textwrap.dedent(f'''\
            files = {files}
            for role, network in networks.items():
                save_one(network, files[role], strategy_name)''')
    else:
        first = "def save_models(model, strategy_name):"
        doc = '"""Save the trained model beside this file as a .keras file (with several workers, the chief does)."""'
        body = f"save_one(model, {literal(slug + '.keras')}, strategy_name)"
    return _SAVE_ONE + "\n\n\n" + first + "\n" + textwrap.indent(doc + "\n" + body, "    ")


def strategy_code(device: str) -> str:
    """`def choose_strategy(name):` (its "one" the device of the settings), `is_chief` and the multi-worker fix."""
    if device == "auto":
        one = "    return tf.distribute.get_strategy()  # the default: TensorFlow's own choice of device"
    elif device == "cpu":
        one = '    return tf.distribute.OneDeviceStrategy("/cpu:0")  # the device chosen in the training settings'
    else:
        index = int(device.split(":")[1])
        one = textwrap.indent(textwrap.dedent(f'''\
            if len(tf.config.list_logical_devices("GPU")) <= {index}:
                raise SystemExit("The training settings ask for GPU {index}, which TensorFlow does not see here: "
                                 "use --strategy mirrored, or change the device in this function.")
            return tf.distribute.OneDeviceStrategy("/gpu:{index}")  # the device of the training settings'''), "    ")
    return _STRATEGY.replace("{one}", one) + "\n\n\n" + _MULTIWORKER_FIX


def curves_code(stem: str) -> str:
    """`def show_curves(history):`, saving the figure as ``<stem>_curves.png``."""
    return _CURVES.replace("curves.png", f"{stem}_curves.png")


def rows_print(numbers_index: int | None = None, word_inputs: int = 0) -> str:
    """The line that says how many training rows there are and what each holds; `numbers_index`: x_train is a list
    of the model's inputs, the numbers at that place, with `word_inputs` inputs of words."""
    if numbers_index is None:
        return 'print(f"Training rows: {len(x_train)}, each of shape {x_train.shape[1:]}")'
    return (f'print(f"Training rows: {{len(y_train)}}, each of shape {{x_train[{numbers_index}].shape[1:]}} and '
            f'{word_inputs} word{"s" * (word_inputs != 1)}")')


def multiworker_sample(numbers_index: int | None = None) -> str:
    """A local batch of two rows, for the multi-worker fix (each input's first two rows when they are several)."""
    if numbers_index is None:
        return "(x_train[:2], y_train[:2])"
    return "([inputs[:2] for inputs in x_train], y_train[:2])"


def main_code(gan: bool, stochastic: bool, preparation=None, numbers_index: int | None = None,
              word_inputs: int = 0) -> str:
    """`def main():` reading the arguments, then writing the outputs of ``--predict``, or training on the data with
    the strategy chosen, saving and showing the curves; `stochastic`: the model takes the seed (VAE sampling);
    `preparation` (designer.exchange.script_preparation.PreparationCode): the preparation inside the model learns
    its numbers first; `numbers_index`, `word_inputs`: the model reads a list, numbers and words (see
    `rows_print`)."""
    if gan:  # a GAN predicts with its generator and trains the two networks together
        network, build, fitted = "generator", "build_generator()", "gan"
        argument = ('\n    parser.add_argument("--discriminator-weights", '
                    'help="start the discriminator from weights saved with save_weights")')
        note, loaded = "  # a GAN's outputs are the generator's", "x_train, _, _, _"
        built = _GAN_BUILT
        sample, data, loss = "(x_train[:2],)", "x_train", "d_loss"
        saved = '    save_models({"generator": generator, "discriminator": discriminator}, args.strategy)'
    else:
        network = fitted = "model"
        build = "build_model(seed=args.seed)" if stochastic else "build_model()"
        argument = note = ""
        loaded = "x_train, y_train, validation_data, test_data"
        built = _MODEL_BUILT.replace("{build}", build)
        sample, data, loss = multiworker_sample(numbers_index), "x_train, y_train, validation_data", "loss"
        if preparation is not None:
            built = _prepared_built(build, preparation)
            fitted = preparation.fitted
            data = f"x_train, {preparation.targets}"
            sample = sample.replace("y_train[:2]", f"{preparation.targets.split(',')[0]}[:2]")
        saved = _MODEL_SAVED
    scaled_note = ""
    if not gan and preparation is not None and preparation.target_units:
        scaled_note = f"    # {SCALED_CURVES}\n"
    return f'''\
def main():
{_ARGUMENTS}{argument}
    args = parser.parse_args()
    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)

    if args.predict:{note}
        {network} = {build}
        if args.weights:
            {network}.load_weights(args.weights)
        predict_file({network}, *args.predict)
        return

    {loaded} = load_data()
    {rows_print(numbers_index, word_inputs) if not gan else rows_print()}
    strategy = choose_strategy(args.strategy)
{built}
    if args.strategy == "multiworker":
        fix_keras_for_multiworker({fitted}, strategy, {sample})

{scaled_note}    history = train({fitted}, {data}, args.epochs)
    print(f"Trained {{len(history.history['{loss}'])}} epoch(s)")
{saved}
    if is_chief(args.strategy):
        show_curves(history.history)'''


# ------------------------------------------------------------------------------------------------ fixed code
_STRATEGY = '''\
def choose_strategy(name):
    """Where the model trains: "one" device, "mirrored" (every GPU of this machine), or "multiworker" (several
    machines; each process reads its place in the cluster from the TF_CONFIG environment variable)."""
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
{one}


def is_chief(strategy_name):
    """True for the process that saves the results: the only one, or the chief of several workers."""
    if strategy_name != "multiworker":
        return True
    config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    task = config.get("task", {})
    if "chief" in config.get("cluster", {}):
        return task.get("type") == "chief"
    return task.get("index", 0) == 0'''


_MULTIWORKER_FIX = '''\
def fix_keras_for_multiworker(model, strategy, sample_batch):
    """Let Keras 3 fit under MultiWorkerMirroredStrategy with several workers.

    Keras 3 (up to 3.15 at least) averages the first batch, and each step's scalar losses, along an axis they do not
    have when several workers train together (https://github.com/keras-team/keras/issues/20585). Two small patches
    work around it: the model is built from a local batch, and scalars are averaged over the replicas. Nothing
    changes with one worker."""
    from keras.src.backend.tensorflow import trainer as tf_trainer

    if not tf_trainer._collective_all_reduce_multi_worker(strategy):
        return

    def build_from_local_batch(iterator=None, data_batch=None):
        with strategy.scope():
            model._symbolic_build(data_batch=sample_batch)

    model._maybe_symbolic_build = build_from_local_batch
    if getattr(tf_trainer.reduce_per_replica, "fixed_for_multiworker", False):
        return
    keras_reduce = tf_trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction):
        if reduction in ("auto", "mean") and tf_trainer._collective_all_reduce_multi_worker(strategy):
            def mean(value):
                first = strategy.experimental_local_results(value)[0]
                return strategy.reduce("MEAN", value, axis=0 if first.shape.rank else None)

            return tf.nest.map_structure(mean, values)
        return keras_reduce(values, strategy, reduction)

    reduce_per_replica.fixed_for_multiworker = True
    tf_trainer.reduce_per_replica = reduce_per_replica'''


_CURVES = '''\
def show_curves(history):
    """The loss and metric curves, epoch by epoch: drawn with matplotlib when it is installed, else printed."""
    names = [name for name in history if not name.startswith("val_")]
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        for epoch in range(len(history[names[0]])):
            values = ", ".join(f"{name} {history[name][epoch]:.4g}" for name in history)
            print(f"epoch {epoch + 1}: {values}")
        return
    figure, axes = plt.subplots(1, len(names), figsize=(5 * len(names), 4), squeeze=False)
    for axis, name in zip(axes[0], names):
        epochs = range(1, len(history[name]) + 1)
        axis.plot(epochs, history[name], marker="o", label="training")
        if f"val_{name}" in history:
            axis.plot(epochs, history[f"val_{name}"], marker="o", label="validation")
        axis.set_title(name)
        axis.set_xlabel("epoch")
        axis.legend()
    figure.tight_layout()
    figure.savefig(HERE / "curves.png")
    print(f"Saved the curves to {HERE / 'curves.png'}")
    plt.show()'''


_SAVE_ONE = f'''\
def save_one(network, file_name, strategy_name):
    """Save one network as a .keras file; with several workers each one saves (saving may need all of them) but only
    the chief's file is kept."""
    if is_chief(strategy_name):
        network.save(HERE / file_name)
        print(f"{SAVED_MARK}{{HERE / file_name}}")
        return
    folder = tempfile.mkdtemp()
    network.save(os.path.join(folder, file_name))
    shutil.rmtree(folder, ignore_errors=True)'''


def predict_code(words: bool = False) -> str:
    """`def predict_file(model, in_path, out_path):` for ``--predict``; `words`: some of the model's inputs read
    words, which go in as string tensors."""
    if not words:
        return PREDICT
    return PREDICT.replace(_PREDICT_READ, _PREDICT_READ + _PREDICT_WORDS)


_PREDICT_READ = '''
        inputs = data["x"] if "x" in data.files else [data[f"x{i}"] for i in range(len(data.files))]'''
_PREDICT_WORDS = '''
    # Keras takes words as TensorFlow string tensors, not as NumPy arrays of text
    inputs = [tf.constant(part) if part.dtype.kind == "U" else part for part in inputs]'''

PREDICT = f'''\
def predict_file(model, in_path, out_path):
    """Write the model's outputs for the arrays of IN.npz (x, or x0, x1... for several inputs) to OUT.npz (y, or
    y0, y1... for several outputs)."""
    with np.load(in_path) as data:
        inputs = data["x"] if "x" in data.files else [data[f"x{{i}}"] for i in range(len(data.files))]
    outputs = model.predict(inputs, batch_size={PREDICT_BATCH}, verbose=0)
    if isinstance(outputs, (list, tuple)):
        np.savez(out_path, **{{f"y{{i}}": np.asarray(y) for i, y in enumerate(outputs)}})
    else:
        np.savez(out_path, y=np.asarray(outputs))
    print(f"Wrote the outputs for {{in_path}} to {{out_path}}")'''

#: the command-line arguments every script takes (a GAN's also --discriminator-weights)
_ARGUMENTS = '''\
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"passes over the data (default {EPOCHS})")
    parser.add_argument("--strategy", choices=("one", "mirrored", "multiworker"), default="one",
                        help="one device, every GPU of this machine, or several machines (TF_CONFIG)")
    parser.add_argument("--seed", type=int, default=SEED, help="a seed for repeatable runs")
    parser.add_argument("--weights", help="start from weights saved with model.save_weights (a .weights.h5 file)")
    parser.add_argument("--predict", nargs=2, metavar=("IN.npz", "OUT.npz"),
                        help="write the model's outputs for the arrays of IN.npz to OUT.npz, and stop (no training)")'''

#: main's building of one network in the strategy's scope; {build} is its builder's call
_MODEL_BUILT = '''\
    with strategy.scope():  # the model's variables live where the strategy puts them
        model = {build}
        if args.weights:
            model.load_weights(args.weights)
        compile_model(model)
    model.summary()'''

def _prepared_built(build: str, preparation) -> str:
    """main's building of one network whose preparation inside it learns its numbers from the training rows first
    (unless they come with the weights), and, with target units, of the model Keras fits up to that layer."""
    if preparation.target_units:
        compiled = _SCALED_COMPILED.replace("{units}", preparation.target_units)
    else:
        compiled = "        compile_model(model)\n    model.summary()"
    return _PREPARED_BUILT.replace("{build}", build) + "\n" + compiled


#: main's building of one network that learns the numbers of the preparation inside it first; {build}: its builder
_PREPARED_BUILT = '''\
    with strategy.scope():  # the model's variables live where the strategy puts them
        model = {build}
        if args.weights:  # the numbers of the preparation inside the model come with the weights
            model.load_weights(args.weights)
        else:  # fresh weights: the preparation inside the model learns its numbers from the training rows first
            learn_preparation(model, x_train, y_train)'''

#: ...then of the model Keras fits, up to the layer {units} that gives the answers in the target's units
_SCALED_COMPILED = '''\
        # the network learns on standardized targets: Keras fits the model up to {units}
        scaled_model = up_to_target_units(model)
        compile_model(scaled_model)
        # the whole model too, with the same optimizer: it scores the test rows in the target's units, and its
        # saved file keeps the optimizer that trained it
        compile_model(model, optimizer=scaled_model.optimizer)
    model.summary()
    y_train_scaled, validation_data_scaled = standardized_targets(model, y_train, validation_data)'''


#: main's scoring of the test rows and saving, after one network has trained
_MODEL_SAVED = '''\
    if test_data is not None:
        scores = model.evaluate(*test_data, batch_size=BATCH_SIZE, verbose=0, return_dict=True)
        print("On the test rows:", ", ".join(f"{name} {value:.4g}" for name, value in scores.items()))
    save_models(model, args.strategy)'''

#: main's building of a GAN's two networks and of the model that trains them, in the strategy's scope
_GAN_BUILT = '''\
    with strategy.scope():  # the networks' variables live where the strategy puts them
        generator = build_generator()
        discriminator = build_discriminator()
        if args.weights:
            generator.load_weights(args.weights)
        if args.discriminator_weights:
            discriminator.load_weights(args.discriminator_weights)
        gan = compile_gan(generator, discriminator)
    generator.summary()
    discriminator.summary()'''
