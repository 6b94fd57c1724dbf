#!/bin/sh
# Runs the engine's WebGPU benchmark on this machine's GPU, without Node.js or a network: unpacks
# the bundled node binary and Dawn (dawn.node), finds a Vulkan driver, prints the adapter and the
# bench of ResNet-8 and ResNet-32 at batch 128, fused and stock, and keeps the output in results/.
#
#   ./run.sh                      the real measurement (several minutes on a GPU)
#   NETWORKS=1 WIDTH=0.25 BATCH=8 STEPS=1 ./run.sh      a quick check (e.g. on a software adapter)
#   SUBMIT_BATCHES="15 60" ./run.sh                     also compare dispatches per queue submit
set -eu

here=$(cd "$(dirname "$0")" && pwd)
NETWORKS=${NETWORKS:-"1 5"}   # blocks per stage: ResNet-8, ResNet-32
WIDTH=${WIDTH:-1}
BATCH=${BATCH:-128}
STEPS=${STEPS:-5}
SUBMIT_BATCHES=${SUBMIT_BATCHES:-0}   # 0: the engine's choice
work=${WORK_DIR:-"${TMPDIR:-/tmp}/imbalance-playground-gpu-bench"}

say() { printf '%s\n' "$*" >&2; }
ldcache() { { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true; }

unxz_to() { # unxz_to FILE.xz TARGET
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  else say "run.sh: neither xz nor python3 is installed, so $1 cannot be unpacked."; exit 1
  fi
}

mkdir -p "$work/node_modules/webgpu/dist/linux-x64" "$here/results"
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then say "run.sh: this bundle is for Linux on x86_64, not $(uname -s) $(uname -m)."; exit 1; fi
say "unpacking node and dawn.node into $work"
unxz_to "$here/node.xz" "$work/node" && chmod +x "$work/node"
unxz_to "$here/dawn.node.xz" "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
cp "$here/bench.mjs" "$work/"
cp "$here/webgpu/index.js" "$here/webgpu/package.json" "$work/node_modules/webgpu/"

# The Vulkan driver: an explicit VK_ICD_FILENAMES / VK_DRIVER_FILES wins; otherwise NVIDIA's ICD
# from the usual places, or one written for the driver library when only the library is present
# (containers started without the graphics capability often lack the JSON).
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  for dir in /etc/vulkan/icd.d /usr/share/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/etc/vulkan/icd.d; do
    for icd in "$dir"/nvidia*.json; do
      if [ -f "$icd" ]; then VK_ICD_FILENAMES=$icd; break 2; fi
    done
  done
fi
if [ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
  lib=$(ldcache | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}')
  for candidate in /usr/lib/x86_64-linux-gnu/libGLX_nvidia.so.0 /usr/lib64/libGLX_nvidia.so.0 /usr/lib/libGLX_nvidia.so.0; do
    if [ -z "$lib" ] && [ -f "$candidate" ]; then lib=$candidate; fi
  done
  if [ -n "$lib" ]; then
    printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$lib" >"$work/nvidia_icd.json"
    VK_ICD_FILENAMES="$work/nvidia_icd.json"
    say "no NVIDIA Vulkan ICD file found; wrote one for $lib"
  fi
fi
if [ -n "${VK_ICD_FILENAMES:-}" ]; then export VK_ICD_FILENAMES; say "Vulkan driver: $VK_ICD_FILENAMES"
elif [ -n "${VK_DRIVER_FILES:-}" ]; then say "Vulkan driver: $VK_DRIVER_FILES"
else say "no NVIDIA Vulkan driver found: Dawn will use whatever Vulkan driver the loader offers (if any)"
fi
if ! ldcache | grep -q 'libvulkan\.so\.1'; then
  say "no Vulkan loader (libvulkan.so.1) installed: using the bundled one"
  LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
fi
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2 || true

cd "$work"
if ! ./node -e 'require("./node_modules/webgpu/dist/linux-x64/dawn.node")' 2>"$work/load-error.txt"; then
  say "dawn.node does not load with this system's libraries ($(head -c 300 "$work/load-error.txt")); retrying with the bundled libstdc++"
  LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
  ./node -e 'require("./node_modules/webgpu/dist/linux-x64/dawn.node")'
fi

# One adapter request first: without an adapter every bench below would only say "skipped".
if ! ./node -e '
  const { create } = require("./node_modules/webgpu/index.js");
  create([]).requestAdapter().then((adapter) => {
    if (!adapter) process.exit(3);
    const i = adapter.info;
    console.error(`WebGPU adapter: ${i.vendor} ${i.architecture} ${i.device} ${i.description}`.trim());
    process.exit(0);
  }, () => process.exit(3));
'; then
  say "run.sh: Dawn found no WebGPU adapter: the Vulkan driver did not start (its loader's messages are above; VK_LOADER_DEBUG=driver ./run.sh shows more)."
  say "Seen on a GPU container with CUDA but no /dev/nvidia-modeset: the NVIDIA Vulkan driver failed to initialise (VK_ERROR_INITIALIZATION_FAILED)."
  exit 2
fi

stamp=$(date +%Y%m%d-%H%M%S)
out="$here/results/bench-$stamp.txt"
say "results also go to $out"
{
  echo "# $(uname -a)"
  for blocks in $NETWORKS; do
    for submit in $SUBMIT_BATCHES; do
      ./node bench.mjs --backends=webgpu --blocks="$blocks" --width="$WIDTH" --batch="$BATCH" --fused=both --profile --submit-batch="$submit" --json
      ./node bench.mjs --backends=webgpu --blocks="$blocks" --width="$WIDTH" --batch="$BATCH" --fused=both --steps="$STEPS" --submit-batch="$submit" --json
    done
  done
} 2>&1 | tee "$out"
