/*===- quantc_runner.c - Run a compiled model on .npy files --------------===//
//
// quantc-runner LIB.so [--threads N] -o OUTDIR IN0.npy [IN1.npy ...]
//
// Loads a library that quantc compile wrote, runs it once on the inputs
// (NumPy .npy files, in the model's input order, little-endian, C order)
// and writes each output to OUTDIR/output_<i>.npy, then prints the
// instruction set of the int8 kernels and the variant of the model's code
// that ran on stdout ("kernels: NAME", "variant: NAME"). It is
// plain C with no dependency beyond the C library, so that it builds for
// any target quantc compiles for and runs where the compiler does not: on
// a device, or here under qemu for AArch64 libraries. `quantc run` is the
// richer runner of the host.
//
// Exit status: 0 on success, 1 on any error (with a message on stderr
// naming the file or the input).
//
//===---------------------------------------------------------------------===*/

#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RANK 16

typedef struct {
  int dtype; /* ONNX's TensorProto.DataType code, as the library's */
  int rank;
  int64_t shape[MAX_RANK];
  void *data;
} tensor;

/* The model's API, resolved by name from the library. */
typedef struct {
  void *(*create)(void);
  void (*destroy)(void *);
  int (*set_threads)(void *, int);
  const char *(*kernels)(void);
  const char *(*variant)(void);
  int (*num_inputs)(void);
  int (*num_outputs)(void);
  int (*input_dtype)(int);
  int (*input_rank)(int);
  const int64_t *(*input_shape)(int);
  int (*output_dtype)(int);
  int (*output_rank)(int);
  const char *(*last_error)(const void *);
  int (*run_allocated)(void *, const void *const *, const int64_t *const *,
                       void **, int64_t *const *);
  void (*free_output)(void *);
} model_api;

static void fail(const char *format, const char *what, const char *why) {
  fprintf(stderr, "quantc-runner: error: ");
  fprintf(stderr, format, what, why);
  fprintf(stderr, "\n");
  exit(1);
}

/* NumPy's type string of an element type, and its size in bytes. */
static const char *npy_descr(int dtype, size_t *bytes) {
  switch (dtype) {
  case 1:
    *bytes = 4;
    return "<f4";
  case 2:
    *bytes = 1;
    return "|u1";
  case 3:
    *bytes = 1;
    return "|i1";
  case 5:
    *bytes = 2;
    return "<i2";
  case 6:
    *bytes = 4;
    return "<i4";
  case 7:
    *bytes = 8;
    return "<i8";
  case 9:
    *bytes = 1;
    return "|b1";
  case 10:
    *bytes = 2;
    return "<f2";
  case 11:
    *bytes = 8;
    return "<f8";
  default:
    *bytes = 0;
    return NULL;
  }
}

static size_t element_count(const tensor *t) {
  size_t count = 1;
  for (int i = 0; i < t->rank; ++i)
    count *= (size_t)t->shape[i];
  return count;
}

/* The value of `key` in the header dictionary, or NULL. */
static const char *header_value(const char *header, const char *key) {
  const char *found = strstr(header, key);
  if (!found)
    return NULL;
  found = strchr(found + strlen(key), ':');
  if (!found)
    return NULL;
  ++found;
  while (*found == ' ')
    ++found;
  return found;
}

