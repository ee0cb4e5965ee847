# lit configuration of the quantc test suite: FileCheck tests of quant-opt
# and the other tools, one folder per part of the compiler.

import os

import lit.formats
import lit.util
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "quantc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.quantc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
# The sanitizer settings of make check-asan reach the tools the tests run.
llvm_config.with_system_environment(["ASAN_OPTIONS", "UBSAN_OPTIONS"])
llvm_config.with_environment(
    "PYTHONPATH", os.path.join(config.quantc_src_root, "python"), append_path=True)

config.substitutions.append(("%quantc_src_root", config.quantc_src_root))
config.substitutions.append(("%quantc_obj_root", config.quantc_obj_root))

# %onnx_text FILE -o OUT.onnx builds a model from ONNX's textual syntax held in
# FILE (lines starting with '#' are dropped).
config.substitutions.append(
    ("%onnx_text", config.python_executable + " -m quantc.onnx_text"))

config.substitutions.append(("%llvm_lib_dir", config.llvm_lib_dir))
config.substitutions.append(
    ("%onnx_node", "/usr/share/libonnx-testdata/data/node"))

tools = [
    "quant-opt",
    "quantc-runner",
    "quantc",
    "mlir-opt",
    "mlir-runner",
    "llvm-nm",
    "llvm-readelf",
    "llvm-objdump",
    ToolSubst("%python", config.python_executable, unresolved="fatal"),
]
llvm_config.add_tool_substitutions(
    tools, [config.quantc_tools_dir, config.llvm_tools_dir])

# The PaddleOCR models that scripts/fetch-models.sh caches from npm; tests of
# them need `REQUIRES: ocr-models`.
ocr_models = os.path.join(config.quantc_src_root, ".cache", "models",
                          "ocr-models-1.4.2")
if all(os.path.isfile(os.path.join(ocr_models, name)) for name in (
        "ch_ppocr_mobile_v2.0_cls_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx",
        "ch_PP-OCRv4_det_infer.onnx")):
    config.available_features.add("ocr-models")
    config.substitutions.append(("%ocr_models", ocr_models))

# Real images from Debian's opencv-doc (scripts/install-deps.sh installs it).
config.substitutions.append(
    ("%opencv_data", "/usr/share/doc/opencv-doc/examples/data"))

# Debian's Fashion-MNIST (dataset-fashion-mnist, from scripts/install-deps.sh).
if os.path.isfile("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"):
    config.available_features.add("fashion-mnist")

# The AArch64 runtime, runner and kernel check that the cross compiler
# built, and qemu-aarch64 to run them (all from scripts/install-deps.sh).
qemu = lit.util.which("qemu-aarch64")
if (qemu and os.path.isfile(os.path.join(config.quantc_obj_root, "lib",
                                         "libquantc_runtime-aarch64.a"))
        and os.path.isfile(os.path.join(config.quantc_tools_dir,
                                        "quantc-runner-aarch64"))
        and os.path.isfile(os.path.join(config.quantc_tools_dir,
                                        "quantc-kernel-check-aarch64"))):
    config.available_features.add("aarch64-qemu")
    config.substitutions.append(("%qemu_aarch64", qemu))

# onnxruntime-node, the reference runtime (scripts/fetch-onnxruntime.sh).
ort = os.path.join(config.quantc_src_root, ".cache", "onnxruntime")
if (os.path.isfile(os.path.join(ort, "node_modules", "onnxruntime-node",
                                "package.json"))
        and lit.util.which("node")):
    config.available_features.add("onnxruntime")
    config.substitutions.append(("%onnxruntime", ort))
config.substitutions.append(("%llvm_tools_dir", config.llvm_tools_dir))

# The host's architecture, for tests that build code for it.
import platform
config.available_features.add(platform.machine())
