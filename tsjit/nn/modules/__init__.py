"""The layer classes of tsjit.nn, one file per family as in torch.nn.modules."""
from tsjit.nn.modules.module import Module
from tsjit.nn.modules.container import ModuleDict, ModuleList, Sequential
from tsjit.nn.modules.linear import Identity, Linear
from tsjit.nn.modules.conv import Conv1d, Conv2d
from tsjit.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from tsjit.nn.modules.normalization import GroupNorm, LayerNorm
from tsjit.nn.modules.activation import (
    ELU, GELU, Hardsigmoid, Hardswish, Hardtanh, LeakyReLU, LogSoftmax, Mish, ReLU, ReLU6, SiLU, Sigmoid,
    Softmax, Softplus, Softsign, Tanh, Tanhshrink, Threshold)
from tsjit.nn.modules.pooling import AdaptiveAvgPool2d, AdaptiveMaxPool2d, AvgPool2d, MaxPool1d, MaxPool2d
from tsjit.nn.modules.flatten import Flatten
from tsjit.nn.modules.dropout import Dropout
from tsjit.nn.modules.sparse import Embedding

__all__ = [
    "Module", "Sequential", "ModuleList", "ModuleDict", "Identity", "Linear", "Conv1d", "Conv2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "ReLU", "ReLU6", "GELU", "Sigmoid", "Tanh",
    "SiLU", "Mish", "Hardswish", "Hardsigmoid", "ELU", "LeakyReLU", "Hardtanh", "Softplus", "Threshold",
    "Softsign", "Tanhshrink", "Softmax", "LogSoftmax", "MaxPool1d", "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Flatten", "Dropout", "Embedding",
]
