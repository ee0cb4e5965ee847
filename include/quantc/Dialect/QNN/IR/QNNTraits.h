//===- QNNTraits.h - Native traits shared by qnn ops ------------*- C++ -*-===//
//
// The type rules that many qnn ops share (T1 to T3 in docs/dialect.md),
// written once as op traits so that each op's verifier checks only what is
// particular to it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QNN_IR_QNNTRAITS_H
#define QUANTC_DIALECT_QNN_IR_QNNTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace quantc::qnn {

/// Rule T1: every operand and result expresses one type.
mlir::LogicalResult verifySameExpressedType(mlir::Operation *op);
/// Rule T2: quantized parameters fit the shape of every tensor they annotate.
mlir::LogicalResult verifyQuantizedShapesFit(mlir::Operation *op);
/// Rule T3: the result's shape is the broadcast of the operand shapes.
mlir::LogicalResult verifyBroadcastsOperands(mlir::Operation *op);

namespace OpTrait {

template <typename ConcreteType>
class SameExpressedType
    : public mlir::OpTrait::TraitBase<ConcreteType, SameExpressedType> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifySameExpressedType(op);
  }
};

template <typename ConcreteType>
class QuantizedShapesFit
    : public mlir::OpTrait::TraitBase<ConcreteType, QuantizedShapesFit> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyQuantizedShapesFit(op);
  }
};

template <typename ConcreteType>
class BroadcastsOperands
    : public mlir::OpTrait::TraitBase<ConcreteType, BroadcastsOperands> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyBroadcastsOperands(op);
  }
};

} // namespace OpTrait
} // namespace quantc::qnn

#endif // QUANTC_DIALECT_QNN_IR_QNNTRAITS_H
