#!/bin/sh
# Imbalance Playground's GPU bundle (npm run bench:gpu-bundle; docs/GPU.md): benches and trains the
# engine through WebGPU (Dawn on Vulkan) on this machine's GPU, with no Node.js or network needed.
#
#   ./run.sh [bench]                  find the GPU's Vulkan driver, print the adapter, then the bench of
#                                     ResNet-8 and ResNet-32 at batch 128, fused and stock (results/)
#   ./run.sh adapter                  find the driver and print the adapter, nothing else
#   ./run.sh paper [SETTING=VALUE…]   train the Paper preset (ResNet-32, 200 epochs, ERM and MFW) to a
#                                     recording: results/experiments/paper-erm-mfw-seed1.*
#   ./run.sh bench paper              both, the bench first
#   ./run.sh experiment ARGS…         npm run experiment -- ARGS… (--help lists them), in this folder
#   ./run.sh sweep ARGS…              npm run sweep -- ARGS…; its runs and --emit=commands lines use this bundle
#   ./run.sh report DIR               npm run report -- DIR: a sweep's results over seeds
#   ./run.sh help                     this text
#
# The ways to the NVIDIA Vulkan driver, tried in this order until Dawn finds an adapter, each with the
# Vulkan loader's errors and warnings shown (docs/GPU.md says why):
#   0. VK_ICD_FILENAMES / VK_DRIVER_FILES, when you set them;
#   1. libEGL_nvidia.so.0 itself as the Vulkan driver (an ICD file written for it);
#   2. libGLX_nvidia.so.0 (NVIDIA's own ICD file, or one written for it) with glvnd's libEGL from the
#      bundle and NVIDIA's EGL vendor file (found, or written), which that driver looks for first;
#   3. none: what is missing is printed, and the default Vulkan drivers (or SwiftShader) are used.
#
# Environment:
#   NETWORKS="1 5" WIDTH=1 BATCH=128 STEPS=5 METHODS=erm,mfw SUBMIT_BATCHES=0     the bench
#   (NETWORKS=1 WIDTH=0.25 BATCH=8 STEPS=1 ./run.sh: a quick bench, e.g. on a software adapter)
#   NVIDIA_LIB_DIRS=DIR:DIR      where to look for NVIDIA's libraries, instead of ldconfig's folders,
#                                LD_LIBRARY_PATH, /usr/lib/x86_64-linux-gnu, /usr/lib64, /usr/local/nvidia/lib64, …
#   NVIDIA_SHARE_DIRS=DIR:DIR    where to look for vulkan/icd.d/ and glvnd/egl_vendor.d/ files
#                                (default /usr/local/nvidia/share:/etc:/usr/share:/usr/local/share:/usr/local/etc)
#   NVIDIA_VERSION_FILE          the kernel module's version (default /proc/driver/nvidia/version)
#   ALLOW_FALLBACK=1             bench or train on a software adapter even where an NVIDIA GPU is present
#   WORK_DIR                     where it unpacks (default ${TMPDIR:-/tmp}/imbalance-playground-gpu-bundle)
#   RESULTS_DIR                  where the bench and the Paper run write (default results/ beside run.sh)
#   PAPER_NAME                   the Paper run's name (default paper-erm-mfw-seed1)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
say() { printf '%s\n' "$*" >&2; }
note() { say "$*"; printf '%s\n' "$*" >>"$state/summary"; }

case "${1:-}" in
  help | -h | --help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
esac
mode=run
do_bench=0
do_paper=0
case "${1:-}" in
  adapter | experiment | sweep | report) mode=$1; shift ;;
esac
if [ "$mode" = run ]; then
  while [ $# -gt 0 ]; do
    case "$1" in
      bench) do_bench=1; shift ;;
      paper) do_paper=1; shift; break ;; # what follows: settings of the Paper run
      *) say "run.sh: unknown mode '$1': bench, paper, adapter, experiment, sweep, report or help."; exit 2 ;;
    esac
  done
  if [ "$do_bench" = 0 ] && [ "$do_paper" = 0 ]; then do_bench=1; fi
fi

