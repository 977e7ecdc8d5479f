"""Op categories as data: which OpenVINO op types are layers, activations, shapes... and their colours.

The graph view colours nodes by category; the table is plain data so it can be read, tested and extended.
"""

from __future__ import annotations

from types import MappingProxyType

INPUT = "input"
OUTPUT = "output"
CONSTANT = "constant"
LAYER = "layer"
ACTIVATION = "activation"
NORMALIZATION = "normalization"
POOLING = "pooling"
SHAPE = "shape"
TENSOR = "tensor"
ARITHMETIC = "arithmetic"
CONTROL = "control"
QUANTIZATION = "quantization"
OTHER = "other"

_TABLE: dict[str, tuple[str, ...]] = {
    INPUT: ("Parameter", "ReadValue"),
    OUTPUT: ("Result", "Assign"),
    CONSTANT: ("Constant", "Const"),
    LAYER: (
        "Convolution", "GroupConvolution", "ConvolutionBackpropData", "GroupConvolutionBackpropData",
        "DeformableConvolution", "BinaryConvolution", "MatMul", "FullyConnected", "Einsum", "LSTMCell",
        "LSTMSequence", "GRUCell", "GRUSequence", "RNNCell", "RNNSequence", "AUGRUCell", "AUGRUSequence",
        "ScaledDotProductAttention", "PagedAttentionExtension", "Embedding", "EmbeddingBagOffsetsSum",
        "EmbeddingBagPackedSum", "EmbeddingSegmentsSum", "EmbeddingBagOffsets", "EmbeddingBagPacked",
    ),
    ACTIVATION: (
        "Relu", "ReLU", "Sigmoid", "Tanh", "Elu", "Gelu", "Swish", "HSwish", "HSigmoid", "Mish", "PRelu",
        "Softmax", "LogSoftmax", "SoftPlus", "SoftSign", "Clamp", "Selu", "Exp", "Log", "Erf", "HardSigmoid",
    ),
    NORMALIZATION: (
        "BatchNormInference", "MVN", "NormalizeL2", "LRN", "GroupNormalization", "RMS", "RMSNorm",
    ),
    POOLING: ("MaxPool", "AvgPool", "AdaptiveMaxPool", "AdaptiveAvgPool", "ROIPooling", "PSROIPooling", "ROIAlign"),
    SHAPE: (
        "Reshape", "Squeeze", "Unsqueeze", "ShapeOf", "Broadcast", "Transpose", "Range", "Tile", "DepthToSpace",
        "SpaceToDepth", "Interpolate", "Pad", "Flatten", "Shape",
    ),
    TENSOR: (
        "Concat", "Split", "VariadicSplit", "Gather", "GatherND", "GatherElements", "ScatterUpdate",
        "ScatterNDUpdate", "ScatterElementsUpdate", "StridedSlice", "Slice", "Select", "TopK", "NonZero",
        "OneHot", "Reverse", "ReverseSequence", "Roll", "ShuffleChannels", "ExtractImagePatches", "CumSum",
        "Unique", "SliceScatter", "Identity",
    ),
    ARITHMETIC: (
        "Add", "Subtract", "Multiply", "Divide", "Power", "SquaredDifference", "Maximum", "Minimum", "Negative",
        "Abs", "Sqrt", "Floor", "Ceiling", "Round", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh",
        "Cosh", "Asinh", "Acosh", "Atanh", "Mod", "FloorMod", "ReduceSum", "ReduceMean", "ReduceMax",
        "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogicalAnd", "ReduceLogicalOr", "Equal",
        "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual", "LogicalAnd", "LogicalOr", "LogicalNot",
        "LogicalXor", "BitwiseAnd", "BitwiseOr", "BitwiseXor", "BitwiseNot", "IsNaN", "IsInf", "IsFinite",
    ),
    CONTROL: ("If", "Loop", "TensorIterator"),
    QUANTIZATION: ("FakeQuantize", "Convert", "ConvertLike", "FakeConvert", "Quantize", "Dequantize"),
}

#: op type -> category name.
OP_CATEGORY: MappingProxyType[str, str] = MappingProxyType(
    {op: category for category, ops in _TABLE.items() for op in ops}
)

#: category -> fill colour (``#rrggbb``) used by views; text is drawn dark on all of them.
CATEGORY_COLORS: MappingProxyType[str, str] = MappingProxyType(
    {
        INPUT: "#e8e8e8",
        OUTPUT: "#e8e8e8",
        CONSTANT: "#f5f5f5",
        LAYER: "#8fb8e6",
        ACTIVATION: "#f2b77f",
        NORMALIZATION: "#9fd8a6",
        POOLING: "#b5e3d8",
        SHAPE: "#e8d48f",
        TENSOR: "#d9c6ef",
        ARITHMETIC: "#d6dde4",
        CONTROL: "#f29c9c",
        QUANTIZATION: "#c7e89f",
        OTHER: "#ffffff",
    }
)

CATEGORIES: tuple[str, ...] = tuple(CATEGORY_COLORS)


def category_of(op_type: str) -> str:
    """Category of an op type; ``other`` for types the table does not know."""
    return OP_CATEGORY.get(op_type, OTHER)


#: Ops that take weights, and the input ports that hold them (MatMul either side; convolutions their filter).
#: Used to tell weights from other constants: integer weights used as they are count as parameters, and an
#: all-zero constant there is likely a defect, while an all-zero bias, offset or zero point is normal.
WEIGHT_PORTS: dict[str, frozenset[int]] = {
    "MatMul": frozenset({0, 1}),
    "Convolution": frozenset({1}),
    "GroupConvolution": frozenset({1}),
    "ConvolutionBackpropData": frozenset({1}),
    "GroupConvolutionBackpropData": frozenset({1}),
    "DeformableConvolution": frozenset({2}),
    "BinaryConvolution": frozenset({1}),
}
