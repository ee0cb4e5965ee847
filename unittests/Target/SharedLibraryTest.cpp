//===- SharedLibraryTest.cpp - The generated C API -----------------------===//
//
// Compiles the generated header and glue of a model signature with several
// inputs and outputs, scalar (rank 0) and dynamic tensors, and unusual names,
// with the system C compiler and every warning an error.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/SharedLibrary.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace quantc;

namespace {

ModelSignature makeSignature() {
  ModelSignature signature;
  signature.inputs.push_back({"images", 1, "float", 4, {-1, 3, 48, -1}});
  signature.inputs.push_back({"ids \"quoted\"", 7, "int64_t", 8, {-1}});
  signature.inputs.push_back({"scale", 1, "float", 4, {}});
  signature.outputs.push_back({"logits", 1, "float", 4, {-1, 10}});
  signature.outputs.push_back({"count", 7, "int64_t", 8, {}});
  return signature;
}

TEST(SharedLibrary, PrefixFromFileName) {
  EXPECT_EQ(getModelPrefix("/tmp/libcnn.so"), "cnn");
  EXPECT_EQ(getModelPrefix("out/my-model.so"), "my_model");
  EXPECT_EQ(getModelPrefix("lib2fast.so"), "_2fast");
}

TEST(SharedLibrary, HeaderListsTensors) {
  std::string header = generateHeader("demo", makeSignature());
  EXPECT_NE(header.find(" * input  images: float [?, 3, 48, ?]"),
            std::string::npos);
  EXPECT_NE(header.find(" * output count: int64_t []"), std::string::npos);
  EXPECT_NE(header.find("int demo_run(demo_context *context"),
            std::string::npos);
}

TEST(SharedLibrary, GeneratedCodeCompilesWithoutWarnings) {
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc)
    GTEST_SKIP() << "no C compiler";
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("quantc-api-test", dir));
  ModelSignature signature = makeSignature();
  auto write = [&](llvm::StringRef name, llvm::StringRef text) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    os << text;
    return std::string(path);
  };
  write("demo.h", generateHeader("demo", signature));
  std::string include = "-I" + std::string(dir);
  // Without outlined weights, with embedded ones and with a weights file.
  for (GlueWeights::Kind kind :
       {GlueWeights::Kind::None, GlueWeights::Kind::Embedded,
        GlueWeights::Kind::External}) {
    GlueWeights weights;
    weights.kind = kind;
    weights.bytes = 4096;
    weights.hash = 0x0123456789abcdefull;
    std::string glue = write(
        "demo_api.c", generateGlue("demo", "forward", signature, weights));
    llvm::SmallVector<llvm::StringRef> args = {
        *cc,       "-fsyntax-only", "-std=c99", "-Wall",
        "-Wextra", "-Werror",       include,    glue};
    std::string error;
    int status =
        llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0, &error);
    EXPECT_EQ(status, 0) << "weights kind " << static_cast<int>(kind) << ": "
                         << error;
  }
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
