/*
 * The wasm backend's own training kernels, in WebAssembly SIMD (128 bits: 4 float32 lanes). They
 * run on tfjs-backend-wasm's tensors in place: this module imports tfjs's memory, and every pointer
 * is a tensor's offset in it. No stack, no static data (scripts/build-wasm-kernels.ts checks), so
 * the module writes only where its arguments point.
 *
 * Layout NHWC, channels innermost. Long sums run in float32 over at most 1024 values, then in
 * float64, so they are as precise as PyTorch's (precision.test.ts).
 *
 * Built by `npm run build:wasm-kernels` into wasmKernelsBinary.ts (committed: users need no clang).
 */
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))
#define INLINE static inline __attribute__((always_inline))
/* Register tiles: unrolled, so that the accumulators stay in registers (and off the stack). */
#define UNROLL _Pragma("clang loop unroll(full)")

/* Pixels summed in float32 before the sum goes on in float64. */
#define CHUNK_PIXELS 1024

INLINE int max_int(int a, int b) { return a > b ? a : b; }
INLINE int min_int(int a, int b) { return a < b ? a : b; }

/*
 * One tile of the filter gradient: taps (p, q), input channels c0 … c0 + C_BLOCK, output channels
 * o0 … o0 + 4·O_VECS, summed in registers over images first … last, then added to acc (float64).
 *   dW[p, q, c, o] = Σ_{b, i, j} x[b, s·i + p − 1, s·j + q − 1, c] · dy[b, i, j, o]
 */
INLINE void filter_tile(const float *x, const float *dy, double *acc, int first, int last, int height, int width,
                        int cin, int out_height, int out_width, int cout, int stride, int p, int q, int c0, int o0,
                        const int C_BLOCK, const int O_VECS) {
  v128_t sum[4][4];
  UNROLL for (int c = 0; c < C_BLOCK; c++)
    UNROLL for (int k = 0; k < O_VECS; k++) sum[c][k] = wasm_f32x4_splat(0.0f);
  /* Output rows and columns whose input pixel (s·i + p − 1) lies inside the image. */
  const int i_lo = p == 0 ? 1 : 0, i_hi = min_int(out_height - 1, (height - p) / stride);
  const int j_lo = q == 0 ? 1 : 0, j_hi = min_int(out_width - 1, (width - q) / stride);
  for (int b = first; b < last; b++) {
    for (int i = i_lo; i <= i_hi; i++) {
      const float *x_row = x + ((b * height + stride * i + p - 1) * width + q - 1) * cin + c0;
      const float *dy_row = dy + (b * out_height + i) * out_width * cout + o0;
      for (int j = j_lo; j <= j_hi; j++) {
        const float *xs = x_row + stride * j * cin;
        const float *ds = dy_row + j * cout;
        UNROLL for (int c = 0; c < C_BLOCK; c++) {
          const v128_t xv = wasm_f32x4_splat(xs[c]);
          /* The same loads for every c: the compiler loads each once. */
          UNROLL for (int k = 0; k < O_VECS; k++) sum[c][k] = wasm_f32x4_add(sum[c][k], wasm_f32x4_mul(xv, wasm_v128_load(ds + 4 * k)));
        }
      }
    }
  }
  UNROLL for (int c = 0; c < C_BLOCK; c++) {
    double *row = acc + ((p * 3 + q) * cin + c0 + c) * cout + o0;
    UNROLL for (int k = 0; k < O_VECS; k++) {
      row[4 * k + 0] += wasm_f32x4_extract_lane(sum[c][k], 0);
      row[4 * k + 1] += wasm_f32x4_extract_lane(sum[c][k], 1);
      row[4 * k + 2] += wasm_f32x4_extract_lane(sum[c][k], 2);
      row[4 * k + 3] += wasm_f32x4_extract_lane(sum[c][k], 3);
    }
  }
}

/*
 * dW [3, 3, cin, cout] of y = conv3×3(x, W, stride) with 1-pixel zero padding, from x [batch, height,
 * width, cin] and dy [batch, out_height, out_width, cout]. cout is a multiple of 4. acc: 9·cin·cout
 * float64 of scratch. Images go in chunks of about CHUNK_PIXELS output pixels, which stay in cache
 * while every tile passes over them. Tiles of 2 input × 16 output channels: 8 accumulators and 4
 * vectors of dy fit x86's 16 SIMD registers.
 */
