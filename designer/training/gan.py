"""The model Keras fits to train a GAN: a generator and a discriminator updated in turn by one custom
`train_step`. In Keras 3 the classic "discriminator.trainable = False, then build the combined model" never
trains the discriminator, so each network gets its own optimizer and its own gradient step here. Keras only
inside the function.
"""

from __future__ import annotations


def gan_model(generator, discriminator):
    """The two networks as one Keras model whose `fit` trains both; compile it with
    `compile(d_optimizer, g_optimizer, steps_per_execution)`."""
    import keras
    import tensorflow as tf

    class GAN(keras.Model):
        """Alternating updates: the discriminator on real and generated samples, then the generator through
        the discriminator. Each network has its own optimizer, so both sets of weights really train."""

        def __init__(self, generator, discriminator, **kwargs):
            super().__init__(**kwargs)
            self.generator = generator
            self.discriminator = discriminator
            self.latent_shape = tuple(generator.inputs[0].shape[1:])
            self.seed_generator = keras.random.SeedGenerator(1337)
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

        def compile(self, d_optimizer, g_optimizer, steps_per_execution=1):
            super().compile(steps_per_execution=steps_per_execution)
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = keras.losses.BinaryCrossentropy()

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def train_step(self, data):
            real = data[0] if isinstance(data, tuple) else data
            batch = tf.shape(real)[0]
            noise = keras.random.normal((batch, *self.latent_shape), seed=self.seed_generator)
            fake = self.generator(noise, training=False)
            images = tf.concat([real, fake], axis=0)
            labels = tf.concat([tf.ones((batch, 1)), tf.zeros((batch, 1))], axis=0)
            # a little noise on the labels, as notes 000 does, keeps the discriminator from saturating
            labels += 0.05 * keras.random.uniform(tf.shape(labels), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                d_loss = self.loss_fn(labels, self.discriminator(images, training=True))
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

            noise = keras.random.normal((batch, *self.latent_shape), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                verdict = self.discriminator(self.generator(noise, training=True), training=False)
                g_loss = self.loss_fn(tf.ones((batch, 1)), verdict)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply(grads, self.generator.trainable_weights)
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    return GAN(generator, discriminator)
