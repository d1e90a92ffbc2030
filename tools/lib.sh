#!/usr/bin/env bash
# Shared by tools/demo and tools/test: install missing Debian packages, configure and build.
# Sourced, not run. Honours SHADECAST_NO_INSTALL=1 (skip installs) and SHADECAST_BUILD_DIR.

SHADECAST_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHADECAST_BUILD_DIR="${SHADECAST_BUILD_DIR:-$SHADECAST_ROOT/build}"

# Every Debian package the build, the tests and the demo need.
SHADECAST_PACKAGES=(
  build-essential cmake pkg-config ccache
  libceres-dev libgoogle-glog-dev libgflags-dev libeigen3-dev
  libopencv-dev libopencv-contrib-dev
  liblcms2-dev libjpeg-dev
  libprotobuf-dev protobuf-compiler
  libsqlite3-dev
  catch2 libcli11-dev nlohmann-json3-dev
  libsodium-dev  # argon2id password hashes of the staff accounts
  libcpp-httplib-dev  # shadecast serve (pulls libssl-dev, zlib1g-dev, libbrotli-dev for its pkg-config)
  argyll  # iccdump: the calibration tests check the ICC profiles with ArgyllCMS
  openssl  # the TLS tests of shadecast serve make a throwaway certificate
)
# The sanitizer build and the fuzz targets (tools/sanitize, tools/fuzz): clang-14 and its runtime
# (libclang-rt-14-dev is only a Recommends of clang-14, so it is named here).
SHADECAST_SANITIZER_PACKAGES=(clang-14 libclang-rt-14-dev)
SHADECAST_ASAN_DIR="${SHADECAST_ASAN_DIR:-$SHADECAST_ROOT/build-asan}"

shadecast_log() { printf '[shadecast] %s\n' "$*" >&2; }

shadecast_missing_packages() {
  local p status
  for p in "${SHADECAST_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = "installed" ] || printf '%s\n' "$p"
  done
}

shadecast_install_deps() {
  if [ "${SHADECAST_NO_INSTALL:-0}" = "1" ]; then
    shadecast_log "SHADECAST_NO_INSTALL=1: not checking or installing packages"
    return 0
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    shadecast_log "dpkg-query not found: this script installs Debian packages; install by hand: ${SHADECAST_PACKAGES[*]}"
    return 0
  fi
  local missing
  mapfile -t missing < <(shadecast_missing_packages)
  [ "${#missing[@]}" -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      shadecast_log "missing Debian packages: ${missing[*]}"
      shadecast_log "not root and no password-less sudo: run as root, or install them with"
      shadecast_log "  sudo apt-get install --no-install-recommends ${missing[*]}"
      shadecast_log "or set SHADECAST_NO_INSTALL=1 if they are provided another way"
      return 1
    fi
  fi
  shadecast_log "installing ${#missing[@]} missing Debian packages: ${missing[*]}"
  shadecast_log "(with their dependencies this is typically 300-600 MB to download on a fresh machine)"
  export DEBIAN_FRONTEND=noninteractive
  local lock=(-o DPkg::Lock::Timeout=300)
  "${sudo[@]}" apt-get "${lock[@]}" update -q || { shadecast_log "apt-get update failed"; return 1; }
  "${sudo[@]}" apt-get "${lock[@]}" install -y -q --no-install-recommends "${missing[@]}" \
    || { shadecast_log "apt-get install failed for: ${missing[*]}"; return 1; }
}

# ccache keyed on paths relative to the repo, so a fresh clone elsewhere still hits.
shadecast_ccache_env() {
  if command -v ccache >/dev/null 2>&1; then
    export CCACHE_BASEDIR="$SHADECAST_ROOT"
    export CCACHE_NOHASHDIR=1
  fi
}

shadecast_build() {
  local launcher=()
  shadecast_ccache_env
  local jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  if [ ! -f "$SHADECAST_BUILD_DIR/CMakeCache.txt" ]; then
    shadecast_log "configuring into $SHADECAST_BUILD_DIR"
    cmake -S "$SHADECAST_ROOT" -B "$SHADECAST_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2 || return 1
  fi
  shadecast_log "building with $jobs jobs"
  cmake --build "$SHADECAST_BUILD_DIR" -j"$jobs" >&2 || return 1
}

# build-asan/: clang-14, ASan + UBSan (-O1, no recovery), the libFuzzer targets, no benches.
shadecast_build_asan() {
  shadecast_ccache_env
  local jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  if [ ! -f "$SHADECAST_ASAN_DIR/CMakeCache.txt" ]; then
    shadecast_log "configuring the sanitizer build into $SHADECAST_ASAN_DIR"
    cmake -S "$SHADECAST_ROOT" -B "$SHADECAST_ASAN_DIR" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DSHADECAST_SANITIZE=ON -DSHADECAST_FUZZ=ON -DSHADECAST_BUILD_BENCH=OFF >&2 \
      || return 1
  fi
  shadecast_log "building the sanitizer build with $jobs jobs"
  cmake --build "$SHADECAST_ASAN_DIR" -j"$jobs" "$@" >&2 || return 1
}