# Whether the command needs the GPU at all: not for reports, wasm or cpu runs, emitted command lines or help.
needs_gpu=1
if [ "$mode" = report ]; then needs_gpu=0; fi
if [ "$mode" = experiment ] || [ "$mode" = sweep ]; then
  previous=
  for arg in "$@"; do
    case "$arg" in --backend=wasm | --backend=cpu | --emit=commands | --help | -h | --print-config) needs_gpu=0 ;; esac
    if [ "$previous" = --backend ] || [ "$previous" = --emit ]; then case "$arg" in wasm | cpu | commands) needs_gpu=0 ;; esac; fi
    previous=$arg
  done
fi

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then say "run.sh: this bundle is for Linux on x86_64, not $(uname -s) $(uname -m)."; exit 1; fi

# --- Unpacking, once per bundle content (bundle-id), into a folder of its own ---------------------
base=${WORK_DIR:-"${TMPDIR:-/tmp}/imbalance-playground-gpu-bundle"}
id=$(cut -d' ' -f1 "$here/bundle-id")
work=$base/$id
mkdir -p "$base"
state=$base/state.$$
rm -rf "$state" && mkdir -p "$state"
: >"$state/summary"
trap 'rm -rf "$state"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

unxz_to() { # unxz_to FILE.xz TARGET
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"
  elif command -v python3 >/dev/null 2>&1; then python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  else say "run.sh: neither xz nor python3 is installed, so $1 cannot be unpacked."; exit 1
  fi
}
untar_xz() { # untar_xz FILE.tar.xz DIR
  if command -v xz >/dev/null 2>&1 && command -v tar >/dev/null 2>&1; then
    xz -dc "$1" >"$2/.tar" && tar -xf "$2/.tar" -C "$2" && rm -f "$2/.tar"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import sys,tarfile
t = tarfile.open(sys.argv[1])
t.extractall(sys.argv[2], **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))' "$1" "$2"
  else say "run.sh: neither xz and tar nor python3 is installed, so $1 cannot be unpacked."; exit 1
  fi
}
if [ ! -f "$work/.complete" ]; then
  say "unpacking the bundle into $work (once; a minute)"
  unpacking=$base/.unpacking.$$
  rm -rf "$unpacking" && mkdir -p "$unpacking/node_modules/webgpu/dist/linux-x64"
  untar_xz "$here/app.tar.xz" "$unpacking"
  if [ -f "$here/data.tar.xz" ]; then untar_xz "$here/data.tar.xz" "$unpacking"; fi
  unxz_to "$here/node.xz" "$unpacking/node" && chmod +x "$unpacking/node"
  unxz_to "$here/dawn.node.xz" "$unpacking/node_modules/webgpu/dist/linux-x64/dawn.node"
  : >"$unpacking/.complete"
  # Another run.sh (a scheduler's parallel lines) may have unpacked the same meanwhile: keep the first.
  if ! mv -T "$unpacking" "$work" 2>/dev/null; then
    if [ -f "$work/.complete" ]; then rm -rf "$unpacking"; else rm -rf "$work" && mv "$unpacking" "$work"; fi
  fi
fi
if [ -d "$work/data/cifar10" ]; then IMBALANCE_DATA_DIR=$work/data/cifar10; export IMBALANCE_DATA_DIR; fi
# The lines a sweep emits, and the command a recording names, run this bundle.
case "$here" in
  *[!A-Za-z0-9_./-]*) IMBALANCE_EXPERIMENT_COMMAND="'$(printf '%s' "$here/run.sh" | sed "s/'/'\\\\''/g")' experiment" ;;
  *) IMBALANCE_EXPERIMENT_COMMAND="$here/run.sh experiment" ;;
esac
export IMBALANCE_EXPERIMENT_COMMAND
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "${XDG_RUNTIME_DIR:-}" ]; then
  XDG_RUNTIME_DIR=$base/xdg-$(id -u) && mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR" && export XDG_RUNTIME_DIR
