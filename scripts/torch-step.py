"""PyTorch reference for `npm run bench -- --compare-torch` (scripts/lib/torch-compare.ts): times the engine's training step.

The same CIFAR ResNet as src/engine/resnet.ts (3x3 convolutions without bias, batch norm,
option-A shortcuts, global average pool, a linear 2-D feature with bias, a linear classifier),
one ERM step: forward in training mode, softmax cross-entropy, backward, SGD with momentum 0.9
and weight decay 2e-4. Prints one JSON line: {"torch": version, "threads": n, "imagesPerSecond": x, ...}.

    python3 scripts/torch-step.py --blocks 1 --width 1 --batch 128 --threads 1 --steps 5
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.extra = out_channels - in_channels
        self.subsample = stride != 1 or in_channels != out_channels

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        shortcut = x
        if self.subsample:
            # Option A: every second pixel, new channels zero-padded on both sides.
            half = self.extra // 2
            shortcut = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, half, self.extra - half))
        return F.relu(out + shortcut)


class CifarResNet(nn.Module):
    def __init__(self, blocks, width, classes):
        super().__init__()
        channels = [round(16 * width), round(32 * width), round(64 * width)]
        self.conv = nn.Conv2d(3, channels[0], 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(channels[0])
        layers, in_channels = [], channels[0]
        for stage, out_channels in enumerate(channels):
            for b in range(blocks):
                layers.append(BasicBlock(in_channels, out_channels, 2 if stage > 0 and b == 0 else 1))
                in_channels = out_channels
        self.blocks = nn.Sequential(*layers)
        self.projection = nn.Linear(in_channels, 2)
        self.classifier = nn.Linear(2, classes)

    def forward(self, x):
        h = self.blocks(F.relu(self.bn(self.conv(x))))
        return self.classifier(self.projection(h.mean(dim=(2, 3))))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--blocks', type=int, default=1)
    parser.add_argument('--width', type=float, default=1)
    parser.add_argument('--batch', type=int, default=128)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--steps', type=int, default=5)
    parser.add_argument('--classes', type=int, default=4)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = CifarResNet(args.blocks, args.width, args.classes)
    model.train()
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=2e-4)
    x = torch.randn(args.batch, 3, 32, 32)
    y = torch.randint(0, args.classes, (args.batch,))

    def step():
        optimiser.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimiser.step()
        return loss.item()

    step()  # warm-up: allocator and kernel selection
    started = time.perf_counter()
    for _ in range(args.steps):
        step()
    seconds = (time.perf_counter() - started) / args.steps
    print(json.dumps({
        'torch': torch.__version__,
        'threads': torch.get_num_threads(),
        'batch': args.batch,
        'secondsPerStep': seconds,
        'imagesPerSecond': args.batch / seconds,
    }))


if __name__ == '__main__':
    main()
