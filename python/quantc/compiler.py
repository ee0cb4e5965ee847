"""Compiles ONNX models from Python by running the `quantc` compiler.

    model = quantc.compile("model.onnx", quantize="static",
                           calibration=[{"x": x} for x in samples])
    outputs = model.run({"x": x})
    model.save("libmodel.so")

The compiler is the `quantc` executable: QUANTC_BIN if set, else the build
tree's (build/bin/quantc beside this package's folder), else the one on
PATH. Its error messages become QuantcError.
"""

import os
import shutil
import subprocess
import tempfile

import numpy as np

from quantc.model import CompiledModel, QuantcError, model_prefix

QUANTIZE_MODES = ("none", "static", "dynamic", "weight-only", "codebook")
CALIBRATION_METHODS = ("minmax", "percentile", "entropy", "mse")


def find_quantc():
    """The path of the quantc executable (see the module's description)."""
    candidates = [os.environ.get("QUANTC_BIN"),
                  os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               "..", "..", "build", "bin", "quantc"),
                  shutil.which("quantc")]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return os.path.abspath(candidate)
    raise QuantcError("cannot find the quantc compiler: set QUANTC_BIN, build it "
                      "in build/ (make build), or put it on PATH")


def _graph_inputs(model_path):
    """An ONNX model's graph inputs that are not initializers (ValueInfo
    protos, in order)."""
    import onnx
    graph = onnx.load(model_path, load_external_data=False).graph
    constants = {t.name for t in graph.initializer}
    return [i for i in graph.input if i.name not in constants]


def _input_names(model_path):
    """The names of an ONNX model's graph inputs that are not initializers."""
    return [i.name for i in _graph_inputs(model_path)]


def _write_calibration(samples, names, directory):
    """Writes an iterable of samples (dicts of arrays by input name, or
    sequences of arrays in input order) as ONNX test-layout sample folders
    for a model with inputs `names`; returns how many."""
    count = 0
    for count, sample in enumerate(samples, 1):
        if isinstance(sample, dict):
            unknown = sorted(set(sample) - set(names))
            missing = [n for n in names if n not in sample]
            if unknown or missing:
                raise QuantcError(
                    f"calibration sample {count - 1}: "
                    + (f"no input named {unknown[0]!r}" if unknown
                       else f"input {missing[0]!r} is missing")
                    + f"; the model's inputs: {names}")
            values = [sample[n] for n in names]
        else:
            values = list(sample)
            if len(values) != len(names):
                raise QuantcError(f"calibration sample {count - 1} holds "
                                  f"{len(values)} arrays; the model takes "
                                  f"{len(names)}: {names}")
        folder = os.path.join(directory, f"sample_{count - 1:05}")
        os.makedirs(folder)
        for i, value in enumerate(values):
            np.save(os.path.join(folder, f"input_{i}.npy"), np.asarray(value))
    return count


class Compiled(CompiledModel):
    """A CompiledModel that `compile` made: its library lives in a temporary
    folder, deleted by `close`, unless `save` copies it (the library, its C
    header and any weights file) elsewhere first."""

    def __init__(self, path, workdir, threads):
        self._workdir = workdir
        try:
            super().__init__(path, threads)
        except QuantcError:
            workdir.cleanup()
            raise

    def close(self):
        """Releases the model and deletes its temporary folder (a library
        written to compile's `output` stays)."""
        super().close()
        if getattr(self, "_workdir", None):
            self._workdir.cleanup()
            self._workdir = None

    def save(self, path):
        """Copies the library to `path`, and its C header and weights file
        (if any) beside it. The library's functions are named after its
        file name (libNAME.so: NAME_run, ...), so `path` must give the same
        name; pass output= to compile under another."""
        if not self._workdir:
            raise QuantcError("the model is closed; save it before closing")
        if model_prefix(path) != model_prefix(self.path):
            raise QuantcError(f"{path}: this library's functions are named "
                              f"{model_prefix(self.path)}_*; save it as "
                              f"{os.path.basename(self.path)}, or compile with "
                              f"output= for another name")
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        shutil.copyfile(self.path, path)
        source = os.path.dirname(self.path)
        for suffix in (".h", ".weights"):
            companion = os.path.join(source, model_prefix(self.path) + suffix)
            if os.path.exists(companion):
                shutil.copyfile(companion, os.path.join(folder,
                                                        os.path.basename(companion)))
        return path