fi
node=$work/node
add_library_path() { # add_library_path DIR[:DIR…]: first on LD_LIBRARY_PATH, in this order, except the system's own folders
  kept=
  old_ifs=$IFS
  IFS=:
  for dir in $1; do
    case "$dir" in
      '' | /lib | /lib64 | /usr/lib | /usr/lib64 | /lib/x86_64-linux-gnu | /usr/lib/x86_64-linux-gnu) ;; # searched anyway; first, they would hide the bundled libstdc++
      *) kept="${kept:+$kept:}$dir" ;;
    esac
  done
  IFS=$old_ifs
  if [ -n "$kept" ]; then LD_LIBRARY_PATH="$kept${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; export LD_LIBRARY_PATH; fi
}
ldcache() { { ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null || true; }

# Node and Dawn with this system's libstdc++, else with the bundled one.
if ! "$node" -e 'require(process.argv[1])' "$work/node_modules/webgpu/dist/linux-x64/dawn.node" 2>"$state/load-error.txt"; then
  say "node or dawn.node does not load with this system's libraries ($(head -c 300 "$state/load-error.txt")); using the bundled libstdc++"
  add_library_path "$work/lib/stdc++"
  "$node" -e 'require(process.argv[1])' "$work/node_modules/webgpu/dist/linux-x64/dawn.node"
fi

# Dawn loads the Vulkan loader (libvulkan.so.1) by name: the bundled one where none is installed.
if ! ldcache | grep -q 'libvulkan\.so\.1'; then
  say "no Vulkan loader (libvulkan.so.1) installed: using the bundled one"
  add_library_path "$work/lib/vulkan"
fi

run_node() { "$node" "$@"; }

# --- The ways to the Vulkan driver ----------------------------------------------------------------
# A route sets route_keep (1: the caller's VK_* as they are), route_icd (an ICD file, or empty for the
# loader's default drivers), route_egl (an EGL vendor file) and route_ld (folders for LD_LIBRARY_PATH).
route_env() {
  if [ "$route_keep" != 1 ]; then
    unset VK_ICD_FILENAMES VK_DRIVER_FILES
    if [ -n "$route_icd" ]; then VK_ICD_FILENAMES=$route_icd; VK_DRIVER_FILES=$route_icd; export VK_ICD_FILENAMES VK_DRIVER_FILES; fi
  fi
  if [ -n "$route_egl" ]; then __EGL_VENDOR_LIBRARY_FILENAMES=$route_egl; export __EGL_VENDOR_LIBRARY_FILENAMES; fi
  if [ -n "$route_ld" ]; then add_library_path "$route_ld"; fi
}
timeout_cmd=
if command -v timeout >/dev/null 2>&1; then timeout_cmd="timeout ${PROBE_TIMEOUT:-120}"; fi
adapter=
# Asks Dawn for an adapter and a device with the route's environment; the loader's messages go to stderr.
probe() {
  set +e
  adapter=$(route_env; VK_LOADER_DEBUG=error,warn $timeout_cmd "$node" "$work/adapter.mjs")
  status=$?
  set -e
  case $status in
    0) say "  -> adapter: $adapter" ;;
    3) say "  -> no adapter" ;;
    124) say "  -> no adapter: the adapter request did not finish in ${PROBE_TIMEOUT:-120} s" ;;
    *) say "  -> no adapter: ${adapter:-the probe exited with status $status}" ;;
  esac
  return $status
}

search_dirs() { # the folders searched for NVIDIA's libraries, one per line
  if [ -n "${NVIDIA_LIB_DIRS:-}" ]; then printf '%s\n' "$NVIDIA_LIB_DIRS" | tr ':' '\n'; return; fi
  ldcache | awk '/(libcuda\.so|libEGL_nvidia|libGLX_nvidia|libnvidia-)/ { print $NF }' | while IFS= read -r path; do dirname "$path"; done
  printf '%s\n' "${LD_LIBRARY_PATH:-}" | tr ':' '\n'
  printf '%s\n' /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/local/nvidia/lib /usr/lib/wsl/lib /usr/lib
}
lib_dirs=$(search_dirs | awk 'NF && !seen[$0]++')
find_lib() { # find_lib PATTERN: the first file matching it in the library folders
  printf '%s\n' "$lib_dirs" | while IFS= read -r dir; do
    for file in "$dir"/$1; do if [ -e "$file" ]; then printf '%s\n' "$file"; exit 0; fi; done
  done | head -n 1
}
share_dirs=${NVIDIA_SHARE_DIRS:-/usr/local/nvidia/share:/etc:/usr/share:/usr/local/share:/usr/local/etc}
find_json() { # find_json SUBDIR PATTERN: the first file matching it under the share folders
  printf '%s\n' "$share_dirs" | tr ':' '\n' | while IFS= read -r dir; do
    for file in "$dir/$1"/$2; do if [ -f "$file" ]; then printf '%s\n' "$file"; exit 0; fi; done
  done | head -n 1
}
write_icd() { # write_icd FILE LIBRARY
  printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$2" >"$1"
}
version_of() { # the version in a library's file name (…so.550.163.01), following links
  [ -n "$1" ] || return 0
  readlink -f "$1" | sed -n 's/.*\.so\.\([0-9][0-9]*\.[0-9][0-9.]*\)$/\1/p'
}

