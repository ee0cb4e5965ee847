# lit configuration of the quantc test suite: FileCheck tests of quant-opt
# and the other tools, one folder per part of the compiler.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "quantc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment(
    "PYTHONPATH", os.path.join(config.quantc_src_root, "python"), append_path=True)

config.substitutions.append(("%quantc_src_root", config.quantc_src_root))
config.substitutions.append(("%quantc_obj_root", config.quantc_obj_root))

# %onnx_text FILE -o OUT.onnx builds a model from ONNX's textual syntax held in
# FILE (lines starting with '#' are dropped).
config.substitutions.append(
    ("%onnx_text", config.python_executable + " -m quantc.onnx_text"))

tools = [
    "quant-opt",
    "quantc",
    ToolSubst("%python", config.python_executable, unresolved="fatal"),
]
llvm_config.add_tool_substitutions(
    tools, [config.quantc_tools_dir, config.llvm_tools_dir])