def compile(model, quantize="none", calibration=None, calibration_method=None,
            per_channel=True, bits=8, group_size=0, target="native",
            input_shapes=None, output=None, threads=0, precision_plan=None,
            extra_options=()):
    """Compiles `model` (an ONNX file's path or an onnx.ModelProto) with
    `quantc compile` and loads the library.

    quantize: "none", "static", "dynamic", "weight-only" or "codebook".
    calibration: for static quantization, a folder or statistics file as
        `quantc compile --calibration` takes, or an iterable of samples,
        each a dict of numpy arrays by input name (in input order) or a
        sequence of arrays in input order.
    calibration_method: "minmax", "percentile", "entropy" or "mse".
    per_channel: weight scales per output channel (else per tensor).
    bits, group_size: 4-bit weights (weight-only, dynamic, codebook) and
        their groups along the reduction axis.
    target: `quantc compile --target`.
    input_shapes: {name: shape} for inputs with dynamic dimensions.
    output: where to write the library; a temporary folder if None.
    threads: the threads the loaded model runs on (0: one a core).
    precision_plan: a precision plan file (quantc.analyze writes one;
        docs/mixed-precision.md) giving layers fp32, int8 or int4.
    Returns the loaded model; raises QuantcError with the compiler's
    message if it refuses the model.
    """
    if quantize not in QUANTIZE_MODES:
        raise QuantcError(f"quantize must be one of {', '.join(QUANTIZE_MODES)}, "
                          f"not {quantize!r}")
    if calibration_method is not None and calibration_method not in CALIBRATION_METHODS:
        raise QuantcError(f"calibration_method must be one of "
                          f"{', '.join(CALIBRATION_METHODS)}, not {calibration_method!r}")
    quantc_bin = find_quantc()
    workdir = tempfile.TemporaryDirectory(prefix="quantc-")
    if not isinstance(model, (str, os.PathLike)):
        import onnx
        path = os.path.join(workdir.name, "model.onnx")
        onnx.save(model, path)
        model = path
    library = os.fspath(output) if output else os.path.join(workdir.name, "libmodel.so")
    if output and os.path.dirname(library):
        os.makedirs(os.path.dirname(library), exist_ok=True)
    command = [quantc_bin, "compile", os.fspath(model), "-o", library,
               "--target", target]
    if quantize != "none":
        command += ["--quantize", quantize]
    if calibration is not None:
        if isinstance(calibration, (str, os.PathLike)):
            data = os.fspath(calibration)
        else:
            data = os.path.join(workdir.name, "calibration")
            os.makedirs(data)
            try:
                count = _write_calibration(calibration, _input_names(model), data)
            except QuantcError:
                workdir.cleanup()
                raise
            if count == 0:
                workdir.cleanup()
                raise QuantcError("the calibration set is empty")
        command += ["--calibration", data]
    if calibration_method:
        command += ["--calibration-method", calibration_method]
    if quantize != "none" and not per_channel:
        command += ["--per-tensor"]
    if bits != 8:
        command += ["--bits", str(bits)]
    if group_size:
        command += ["--group-size", str(group_size)]
    for name, shape in (input_shapes or {}).items():
        command += ["--input-shape", f"{name}=" + ",".join(str(d) for d in shape)]
    if precision_plan is not None:
        command += ["--precision-plan", os.fspath(precision_plan)]
    command += list(extra_options)
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    if result.returncode != 0:
        message = result.stderr.strip() or f"quantc compile exited with {result.returncode}"
        workdir.cleanup()
        raise QuantcError(message)
    return Compiled(library, workdir, threads)