# The driver: the kernel module's version, and that of the user-space libraries, which must equal it.
version_file=${NVIDIA_VERSION_FILE:-/proc/driver/nvidia/version}
kernel_version=
if [ -r "$version_file" ]; then
  kernel_version=$(awk '/NVRM/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+(\.[0-9]+)?$/) { print $i; exit } }' "$version_file")
fi
egl=$(find_lib libEGL_nvidia.so.0)
glx=$(find_lib libGLX_nvidia.so.0)
eglcore=$(find_lib 'libnvidia-eglcore.so.*')
glcore=$(find_lib 'libnvidia-glcore.so.*')
spirv=$(find_lib 'libnvidia-glvkspirv.so.*')
cuda=$(find_lib 'libcuda.so.1')
library_version=
for library in "$eglcore" "$glcore" "$glx" "$egl" "$cuda"; do
  if [ -z "$library_version" ]; then library_version=$(version_of "$library"); fi
done
gpu_present=0
if [ -n "$kernel_version" ] || [ -e /dev/nvidiactl ]; then gpu_present=1; fi

route=
route_keep=0 route_icd= route_egl= route_ld=
find_route() {
  say "Finding the GPU's Vulkan driver (library folders: $(printf '%s' "$lib_dirs" | tr '\n' ':'))"
  if [ -n "$kernel_version" ]; then note "NVIDIA driver: kernel module $kernel_version ($version_file)"
  elif [ -e /dev/nvidiactl ]; then note "NVIDIA driver: /dev/nvidiactl is present but $version_file is not readable"
  else note "NVIDIA driver: none ($version_file is absent: no NVIDIA kernel module visible here)"
  fi
  if [ -n "$library_version" ]; then
    say "NVIDIA user-space libraries: version $library_version"
    if [ -n "$kernel_version" ] && [ "$library_version" != "$kernel_version" ]; then
      note "warning: the libraries ($library_version) differ from the kernel module ($kernel_version): NVIDIA's driver refuses any difference, even a patch level"
    fi
  fi
  if command -v nvidia-smi >/dev/null 2>&1; then
    smi=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -n 4 || true)
    note "nvidia-smi: $smi"
  fi

  if [ -n "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]; then
    say "route 0: the Vulkan driver you chose (VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-} VK_DRIVER_FILES=${VK_DRIVER_FILES:-})"
    route_keep=1 route_icd= route_egl= route_ld=
    if probe; then route="0 (VK_ICD_FILENAMES/VK_DRIVER_FILES as set)"; return 0; fi
    route_keep=0
  else
    say "route 0: skipped (neither VK_ICD_FILENAMES nor VK_DRIVER_FILES is set)"
  fi

  say "route 1: libEGL_nvidia.so.0 itself as the Vulkan driver (needs libnvidia-eglcore beside it; no glvnd, no X11)"
  if [ -n "$egl" ]; then
    if [ -z "$eglcore" ]; then say "  warning: no libnvidia-eglcore.so.* in the library folders: libEGL_nvidia needs it"; fi
    if [ -z "$spirv" ]; then say "  warning: no libnvidia-glvkspirv.so.*: NVIDIA's Vulkan driver fails to create an instance without it"; fi
    write_icd "$state/nvidia_egl_icd.json" "$egl"
    say "  ICD file $state/nvidia_egl_icd.json, library_path $egl"
    route_icd=$state/nvidia_egl_icd.json route_egl= route_ld=$(dirname "$egl")
    if probe; then route="1 (libEGL_nvidia.so.0 as the ICD: $egl)"; return 0; fi
  else
    say "  skipped: no libEGL_nvidia.so.0 in the library folders"
  fi

  say "route 2: libGLX_nvidia.so.0 with glvnd's libEGL (bundled) and NVIDIA's EGL vendor file"
  if [ -n "$glx" ]; then
    icd=$(find_json vulkan/icd.d 'nvidia*.json')
    if [ -n "$icd" ]; then say "  ICD file $icd (NVIDIA's)"
    else
      icd=$state/nvidia_glx_icd.json
      write_icd "$icd" "$glx"
      say "  no NVIDIA ICD file under $share_dirs: wrote $icd, library_path $glx"
    fi
    vendor=$(find_json glvnd/egl_vendor.d '*nvidia*.json')
    if [ -n "$vendor" ]; then say "  EGL vendor file $vendor (NVIDIA's)"
    else
      vendor=$state/10_nvidia.json
      printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s" } }\n' "${egl:-libEGL_nvidia.so.0}" >"$vendor"
      say "  no NVIDIA EGL vendor file under $share_dirs: wrote $vendor, library_path ${egl:-libEGL_nvidia.so.0}"
    fi
    if [ -z "$egl" ]; then say "  warning: no libEGL_nvidia.so.0 found: the vendor file names it, and the driver goes on to it"; fi
    glvnd=$work/lib/glvnd
    if [ ! -f "$glvnd/libEGL.so.1" ]; then glvnd=; say "  the bundle carries no glvnd libEGL: using the system's"; fi
    route_icd=$icd route_egl=$vendor route_ld="${glvnd:+$glvnd:}$(dirname "$glx")"
    say "  __EGL_VENDOR_LIBRARY_FILENAMES=$vendor, LD_LIBRARY_PATH starts with $route_ld"
    if probe; then route="2 (libGLX_nvidia.so.0 with glvnd's EGL: $icd, $vendor)"; return 0; fi
  else
    say "  skipped: no libGLX_nvidia.so.0 in the library folders"
  fi

  if [ -n "$egl$glx" ]; then say "route 3: NVIDIA's graphics libraries are here but their Vulkan driver did not start (the loader's messages above say why)"
  else say "route 3: no NVIDIA graphics library here (libEGL_nvidia.so.0, libGLX_nvidia.so.0)"
  fi
  if [ "$gpu_present" = 1 ]; then
    say "  NVIDIA's Vulkan driver needs, of exactly the kernel module's version (${kernel_version:-see nvidia-smi}):"
    say "  libEGL_nvidia.so.0, libnvidia-eglcore, libnvidia-glsi, libnvidia-glvkspirv (and libGLX_nvidia, libnvidia-glcore for route 2)."
    say "  In a container, NVIDIA's container toolkit mounts them only with the graphics capability:"
    say "  NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics (or all); or carry them, unmodified with NVIDIA's licence,"
    say "  from the driver package of that exact version, and point NVIDIA_LIB_DIRS at them (docs/GPU.md)."
  fi
  say "  falling back to the Vulkan drivers the loader finds by itself"
  route_keep=0 route_icd= route_egl= route_ld=
  if probe; then route="3 (no NVIDIA route: the loader's default drivers)"; return 0; fi
  for swiftshader in /usr/lib/chromium/vk_swiftshader_icd.json /usr/share/vulkan/icd.d/vk_swiftshader_icd.json; do
    if [ -f "$swiftshader" ]; then
      say "  and to SwiftShader ($swiftshader)"
      route_icd=$swiftshader
      if probe; then route="3 (no NVIDIA route: SwiftShader, $swiftshader)"; return 0; fi
    fi
  done
  return 1
}

