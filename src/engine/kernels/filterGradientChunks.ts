/**
 * How the two-pass filter gradients (webgl/filterGradient.ts, webgpu/filterGradient.ts) split the
 * output pixels of a 3×3 convolution into chunks: the first pass writes one partial sum per chunk and
 * filter element, the second adds the chunks in order.
 */
export interface FilterGradientChunks {
  height: number;
  width: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  /** Output pixels over the batch: batch × outHeight × outWidth. */
  rows: number;
  chunkRows: number;
  chunks: number;
}

/** The chunking for x [B, H, W, C_in] and dy [B, H_out, W_out, C_out]; throws when dy is not the stride-s output of x. */
export function filterGradientChunks(xShape: readonly number[], dyShape: readonly number[], stride: number, rowsPerChunk: number): FilterGradientChunks {
  const [batch, height, width, inChannels] = xShape;
  const [dyBatch, outHeight, outWidth, outChannels] = dyShape;
  if (dyBatch !== batch || outHeight !== Math.ceil(height / stride) || outWidth !== Math.ceil(width / stride)) {
    throw new Error(`filter gradient: dy [${dyShape}] is not the output of a 3×3 stride-${stride} convolution of x [${xShape}].`);
  }
  const rows = batch * outHeight * outWidth;
  const chunkRows = Math.max(1, Math.min(rows, rowsPerChunk));
  return { height, width, inChannels, outHeight, outWidth, outChannels, rows, chunkRows, chunks: Math.ceil(rows / chunkRows) };
}
