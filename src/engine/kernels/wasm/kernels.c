/*
 * The wasm backend's own training kernels, in WebAssembly SIMD (128 bits: 4 float32 lanes). They
 * run on tfjs-backend-wasm's tensors in place: this module imports tfjs's memory, and every pointer
 * is a tensor's offset in it. No stack, no static data (scripts/build-wasm-kernels.sh checks), so
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
 * while every tile passes over them.
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
        for (; c0 + 4 <= cin; c0 += 4) {
          int o0 = 0;
          for (; o0 + 16 <= cout; o0 += 16)
            filter_tile(x, dy, acc, first, last, height, width, cin, out_height, out_width, cout, stride, p, q, c0, o0, 4, 4);
          for (; o0 < cout; o0 += 4)
            filter_tile(x, dy, acc, first, last, height, width, cin, out_height, out_width, cout, stride, p, q, c0, o0, 4, 1);
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

/*
 * Training-mode batch norm of x [pixels, channels] (channels a multiple of 4): the batch's mean and
 * biased variance (two passes: the variance of x − mean), and y = (x − mean)·γ/√(var + ε) + β.
 * sums: 2·channels float64 of scratch.
 */
EXPORT(batch_norm_forward)
void batch_norm_forward(const float *x, const float *gamma, const float *beta, float *y, float *mean, float *variance,
                        double *sums, int pixels, int channels, float epsilon) {
  double *sum = sums, *squares = sums + channels;
  CHANNEL_SUMS(sum, pixels, channels, wasm_v128_load(x + offset));
  for (int c = 0; c < channels; c++) mean[c] = (float)(sum[c] / pixels);
  CHANNEL_SUMS(squares, pixels, channels, ({
                 const v128_t centred = wasm_f32x4_sub(wasm_v128_load(x + offset), wasm_v128_load(mean + cv));
                 wasm_f32x4_mul(centred, centred);
               }));
  for (int c = 0; c < channels; c++) variance[c] = (float)(squares[c] / pixels);
  for (int at = 0; at < pixels; at++) {
    for (int cv = 0; cv < channels; cv += 4) {
      const v128_t scale = wasm_f32x4_div(wasm_v128_load(gamma + cv),
                                          wasm_f32x4_sqrt(wasm_f32x4_add(wasm_v128_load(variance + cv), wasm_f32x4_splat(epsilon))));
      const v128_t centred = wasm_f32x4_sub(wasm_v128_load(x + at * channels + cv), wasm_v128_load(mean + cv));
      wasm_v128_store(y + at * channels + cv, wasm_f32x4_add(wasm_f32x4_mul(centred, scale), wasm_v128_load(beta + cv)));
    }
  }
}

/*
 * The gradient of training-mode batch norm, with x̂ = (x − mean)/√(var + ε) and m = pixels:
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/√(var + ε) · (dy − dβ/m − x̂·dγ/m).
 * sums: 2·channels float64 of scratch.
 */
EXPORT(batch_norm_backward)
void batch_norm_backward(const float *dy, const float *x, const float *gamma, const float *mean, const float *variance,
                         float *dx, float *d_gamma, float *d_beta, double *sums, int pixels, int channels, float epsilon) {
  double *sum_dy = sums, *sum_dy_xhat = sums + channels;
#define INVERSE_STD wasm_f32x4_div(wasm_f32x4_splat(1.0f), wasm_f32x4_sqrt(wasm_f32x4_add(wasm_v128_load(variance + cv), wasm_f32x4_splat(epsilon))))
#define XHAT wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(x + offset), wasm_v128_load(mean + cv)), INVERSE_STD)
  CHANNEL_SUMS(sum_dy, pixels, channels, wasm_v128_load(dy + offset));
  CHANNEL_SUMS(sum_dy_xhat, pixels, channels, wasm_f32x4_mul(wasm_v128_load(dy + offset), XHAT));
  for (int c = 0; c < channels; c++) {
    d_beta[c] = (float)sum_dy[c];
    d_gamma[c] = (float)sum_dy_xhat[c];
  }
  for (int at = 0; at < pixels; at++) {
    for (int cv = 0; cv < channels; cv += 4) {
      const int offset = at * channels + cv;
      const v128_t count = wasm_f32x4_splat((float)pixels);
      const v128_t mean_dy = wasm_f32x4_div(wasm_v128_load(d_beta + cv), count);
      const v128_t mean_dy_xhat = wasm_f32x4_div(wasm_v128_load(d_gamma + cv), count);
      const v128_t inner = wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(dy + offset), mean_dy), wasm_f32x4_mul(XHAT, mean_dy_xhat));
      wasm_v128_store(dx + offset, wasm_f32x4_mul(inner, wasm_f32x4_mul(wasm_v128_load(gamma + cv), INVERSE_STD)));
    }
  }
#undef XHAT
#undef INVERSE_STD
}