if [ "$needs_gpu" = 1 ]; then
  if ! find_route; then
    note "no WebGPU adapter: no route to a Vulkan driver worked (the loader's messages above say why; VK_LOADER_DEBUG=all shows more)"
    if [ "$mode" = experiment ] || [ "$mode" = sweep ]; then note "(--backend=wasm trains on the CPU without one)"; fi
    exit 2
  fi
  route_env
  note "route: $route"
  note "adapter: $adapter"
  case "$adapter" in
    *isFallbackAdapter=true*)
      note "that is a software (fallback) adapter: the CPU emulates a GPU, so its speed says nothing about a GPU"
      if [ "$gpu_present" = 1 ] && [ "${ALLOW_FALLBACK:-0}" != 1 ] && [ "$mode" != adapter ]; then
        note "run.sh: an NVIDIA GPU is present but only a software adapter was found: stopping (ALLOW_FALLBACK=1 goes on)"
        exit 2
      fi
      ;;
  esac
fi

case "$mode" in
  adapter) exit 0 ;;
  experiment) run_node "$work/experiment.mjs" "$@"; exit $? ;;
  sweep) run_node "$work/sweep.mjs" "$@"; exit $? ;;
  report) run_node "$work/report.mjs" "$@"; exit $? ;;
esac

# --- The bench and the Paper preset ------------------------------------------------------------------
results=${RESULTS_DIR:-$here/results}
mkdir -p "$results"
stamp=$(date +%Y%m%d-%H%M%S)
status=0