/* Reads the .npy file at `path` as an array of `dtype`. */
static tensor read_npy(const char *path, int dtype) {
  tensor t = {dtype, 0, {0}, NULL};
  FILE *file = fopen(path, "rb");
  if (!file)
    fail("%s: %s", path, strerror(errno));
  unsigned char magic[10];
  if (fread(magic, 1, 10, file) != 10 || memcmp(magic, "\x93NUMPY", 6) != 0)
    fail("%s: %s", path, "not a .npy file");
  size_t header_size = magic[8] | (size_t)magic[9] << 8;
  if (magic[6] >= 2) { /* versions 2 and 3: a 4-byte header size */
    unsigned char more[2];
    if (fread(more, 1, 2, file) != 2)
      fail("%s: %s", path, "truncated header");
    header_size |= (size_t)more[0] << 16 | (size_t)more[1] << 24;
  }
  char *header = calloc(header_size + 1, 1);
  if (!header || fread(header, 1, header_size, file) != header_size)
    fail("%s: %s", path, "truncated header");
  size_t bytes;
  const char *want = npy_descr(dtype, &bytes);
  const char *descr = header_value(header, "'descr'");
  const char *order = header_value(header, "'fortran_order'");
  const char *shape = header_value(header, "'shape'");
  if (!want || !descr || !order || !shape)
    fail("%s: %s", path, "unreadable header");
  if (strncmp(descr + 1, want, 3) != 0) {
    char message[64];
    snprintf(message, sizeof message, "the model takes %s, not %.3s", want,
             descr + 1);
    fail("%s: %s", path, message);
  }
  if (strncmp(order, "False", 5) != 0)
    fail("%s: %s", path, "Fortran order is not supported");
  const char *p = shape + 1; /* past '(' */
  while (*p && *p != ')') {
    char *end;
    long long size = strtoll(p, &end, 10);
    if (end == p)
      break;
    if (t.rank == MAX_RANK || size < 0)
      fail("%s: %s", path, "unsupported shape");
    t.shape[t.rank++] = size;
    p = end;
    while (*p == ',' || *p == ' ')
      ++p;
  }
  free(header);
  size_t total = element_count(&t) * bytes;
  t.data = malloc(total ? total : 1);
  if (!t.data || fread(t.data, 1, total, file) != total)
    fail("%s: %s", path, "truncated data");
  fclose(file);
  return t;
}

static void write_npy(const char *path, const tensor *t) {
  size_t bytes;
  const char *descr = npy_descr(t->dtype, &bytes);
  if (!descr)
    fail("%s: %s", path, "an output of an element type .npy cannot hold");
  char shape[512] = "(";
  for (int i = 0; i < t->rank; ++i) {
    size_t used = strlen(shape);
    snprintf(shape + used, sizeof shape - used, "%lld%s",
             (long long)t->shape[i],
             t->rank == 1      ? ","
             : i + 1 < t->rank ? ", "
                               : "");
  }
  strcat(shape, ")");
  char header[640];
  int length = snprintf(header, sizeof header,
                        "{'descr': '%s', 'fortran_order': False, "
                        "'shape': %s, }",
                        descr, shape);
  /* Pad with spaces and a newline to a multiple of 64 bytes in all. */
  int padded = (10 + length + 1 + 63) / 64 * 64 - 10;
  memset(header + length, ' ', (size_t)(padded - length - 1));
  header[padded - 1] = '\n';
  FILE *file = fopen(path, "wb");
  if (!file)
    fail("%s: %s", path, strerror(errno));
  unsigned char magic[10] = {0x93,
                             'N',
                             'U',
                             'M',
                             'P',
                             'Y',
                             1,
                             0,
                             (unsigned char)(padded & 0xFF),
                             (unsigned char)(padded >> 8)};
  size_t total = element_count(t) * bytes;
  if (fwrite(magic, 1, 10, file) != 10 ||
      fwrite(header, 1, (size_t)padded, file) != (size_t)padded ||
      fwrite(t->data, 1, total, file) != total || fclose(file) != 0)
    fail("%s: %s", path, "cannot write");
}

/* The model's symbol prefix: the library's file name without a leading
 * "lib" and its extension, other characters than letters and digits as
 * '_' (as quantc compile names them). */
static void model_prefix(const char *library, char *prefix, size_t size) {
  const char *base = strrchr(library, '/');
  base = base ? base + 1 : library;
  if (strncmp(base, "lib", 3) == 0)
    base += 3;
  const char *dot = strrchr(base, '.');
  size_t length = dot ? (size_t)(dot - base) : strlen(base);
  size_t out = 0;
  if (length == 0 || (base[0] >= '0' && base[0] <= '9'))
    prefix[out++] = '_';
  for (size_t i = 0; i < length && out + 1 < size; ++i) {
    char c = base[i];
    int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9');
    prefix[out++] = alnum ? c : '_';
  }
  prefix[out] = '\0';
}

static void *resolve(void *handle, const char *prefix, const char *name,
                     const char *library) {
  char symbol[512];
  snprintf(symbol, sizeof symbol, "%s_%s", prefix, name);
  void *found = dlsym(handle, symbol);
  if (!found)
    fail("%s: not a quantc model library: no symbol %s", library, symbol);
  return found;
}