EXPORT(filter_gradient_3x3)
void filter_gradient_3x3(const float *x, const float *dy, float *dw, double *acc, int batch, int height, int width,
                         int cin, int out_height, int out_width, int cout, int stride) {
  const int size = 9 * cin * cout;
  for (int n = 0; n < size; n++) acc[n] = 0.0;
  const int images_per_chunk = max_int(1, CHUNK_PIXELS / (out_height * out_width));
  for (int first = 0; first < batch; first += images_per_chunk) {
    const int last = min_int(batch, first + images_per_chunk);
    for (int p = 0; p < 3; p++) {
      for (int q = 0; q < 3; q++) {
        int c0 = 0;
        for (; c0 + 2 <= cin; c0 += 2) {
          int o0 = 0;
          for (; o0 + 16 <= cout; o0 += 16)
            filter_tile(x, dy, acc, first, last, height, width, cin, out_height, out_width, cout, stride, p, q, c0, o0, 2, 4);
          for (; o0 < cout; o0 += 4)
            filter_tile(x, dy, acc, first, last, height, width, cin, out_height, out_width, cout, stride, p, q, c0, o0, 2, 1);
        }
        for (; c0 < cin; c0++) {
          int o0 = 0;
          for (; o0 + 16 <= cout; o0 += 16)
            filter_tile(x, dy, acc, first, last, height, width, cin, out_height, out_width, cout, stride, p, q, c0, o0, 1, 4);
          for (; o0 < cout; o0 += 4)
            filter_tile(x, dy, acc, first, last, height, width, cin, out_height, out_width, cout, stride, p, q, c0, o0, 1, 1);
        }
      }
    }
  }
  for (int n = 0; n < size; n++) dw[n] = (float)acc[n];
}

/* Accumulators for 16 output channels of one pixel, named (an array went to the stack). */
#define ZERO4(a) v128_t a##0 = wasm_f32x4_splat(0.0f), a##1 = a##0, a##2 = a##0, a##3 = a##0
#define MAC4(a, value)                                                                                             \
  do {                                                                                                             \
    const v128_t xv = wasm_f32x4_splat(value);                                                                     \
    a##0 = wasm_f32x4_add(a##0, wasm_f32x4_mul(xv, w0));                                                           \
    a##1 = wasm_f32x4_add(a##1, wasm_f32x4_mul(xv, w1));                                                           \
    a##2 = wasm_f32x4_add(a##2, wasm_f32x4_mul(xv, w2));                                                           \
    a##3 = wasm_f32x4_add(a##3, wasm_f32x4_mul(xv, w3));                                                           \
  } while (0)
