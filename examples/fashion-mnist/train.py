"""Trains the small CNN of examples/fashion-mnist on Debian's Fashion-MNIST
with PyTorch (python3-torch), with a fixed seed, and exports it to ONNX.

    conv 3x3 (1 -> 16), relu, max-pool 2
    conv 3x3 (16 -> 32), relu, max-pool 2
    flatten, gemm (1568 -> 64), relu, gemm (64 -> 10)

The input is `image`, float32 [N, 1, 28, 28] standardized as
quantc.fashion_mnist.normalize does, the output `logits` [N, 10]; the
batch is dynamic. It trains on the 60,000 training images only and prints
the fp32 top-1 on the 10,000 test images.

Usage (make fashion-mnist-model runs it):
    PYTHONPATH=python /usr/bin/python3 examples/fashion-mnist/train.py \
        examples/fashion-mnist/fashion_mnist_cnn.onnx [--epochs 8]
"""

import argparse
import os
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
from quantc import fashion_mnist  # noqa: E402


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--epochs", type=int, default=8)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    images, labels = fashion_mnist.load("train")
    x = torch.from_numpy(fashion_mnist.normalize(images))
    y = torch.from_numpy(labels.astype(np.int64))
    test_images, test_labels = fashion_mnist.load("test")
    tx = torch.from_numpy(fashion_mnist.normalize(test_images))

    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3)
    schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.6)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        start = time.time()
        net.train()
        order = torch.randperm(len(x))
        total = 0.0
        for i in range(0, len(x), 128):
            batch = order[i:i + 128]
            optimizer.zero_grad()
            loss = loss_fn(net(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        schedule.step()
        net.eval()
        with torch.no_grad():
            predicted = torch.cat([net(tx[i:i + 1000]).argmax(1) for i in range(0, len(tx), 1000)])
        accuracy = (predicted.numpy() == test_labels).mean()
        print(f"epoch {epoch + 1}: loss {total / len(x):.4f}, test top-1 {accuracy:.2%} "
              f"({time.time() - start:.0f} s)", flush=True)

    net.eval()
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), args.output, opset_version=13,
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
