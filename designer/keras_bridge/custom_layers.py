"""Layers Network Designer adds to Keras: the VAE sampling layer.

Its class is defined on first use (Keras is imported lazily) and registered as a Keras serializable under the
package name "designer", so a saved ``.keras`` file reloads through `designer.keras_bridge.models.load_model` (or after
``import designer.keras_bridge.custom_layers; register()``) without the user writing any custom code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from designer.keras_bridge.layers import builds


@lru_cache(maxsize=None)
def vae_sampling_class():
    import keras
    from keras import ops

    @keras.saving.register_keras_serializable(package="designer", name="VAESampling")
    class VAESamplingLayer(keras.layers.Layer):
        """z = μ + exp(½·log σ²)·ε with ε ~ N(0, 1); adds kl_weight × KL(N(μ, σ²) ‖ N(0, 1)) to the loss."""

        def __init__(self, kl_weight: float = 1.0, seed: int | None = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.kl_weight = float(kl_weight)
            self.seed = seed
            self.seed_generator = keras.random.SeedGenerator(seed)

        def call(self, inputs):
            z_mean, z_log_var = inputs
            epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
            kl = -0.5 * ops.mean(ops.sum(1.0 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var), axis=-1))
            self.add_loss(self.kl_weight * kl)
            return z_mean + ops.exp(0.5 * z_log_var) * epsilon

        def compute_output_shape(self, input_shape):
            mean_shape, log_var_shape = input_shape
            if tuple(mean_shape) != tuple(log_var_shape):
                raise ValueError(
                    f"the mean has shape {tuple(mean_shape)} but the log-variance has shape {tuple(log_var_shape)}"
                )
            return mean_shape

        def build(self, input_shape):
            self.compute_output_shape(input_shape)
            super().build(input_shape)

        def get_config(self):
            config = super().get_config()
            config.update({"kl_weight": self.kl_weight, "seed": self.seed})
            return config

    return VAESamplingLayer


def register() -> None:
    """Make every custom layer known to Keras's loader."""
    vae_sampling_class()


@builds("VAESampling")
def vae_sampling(params: dict[str, Any], name: str | None, input_shapes: tuple, shapes_only: bool = False):
    """The VAESampling kind's layer."""
    kwargs = {"kl_weight": params["kl_weight"]}
    if name:
        kwargs["name"] = name
    return vae_sampling_class()(**kwargs)