#define STORE4(a, out)                                                                                             \
  do {                                                                                                             \
    wasm_v128_store((out), a##0);                                                                                  \
    wasm_v128_store((out) + 4, a##1);                                                                              \
    wasm_v128_store((out) + 8, a##2);                                                                              \
    wasm_v128_store((out) + 12, a##3);                                                                             \
  } while (0)

/* The geometry of a convolution (see conv2d). */
typedef struct {
  int height, width, cin, out_height, out_width, cout, kernel_h, kernel_w, stride, pad_top, pad_left;
} Conv;

/*
 * Output pixels j and j + 1 of row i of image b, output channels o0 … o0 + 15; every tap's column
 * inside the input. Two pixels: their 8 accumulators and 4 weight vectors fit x86's 16 SIMD
 * registers (4 pixels spilled: 20.9 against 15.0 ms for a stage-1 convolution here).
 */
static void conv_tile_2x16(const Conv *g, const float *x, const float *w, float *y, int b, int i, int j, int o0) {
  ZERO4(a);
  ZERO4(e);
  const int step = g->stride * g->cin;
  for (int p = 0; p < g->kernel_h; p++) {
    const int row = g->stride * i + p - g->pad_top;
    if (row < 0 || row >= g->height) continue;
    for (int q = 0; q < g->kernel_w; q++) {
      const float *xs = x + ((b * g->height + row) * g->width + g->stride * j + q - g->pad_left) * g->cin;
      const float *ws = w + (p * g->kernel_w + q) * g->cin * g->cout + o0;
      for (int c = 0; c < g->cin; c++, ws += g->cout) {
        const v128_t w0 = wasm_v128_load(ws), w1 = wasm_v128_load(ws + 4), w2 = wasm_v128_load(ws + 8), w3 = wasm_v128_load(ws + 12);
        MAC4(a, xs[c]);
        MAC4(e, xs[step + c]);
      }
    }
  }
  float *out = y + ((b * g->out_height + i) * g->out_width + j) * g->cout + o0;
  STORE4(a, out);
  STORE4(e, out + g->cout);
}

/* Output pixel j of row i of image b, output channels o0 … o0 + 4·vectors − 1 (vectors 1 or 4); taps outside the input are zeros. */
static void conv_tile_1(const Conv *g, const float *x, const float *w, float *y, int b, int i, int j, int o0, int vectors) {
  ZERO4(a);
  for (int p = 0; p < g->kernel_h; p++) {
    const int row = g->stride * i + p - g->pad_top;
    if (row < 0 || row >= g->height) continue;
    for (int q = 0; q < g->kernel_w; q++) {
      const int column = g->stride * j + q - g->pad_left;
      if (column < 0 || column >= g->width) continue;
      const float *xs = x + ((b * g->height + row) * g->width + column) * g->cin;
      const float *ws = w + (p * g->kernel_w + q) * g->cin * g->cout + o0;
      for (int c = 0; c < g->cin; c++, ws += g->cout) {
        const v128_t w0 = wasm_v128_load(ws);
        if (vectors == 4) {
          const v128_t w1 = wasm_v128_load(ws + 4), w2 = wasm_v128_load(ws + 8), w3 = wasm_v128_load(ws + 12);
          MAC4(a, xs[c]);
        } else {
          a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_f32x4_splat(xs[c]), w0));
        }
      }
    }
  }
  float *out = y + ((b * g->out_height + i) * g->out_width + j) * g->cout + o0;
  if (vectors == 4) STORE4(a, out);
  else wasm_v128_store(out, a0);
}

/*
 * y [batch, out_height, out_width, cout] = the convolution of x [batch, height, width, cin] with
 * w [kernel_h, kernel_w, cin, cout] (cout a multiple of 4), stride, pad_top rows and pad_left columns
 * of zeros before the input (and as many after as the output's size needs):
 *   y[b, i, j, o] = Σ_{p, q, c} x[b, stride·i + p − pad_top, stride·j + q − pad_left, c] · w[p, q, c, o]
 */
EXPORT(conv2d)
void conv2d(const float *x, const float *w, float *y, int batch, int height, int width, int cin, int out_height,
            int out_width, int cout, int kernel_h, int kernel_w, int stride, int pad_top, int pad_left) {
  const Conv geometry = {height, width, cin, out_height, out_width, cout, kernel_h, kernel_w, stride, pad_top, pad_left}, *g = &geometry;
  /* Columns whose taps all lie inside the input: stride·j ≥ pad_left and stride·j + kernel_w − 1 − pad_left < width. */
  const int inner_first = min_int(out_width, (pad_left + stride - 1) / stride);
  const int inner_end = max_int(inner_first, min_int(out_width, (width - kernel_w + pad_left) / stride + 1));
  for (int b = 0; b < batch; b++) {
    for (int i = 0; i < out_height; i++) {
      int o0 = 0;
      for (; o0 + 16 <= cout; o0 += 16) {
        int j = 0;
        for (; j < inner_first; j++) conv_tile_1(g, x, w, y, b, i, j, o0, 4);
        for (; j + 2 <= inner_end; j += 2) conv_tile_2x16(g, x, w, y, b, i, j, o0);
        for (; j < out_width; j++) conv_tile_1(g, x, w, y, b, i, j, o0, 4);
      }
      for (; o0 < cout; o0 += 4)
        for (int j = 0; j < out_width; j++) conv_tile_1(g, x, w, y, b, i, j, o0, 1);
    }
  }
}

/* Adds the float32 sums of v over chunks of pixels to totals (float64), per channel; v(x, pixel, channel vector). */
#define CHANNEL_SUMS(totals, pixels, channels, expression)                                                        \
  do {                                                                                                            \
    for (int n = 0; n < (channels); n++) (totals)[n] = 0.0;                                                       \
    for (int start = 0; start < (pixels); start += 32) {                                                          \
      const int end = min_int((pixels), start + 32);                                                              \
      for (int cv = 0; cv < (channels); cv += 4) {                                                                \
        v128_t chunk = wasm_f32x4_splat(0.0f);                                                                    \
        for (int at = start; at < end; at++) {                                                                    \
          const int offset = at * (channels) + cv;                                                                \
          chunk = wasm_f32x4_add(chunk, (expression));                                                            \
        }                                                                                                         \
        (totals)[cv + 0] += wasm_f32x4_extract_lane(chunk, 0);                                                    \
        (totals)[cv + 1] += wasm_f32x4_extract_lane(chunk, 1);                                                    \
        (totals)[cv + 2] += wasm_f32x4_extract_lane(chunk, 2);                                                    \
        (totals)[cv + 3] += wasm_f32x4_extract_lane(chunk, 3);                                                    \
      }                                                                                                           \
    }                                                                                                             \
  } while (0)

/* Where a batch-norm unit's shortcut comes from (relu?(BN(x) + shortcut)). */
enum { NO_SHORTCUT = 0, IDENTITY = 1, SUBSAMPLE = 2 };

/*
 * The shape of a batch-norm unit: x [batch, height, width, channels] (channels a multiple of 4) and
 * its shortcut: the block input itself, or option A (every second pixel of an input [batch,
 * in_height, in_width, in_channels], placed at channels channel_offset … + in_channels, zeros
 * elsewhere).
 */
typedef struct {
  int batch, height, width, channels;
  int shortcut, in_height, in_width, in_channels, channel_offset;
  int relu;
  float epsilon;
} Unit;

INLINE int unit_pixels(const Unit *u) { return u->batch * u->height * u->width; }

/* Where option A's shortcut for output pixel `at` lies in the input (every second pixel). */
INLINE int subsample_source(const Unit *u, int at) {
  const int column = at % u->width, row = (at / u->width) % u->height, image = at / (u->width * u->height);
  return ((image * u->in_height + 2 * row) * u->in_width + 2 * column) * u->in_channels;
}

/* factors[c] = 1/√(var + ε), factors[channels + c] = γ/√(var + ε). */
INLINE void scale_factors(const Unit *u, const float *gamma, const float *variance, float *factors) {
  for (int cv = 0; cv < u->channels; cv += 4) {
    const v128_t inverse_std = wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_sqrt(wasm_f32x4_add(wasm_v128_load(variance + cv), wasm_f32x4_splat(u->epsilon))));
    wasm_v128_store(factors + cv, inverse_std);
    wasm_v128_store(factors + u->channels + cv, wasm_f32x4_mul(wasm_v128_load(gamma + cv), inverse_std));
  }
}

/*
 * y = relu?((x − mean)·γ/√(var + ε) + β + shortcut). In training, mean and variance are the batch's
 * (written here: two passes, the variance of x − mean, sums per CHANNEL_SUMS); in evaluation, the
 * running ones (read). sums: 2·channels float64, factors: 2·channels float32 of scratch.
 */
EXPORT(batch_norm_unit)
void batch_norm_unit(const Unit *shape, int training, const float *x, const float *gamma, const float *beta,
                     const float *shortcut, float *y, float *mean, float *variance, double *sums, float *factors) {
  /* A copy in locals: the stores to y cannot change it. */
  const Unit unit = *shape, *u = &unit;
  const int pixels = unit_pixels(u), channels = u->channels;
  if (training) {
    double *sum = sums, *squares = sums + channels;
    CHANNEL_SUMS(sum, pixels, channels, wasm_v128_load(x + offset));
    for (int c = 0; c < channels; c++) mean[c] = (float)(sum[c] / pixels);
    CHANNEL_SUMS(squares, pixels, channels, ({
                   const v128_t centred = wasm_f32x4_sub(wasm_v128_load(x + offset), wasm_v128_load(mean + cv));
                   wasm_f32x4_mul(centred, centred);
                 }));
    for (int c = 0; c < channels; c++) variance[c] = (float)(squares[c] / pixels);
  }
  scale_factors(u, gamma, variance, factors);
  for (int at = 0; at < pixels; at++) {
    float *out = y + at * channels;
    for (int cv = 0; cv < channels; cv += 4) {
      const v128_t scale = wasm_v128_load(factors + channels + cv);
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(x + at * channels + cv), wasm_v128_load(mean + cv));
      v128_t value = wasm_f32x4_add(wasm_f32x4_mul(centred, scale), wasm_v128_load(beta + cv));
      if (u->shortcut == IDENTITY) value = wasm_f32x4_add(value, wasm_v128_load(shortcut + at * channels + cv));
      wasm_v128_store(out + cv, value);
    }
    if (u->shortcut == SUBSAMPLE) {
      const float *source = shortcut + subsample_source(u, at);
      for (int c = 0; c < u->in_channels; c++) out[u->channel_offset + c] += source[c];
    }
    if (u->relu)
      for (int cv = 0; cv < channels; cv += 4) wasm_v128_store(out + cv, wasm_f32x4_max(wasm_v128_load(out + cv), wasm_f32x4_splat(0.0f)));
  }
}

