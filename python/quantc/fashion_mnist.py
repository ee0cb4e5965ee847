"""Reads Debian's Fashion-MNIST (package dataset-fashion-mnist): the 60,000
training and 10,000 test images, 28 x 28 gray levels, and their labels in
ten classes, from the gzipped IDX files of the original release.

    images, labels = fashion_mnist.load("test")   # uint8 [N, 28, 28], [N]
    x = fashion_mnist.normalize(images)           # float32 [N, 1, 28, 28]
"""

import gzip
import os

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
           "Sneaker", "Bag", "Ankle boot"]
# Mean and deviation of the training images' gray levels in [0, 1].
MEAN, STD = 0.2860, 0.3530


def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = int.from_bytes(data[0:4], "big")
    if magic >> 8 != 0x08:  # unsigned bytes
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    rank = magic & 0xFF
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * rank).reshape(shape)


def available(data_dir=DATA_DIR):
    return os.path.exists(os.path.join(data_dir, "t10k-images-idx3-ubyte.gz"))


def load(split, data_dir=DATA_DIR):
    """(images uint8 [N, 28, 28], labels uint8 [N]) of split "train" or
    "test"."""
    prefix = {"train": "train", "test": "t10k"}[split]
    images = _read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    return images, labels


def normalize(images):
    """The model's input: float32 [N, 1, 28, 28], standardized."""
    x = images.astype(np.float32) / np.float32(255)
    return ((x - np.float32(MEAN)) / np.float32(STD))[:, None, :, :]
