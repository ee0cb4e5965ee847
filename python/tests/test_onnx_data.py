"""Tests of quantc.onnx_data on real ONNX test data and written files."""

import os
import tempfile
import unittest

import numpy as np
from onnx import numpy_helper

from quantc import onnx_data

NODE_TESTS = "/usr/share/libonnx-testdata/data/node"


class ReadTensorTest(unittest.TestCase):
    def test_pb_and_npy_round_trip(self):
        values = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
        with tempfile.TemporaryDirectory() as d:
            pb = os.path.join(d, "t.pb")
            with open(pb, "wb") as f:
                f.write(numpy_helper.from_array(values).SerializeToString())
            npy = os.path.join(d, "t.npy")
            np.save(npy, values)
            for path in (pb, npy):
                read = onnx_data.read_tensor(path)
                self.assertEqual(read.dtype, values.dtype)
                self.assertEqual(read.tobytes(), values.tobytes())

    def test_bad_file_names_the_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "input_0.pb")
            with open(path, "wb") as f:
                f.write(b"\xff\xff\xff not a tensor")
            with self.assertRaisesRegex(onnx_data.DataError, "input_0.pb"):
                onnx_data.read_tensor(path)
        with self.assertRaisesRegex(onnx_data.DataError, "missing.npy"):
            onnx_data.read_tensor("/nonexistent/missing.npy")


class TestDataSetTest(unittest.TestCase):
    def test_reads_onnx_backend_case(self):
        inputs, outputs = onnx_data.read_test_data_set(
            os.path.join(NODE_TESTS, "test_quantizelinear", "test_data_set_0"))
        self.assertEqual(len(inputs), 3)
        self.assertEqual(len(outputs), 1)
        self.assertEqual(outputs[0].dtype, np.uint8)
        self.assertEqual(inputs[0].shape, outputs[0].shape)

    def test_gap_in_numbering_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            np.save(os.path.join(d, "input_0.npy"), np.zeros(2))
            np.save(os.path.join(d, "input_2.npy"), np.zeros(2))
            with self.assertRaisesRegex(onnx_data.DataError, "numbered 0 to 1"):
                onnx_data.read_test_data_set(d)

    def test_empty_folder_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(onnx_data.DataError, "no input_N or output_N"):
                onnx_data.read_test_data_set(d)

    def test_model_without_inputs(self):
        inputs, outputs = onnx_data.read_test_data_set(
            os.path.join(NODE_TESTS, "test_constant", "test_data_set_0"))
        self.assertEqual(inputs, [])
        self.assertEqual(len(outputs), 1)


class MlirDenseTest(unittest.TestCase):
    def test_literal_keeps_every_bit(self):
        values = np.array([[0.1, -0.0], [np.float32(1e-45), np.inf]], dtype=np.float32)
        literal = onnx_data.mlir_dense(values)
        self.assertTrue(literal.endswith(": tensor<2x2xf32>"))
        back = onnx_data.parse_mlir_dense(literal, np.float32, values.shape)
        self.assertEqual(back.tobytes(), values.tobytes())

    def test_unsigned_bytes_are_signless(self):
        literal = onnx_data.mlir_dense(np.array([0, 200, 255], dtype=np.uint8))
        self.assertEqual(literal, 'dense<"0x00C8FF"> : tensor<3xi8>')

    def test_scalar_and_splat(self):
        self.assertEqual(onnx_data.mlir_dense(np.array(2, dtype=np.int32)),
                         'dense<"0x02000000"> : tensor<i32>')
        splat = onnx_data.parse_mlir_dense('dense<"0x0000803F">', np.float32, (2, 2))
        self.assertTrue((splat == 1.0).all())

    def test_unsupported_dtype(self):
        with self.assertRaisesRegex(onnx_data.DataError, "complex64"):
            onnx_data.mlir_dense(np.zeros(2, dtype=np.complex64))


if __name__ == "__main__":
    unittest.main()