/*
 * The gradient of a training-mode unit y = relu?(BN(x) + shortcut), from its output y: with
 * g = dy where y > 0 (all of dy without the ReLU), x̂ = (x − mean)/√(var + ε) and m = pixels:
 *   dβ = Σ g,  dγ = Σ g·x̂,  dx = γ/√(var + ε) · (g − dβ/m − x̂·dγ/m),
 *   d shortcut = g (identity), or g's channels channel_offset … at the even pixels, zeros elsewhere.
 * sums: 2·channels float64, factors: 2·channels float32 of scratch.
 */
EXPORT(batch_norm_unit_gradient)
void batch_norm_unit_gradient(const Unit *shape, const float *dy, const float *x, const float *gamma, const float *mean,
                              const float *variance, const float *y, float *dx, float *d_gamma, float *d_beta,
                              float *d_shortcut, double *sums, float *factors) {
  const Unit unit = *shape, *u = &unit;
  scale_factors(u, gamma, variance, factors);
  const int pixels = unit_pixels(u), channels = u->channels, relu = u->relu;
  double *sum_g = sums, *sum_g_xhat = sums + channels;
  /* g: dy, or dy where the unit's output is positive. */
#define G (relu ? wasm_v128_and(wasm_v128_load(dy + offset), wasm_f32x4_gt(wasm_v128_load(y + offset), wasm_f32x4_splat(0.0f))) \
                : wasm_v128_load(dy + offset))
