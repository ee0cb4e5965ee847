"""PaddleOCR's preprocessing and decoding, as the PaddleOCR models expect
them: detection input of a page, text-line boxes from a page's row profile,
recognition and direction input of a line, and greedy CTC decoding.
"""

import os

import numpy as np
from PIL import Image


def bgr(image):
    return np.asarray(image.convert("RGB"), dtype=np.float32)[:, :, ::-1]


def det_input(image):
    """PaddleOCR's detection preprocessing: sides rounded to multiples of 32,
    ImageNet mean and deviation on the BGR channels, CHW."""
    h = max(32, int(round(image.height / 32)) * 32)
    w = max(32, int(round(image.width / 32)) * 32)
    x = bgr(image.resize((w, h), Image.BILINEAR)) / 255.0
    x = (x - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    return x.transpose(2, 0, 1)[None].astype(np.float32)


def line_boxes(image, count):
    """The first `count` text lines as (left, top, right, bottom): runs of
    rows with ink, widened by a small margin."""
    gray = np.asarray(image.convert("L"))
    ink = gray < 128
    rows = ink.any(axis=1)
    boxes, start = [], None
    for y, has_ink in enumerate(list(rows) + [False]):
        if has_ink and start is None:
            start = y
        elif not has_ink and start is not None:
            cols = np.where(ink[start:y].any(axis=0))[0]
            boxes.append((max(cols.min() - 4, 0), max(start - 4, 0),
                          min(cols.max() + 5, gray.shape[1]), min(y + 4, gray.shape[0])))
            start = None
    return boxes[:count]


def line_input(crop, width):
    """PaddleOCR's recognition and direction preprocessing: height 48, the
    width following the aspect ratio (at most `width`), values scaled to
    [-1, 1], zero padding on the right."""
    w = min(width, int(np.ceil(48 * crop.width / crop.height)))
    x = bgr(crop.resize((w, 48), Image.BILINEAR)) / 255.0
    x = (x - 0.5) / 0.5
    padded = np.zeros((3, 48, width), np.float32)
    padded[:, :, :w] = x.transpose(2, 0, 1)
    return padded[None]


def ctc_decode(probabilities, characters):
    best = probabilities.argmax(axis=-1)
    text, previous = [], 0
    for index in best:
        if index != previous and index != 0:
            text.append(characters[index])
        previous = index
    return "".join(text)


def strips(image, height, step):
    """Horizontal strips of `height` rows every `step` rows, over the whole
    width: line-like crops of a page whose lines need not be level."""
    return [image.crop((0, top, image.width, top + height))
            for top in range(0, image.height - height + 1, step)]


def calibration_strips(images_dir):
    """The calibration set of the PP-OCR benchmarks and the demo: strips
    of opencv-doc's imageTextR.png, text_motion.jpg and text_defocus.jpg
    (rotated, blurred and defocused text) in `images_dir`, never the
    scanned page they read."""
    crops = []
    for name, height, step in [("imageTextR.png", 26, 13), ("text_motion.jpg", 40, 20),
                               ("text_defocus.jpg", 40, 20)]:
        image = Image.open(os.path.join(images_dir, name)).convert("RGB")
        crops += strips(image, height, step)
    return crops
