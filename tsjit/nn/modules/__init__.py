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
from tsjit.nn.modules.dropout import AlphaDropout, Dropout, Dropout1d, Dropout2d, Dropout3d, FeatureAlphaDropout
from tsjit.nn.modules.sparse import Embedding
from tsjit.nn.modules.pooling_nd import (
    AdaptiveAvgPool1d, AdaptiveAvgPool3d, AdaptiveMaxPool1d, AdaptiveMaxPool3d, AvgPool1d, AvgPool3d, MaxPool3d)
from tsjit.nn.modules.pixel_fold import ChannelShuffle, Fold, PixelUnshuffle, Unfold
from tsjit.nn.modules.upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d
from tsjit.nn.modules.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase
from tsjit.nn.modules.attention import MultiheadAttention
from tsjit.nn.modules.transformer import (
    Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer)
from tsjit.nn.modules.conv_more import Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d
from tsjit.nn.modules.norm_more import BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from tsjit.nn.modules.embedding_bag import EmbeddingBag
from tsjit.nn.modules.layers_more import Bilinear, PixelShuffle, Unflatten
from tsjit.nn.modules.parameter_containers import ParameterDict, ParameterList
from tsjit.nn.modules.padding import (
    CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d, ReflectionPad1d,
    ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, ZeroPad1d, ZeroPad2d,
    ZeroPad3d)
from tsjit.nn.modules.activation_more import (
    CELU, GLU, SELU, Hardshrink, LogSigmoid, PReLU, RReLU, Softmax2d, Softmin, Softshrink)
from tsjit.nn.modules.loss import (
    BCELoss, BCEWithLogitsLoss, CosineEmbeddingLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss,
    MarginRankingLoss, MSELoss, NLLLoss, SmoothL1Loss)
from tsjit.nn.modules.loss_more import (
    CTCLoss, GaussianNLLLoss, HingeEmbeddingLoss, MultiLabelMarginLoss, MultiLabelSoftMarginLoss, MultiMarginLoss,
    NLLLoss2d, PoissonNLLLoss, SoftMarginLoss, TripletMarginLoss, TripletMarginWithDistanceLoss)
from tsjit.nn.modules.distance import CosineSimilarity, PairwiseDistance
from tsjit.nn.modules.pooling_more import LPPool1d, LPPool2d, LPPool3d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d
from tsjit.nn.modules.norm_local import CrossMapLRN2d, LocalResponseNorm, RMSNorm, SyncBatchNorm
from tsjit.nn.modules.lazy import (
    LazyBatchNorm1d, LazyBatchNorm2d, LazyBatchNorm3d, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,
    LazyConvTranspose2d, LazyConvTranspose3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d, LazyLinear)

__all__ = [
    "Module", "Sequential", "ModuleList", "ModuleDict", "Identity", "Linear", "Conv1d", "Conv2d",
    "BatchNorm1d", "BatchNorm2d", "LayerNorm", "GroupNorm", "ReLU", "ReLU6", "GELU", "Sigmoid", "Tanh",
    "SiLU", "Mish", "Hardswish", "Hardsigmoid", "ELU", "LeakyReLU", "Hardtanh", "Softplus", "Threshold",
    "Softsign", "Tanhshrink", "Softmax", "LogSoftmax", "MaxPool1d", "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "Flatten", "Dropout", "Embedding",
    "Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d",
    "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
    "MaxPool3d", "AvgPool1d", "AvgPool3d", "AdaptiveAvgPool1d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
    "AdaptiveMaxPool3d", "PixelUnshuffle", "ChannelShuffle", "Fold", "Unfold",
    "MultiheadAttention", "TransformerEncoderLayer", "TransformerEncoder", "TransformerDecoderLayer",
    "TransformerDecoder", "Transformer", "ConvTranspose1d", "ConvTranspose2d", "Conv3d", "BatchNorm3d",
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "EmbeddingBag", "Bilinear", "PixelShuffle", "Unflatten",
    "ParameterList", "ParameterDict", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d", "ZeroPad1d", "ZeroPad2d",
    "ZeroPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
    "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d", "Softmin", "Softmax2d", "GLU", "CELU",
    "SELU", "Hardshrink", "Softshrink", "LogSigmoid", "PReLU", "L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss",
    "BCELoss", "BCEWithLogitsLoss", "NLLLoss", "CrossEntropyLoss", "KLDivLoss", "CosineEmbeddingLoss",
    "MarginRankingLoss", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout", "RNNBase",
    "RNNCellBase", "RReLU", "SoftMarginLoss", "HingeEmbeddingLoss", "PoissonNLLLoss", "GaussianNLLLoss", "CTCLoss",
    "TripletMarginLoss", "MultiMarginLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss", "NLLLoss2d",
    "PairwiseDistance", "CosineSimilarity", "LPPool1d", "LPPool2d", "LPPool3d", "MaxUnpool1d", "MaxUnpool2d",
    "MaxUnpool3d", "LocalResponseNorm", "CrossMapLRN2d", "RMSNorm", "SyncBatchNorm", "TripletMarginWithDistanceLoss",
    "ConvTranspose3d", "LazyLinear", "LazyConv1d", "LazyConv2d", "LazyConv3d", "LazyConvTranspose1d",
    "LazyConvTranspose2d", "LazyConvTranspose3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
    "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
]
