/* classify.c: a C program that links a model quantc compiled.
 *
 * The Fashion-MNIST CNN of examples/fashion-mnist, compiled as
 * libfashion.so (its API is named after the file: fashion_*), classifies
 * the images given as files of 784 binary32 pixels (28 x 28, row-major,
 * normalized as examples/fashion-mnist/train.py does). For each it prints
 * the file, the class and its name.
 *
 *   quantc compile fashion_mnist_cnn.onnx --quantize static \
 *       --calibration DIR -o libfashion.so
 *   cc classify.c -I. -L. -lfashion -Wl,-rpath,'$ORIGIN' -o classify
 *   ./classify image0.raw image1.raw ...
 */
#include "fashion.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const kClasses[10] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s IMAGE.raw...\n", argv[0]);
    return 2;
  }
  fashion_context *context = fashion_create();
  if (!context) {
    fprintf(stderr, "error: %s\n", fashion_last_error(NULL));
    return 1;
  }
  fashion_set_threads(context, 1);
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    float image[28 * 28];
    FILE *file = fopen(argv[i], "rb");
    size_t read = file ? fread(image, sizeof(float), 28 * 28, file) : 0;
    if (file)
      fclose(file);
    if (read != 28 * 28) {
      fprintf(stderr, "%s: error: not 784 binary32 pixels\n", argv[i]);
      status = 1;
      continue;
    }
    /* One image: the batch dimension is dynamic, given here as 1. */
    const int64_t shape[4] = {1, 1, 28, 28};
    const void *inputs[1] = {image};
    const int64_t *input_shapes[1] = {shape};
    float logits[10];
    void *outputs[1] = {logits};
    const size_t capacities[1] = {sizeof logits};
    int64_t logits_shape[2];
    int64_t *output_shapes[1] = {logits_shape};
    if (fashion_run(context, inputs, input_shapes, outputs, capacities,
                    output_shapes) != 0) {
      fprintf(stderr, "%s: error: %s\n", argv[i], fashion_last_error(context));
      status = 1;
      continue;
    }
    int best = 0;
    for (int k = 1; k < 10; ++k)
      if (logits[k] > logits[best])
        best = k;
    printf("%s: class %d (%s)\n", argv[i], best, kClasses[best]);
  }
  fashion_destroy(context);
  return status;
}
