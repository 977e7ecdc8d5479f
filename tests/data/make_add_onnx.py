"""Write ``add.onnx`` (y = x + 1, x: float[1, 4]) for the ONNX-loading test. Needs ``pip install onnx``."""

from pathlib import Path

import onnx
from onnx import TensorProto, helper

one = helper.make_tensor("one", TensorProto.FLOAT, [1], [1.0])
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "one"], ["y"], name="add")],
    "add",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    initializer=[one],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], ir_version=8)
onnx.checker.check_model(model)
onnx.save(model, Path(__file__).with_name("add.onnx"))