int main(int argc, char **argv) {
  const char *library = NULL, *out_dir = NULL;
  const char *inputs[64];
  int num_paths = 0, threads = 0;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
      out_dir = argv[++i];
    } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = atoi(argv[++i]);
    } else if (!library) {
      library = argv[i];
    } else if (num_paths < 64) {
      inputs[num_paths++] = argv[i];
    } else {
      fail("%s%s", "more than 64 inputs", "");
    }
  }
  if (!library || !out_dir) {
    fprintf(stderr, "usage: quantc-runner LIB.so [--threads N] -o OUTDIR "
                    "IN0.npy [IN1.npy ...]\n");
    return 1;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s%s", strchr(library, '/') ? "" : "./",
           library);
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    fail("%s: cannot load the library: %s", library, dlerror());
  char prefix[256];
  model_prefix(library, prefix, sizeof prefix);
  model_api api;
#define RESOLVE(field, name)                                                   \
  *(void **)&api.field = resolve(handle, prefix, name, library)
  RESOLVE(create, "create");
  RESOLVE(destroy, "destroy");
  RESOLVE(set_threads, "set_threads");
  RESOLVE(kernels, "kernels");
  RESOLVE(variant, "variant");
  RESOLVE(num_inputs, "num_inputs");
  RESOLVE(num_outputs, "num_outputs");
  RESOLVE(input_dtype, "input_dtype");
  RESOLVE(input_rank, "input_rank");
  RESOLVE(input_shape, "input_shape");
  RESOLVE(output_dtype, "output_dtype");
  RESOLVE(output_rank, "output_rank");
  RESOLVE(last_error, "last_error");
  RESOLVE(run_allocated, "run_allocated");
  RESOLVE(free_output, "free");
#undef RESOLVE

  int num_inputs = api.num_inputs(), num_outputs = api.num_outputs();
  if (num_paths != num_inputs) {
    char message[96];
    snprintf(message, sizeof message, "the model has %d inputs, given %d",
             num_inputs, num_paths);
    fail("%s: %s", library, message);
  }
  tensor in[64];
  const void *in_data[64];
  const int64_t *in_shapes[64];
  for (int i = 0; i < num_inputs; ++i) {
    in[i] = read_npy(inputs[i], api.input_dtype(i));
    const int64_t *declared = api.input_shape(i);
    int ok = in[i].rank == api.input_rank(i);
    for (int d = 0; ok && d < in[i].rank; ++d)
      ok = declared[d] < 0 || declared[d] == in[i].shape[d];
    if (!ok)
      fail("%s: %s", inputs[i], "the shape differs from the model's input");
    in_data[i] = in[i].data;
    in_shapes[i] = in[i].shape;
  }

  void *context = api.create();
  if (!context)
    fail("%s: %s", library, api.last_error(NULL));
  if (api.set_threads(context, threads) != 0)
    fail("%s%s", "--threads must be 0 or more", "");
  tensor *out = calloc((size_t)num_outputs + 1, sizeof(tensor));
  void **out_data = calloc((size_t)num_outputs + 1, sizeof(void *));
  int64_t **out_shapes = calloc((size_t)num_outputs + 1, sizeof(int64_t *));
  for (int i = 0; i < num_outputs; ++i) {
    out[i].dtype = api.output_dtype(i);
    out[i].rank = api.output_rank(i);
    out_shapes[i] = out[i].shape;
  }
  if (api.run_allocated(context, in_data, in_shapes, out_data,
                        (int64_t *const *)out_shapes) != 0)
    fail("%s: the run failed: %s", library, api.last_error(context));
  for (int i = 0; i < num_outputs; ++i) {
    out[i].data = out_data[i];
    snprintf(path, sizeof path, "%s/output_%d.npy", out_dir, i);
    write_npy(path, &out[i]);
    api.free_output(out_data[i]);
  }
  api.destroy(context);
  printf("kernels: %s\nvariant: %s\n", api.kernels(), api.variant());
  for (int i = 0; i < num_inputs; ++i)
    free(in[i].data);
  free(out);
  free(out_data);
  free(out_shapes);
  return 0;
}