#define XHAT wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + offset), wasm_v128_load(mean + cv)), wasm_v128_load(factors + cv))
  CHANNEL_SUMS(sum_g, pixels, channels, G);
  CHANNEL_SUMS(sum_g_xhat, pixels, channels, wasm_f32x4_mul(G, XHAT));
  for (int c = 0; c < channels; c++) {
    d_beta[c] = (float)sum_g[c];
    d_gamma[c] = (float)sum_g_xhat[c];
  }
  if (u->shortcut == SUBSAMPLE) {
    const int size = u->batch * u->in_height * u->in_width * u->in_channels;
    for (int n = 0; n < size; n++) d_shortcut[n] = 0.0f;
  }
  const v128_t count = wasm_f32x4_splat((float)pixels);
  for (int at = 0; at < pixels; at++) {
    for (int cv = 0; cv < channels; cv += 4) {
      const int offset = at * channels + cv;
      const v128_t g = G;
      const v128_t mean_g = wasm_f32x4_div(wasm_v128_load(d_beta + cv), count);
      const v128_t mean_g_xhat = wasm_f32x4_div(wasm_v128_load(d_gamma + cv), count);
      const v128_t inner = wasm_f32x4_sub(wasm_f32x4_sub(g, mean_g), wasm_f32x4_mul(XHAT, mean_g_xhat));
      wasm_v128_store(dx + offset, wasm_f32x4_mul(inner, wasm_v128_load(factors + channels + cv)));
      if (u->shortcut == IDENTITY) wasm_v128_store(d_shortcut + offset, g);
    }
    if (u->shortcut == SUBSAMPLE) {
      float *target = d_shortcut + subsample_source(u, at);
      const float *source = dy + at * channels + u->channel_offset;
      const float *output = y + at * channels + u->channel_offset;
      for (int c = 0; c < u->in_channels; c++) target[c] = relu && !(output[c] > 0.0f) ? 0.0f : source[c];
    }
  }
#undef XHAT
#undef G
}

/*
 * y[n] = x[indices[n]] for rows of row_bytes bytes: tf.gather along the first axis as one block copy
 * per row (tfjs-backend-wasm's Gather copies element by element: 50 ms for a batch of feature maps).
 */
EXPORT(gather_rows)
void gather_rows(const char *x, const int *indices, char *y, int count, unsigned row_bytes) {
  for (int n = 0; n < count; n++) __builtin_memcpy(y + (unsigned)n * row_bytes, x + (unsigned)indices[n] * row_bytes, row_bytes);
}
