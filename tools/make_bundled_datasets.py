"""Extract the small classic datasets that scikit-learn ships into designer/resources/datasets/*.npz.

Run once by a maintainer (needs scikit-learn, which the app itself does not depend on: importing it alongside
Keras makes `import keras` about 0.7 s slower). The files are a few kilobytes each and work offline.
"""

from pathlib import Path

import numpy as np
from sklearn import datasets

OUT = Path(__file__).resolve().parents[1] / "designer" / "resources" / "datasets"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    digits = datasets.load_digits()
    np.savez_compressed(
        OUT / "digits.npz",
        x=digits.images.astype(np.uint8),
        y=digits.target.astype(np.uint8),
        class_names=np.array([str(i) for i in range(10)]),
    )
    for name, loader in (("iris", datasets.load_iris), ("breast_cancer", datasets.load_breast_cancer), ("wine", datasets.load_wine)):
        data = loader()
        np.savez_compressed(
            OUT / f"{name}.npz",
            x=data.data.astype(np.float32),
            y=data.target.astype(np.uint8),
            class_names=np.array([str(c) for c in data.target_names]),
            feature_names=np.array([str(f) for f in data.feature_names]),
        )
    for path in sorted(OUT.glob("*.npz")):
        print(path.name, path.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