if [ "$do_bench" = 1 ]; then
  NETWORKS=${NETWORKS:-"1 5"} # blocks per stage: ResNet-8, ResNet-32
  WIDTH=${WIDTH:-1}
  BATCH=${BATCH:-128}
  STEPS=${STEPS:-5}
  METHODS=${METHODS:-erm,mfw} # each alone (ERM: one lane), then ERM + MFW in lockstep (the default two lanes)
  SUBMIT_BATCHES=${SUBMIT_BATCHES:-0} # 0: the engine's choice
  out=$results/bench-$stamp.txt
  say "the bench's output also goes to $out"
  {
    echo "# $(uname -a)"
    sed 's/^/# /' "$state/summary"
    for blocks in $NETWORKS; do
      for submit in $SUBMIT_BATCHES; do
        run_node "$work/bench.mjs" --backends=webgpu --methods="$METHODS" --blocks="$blocks" --width="$WIDTH" --batch="$BATCH" --fused=both --profile --submit-batch="$submit" --json
        run_node "$work/bench.mjs" --backends=webgpu --methods="$METHODS" --blocks="$blocks" --width="$WIDTH" --batch="$BATCH" --fused=both --steps="$STEPS" --submit-batch="$submit" --json
      done
    done
  } 2>&1 | tee "$out"
  # One line per network and variant: images/s with one lane (ERM) and with the default two (ERM + MFW).
  run_node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter((l) => l.startsWith("{\"results\""));
    const rows = lines.flatMap((l) => JSON.parse(l).results);
    if (rows.length === 0) { console.log("\nno timings: the bench measured nothing (see above)"); process.exit(0); }
    console.log("\nTraining images/s (lockstep counts each image once, both lanes training on it):");
    const keys = [...new Set(rows.map((r) => `${r.blocks}|${r.width}|${r.batch}|${r.fused}`))];
    for (const key of keys) {
      const [blocks, width, batch, fused] = key.split("|");
      const of = (method) => rows.find((r) => `${r.blocks}|${r.width}|${r.batch}|${r.fused}` === key && r.method === method);
      const figure = (r) => (r ? r.trainImagesPerSecond.toFixed(1) : "–");
      console.log(`  ResNet-${6 * blocks + 2} width ${width} batch ${batch} ${fused === "true" ? "fused" : "stock"}: one lane (ERM) ${figure(of("erm"))}, two lanes (ERM + MFW) ${figure(of("lockstep"))}`);
    }
  ' "$out" | tee -a "$out"
fi

if [ "$do_paper" = 1 ]; then
  PAPER_NAME=${PAPER_NAME:-paper-erm-mfw-seed1}
  log=$results/$PAPER_NAME.log
  say "training the Paper preset into $results/experiments/$PAPER_NAME.json and .recording.json (its output also in $log)"
  started=$(date +%s)
  {
    sed 's/^/# /' "$state/summary"
    set +e
    (cd "$results" && run_node "$work/experiment.mjs" blocksPerStage=5 epochs=200 "$@" --backend=webgpu --recording --name="$PAPER_NAME")
    echo $? >"$state/paper-status"
    set -e
  } 2>&1 | tee "$log"
  status=$(cat "$state/paper-status")
  say "the Paper run ended with status $status after $(($(date +%s) - started)) s of wall time"
fi
exit "$status"
