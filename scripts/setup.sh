#!/usr/bin/env bash
# Installs everything GRYPHGEN's local mode needs on a fresh Debian 12 (bookworm) machine, idempotently:
# PostgreSQL 15 with pgvector (built from Debian's source package), Redis, bubblewrap, python3-pytest, podman
# with the container sandbox's image (built from Debian packages: no registry is needed), llama-server (built from the llama.cpp source carried by the node-llama-cpp npm package) and the tiny
# random-weight test model; with --containers also containers mode's images (PostgreSQL, Redis, llama-server), from
# Debian packages and the builds above. Built artefacts are cached under $GRYPHGEN_CACHE (default ~/.cache/gryphgen),
# outside the clone, so a machine pays each build once.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${GRYPHGEN_CACHE:-$HOME/.cache/gryphgen}
pg_bin=/usr/lib/postgresql/15/bin
node_llama_cpp_version=3.21.1
mkdir -p "$cache/bin" "$cache/models"

log() { printf '[setup] %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_debian_packages() {
  local wanted=(build-essential cmake git postgresql-15 postgresql-server-dev-15 redis-server bubblewrap
                python3-pytest python3-numpy util-linux podman runc debootstrap uidmap slirp4netns fuse-overlayfs
                docker-registry curl golang-github-containernetworking-plugin-dnsname)
  # The dnsname plugin lets containers on one podman network (CNI) find each other by name, as the service images do.
  # npm comes with Node.js where it was installed from elsewhere; only then is Debian's package not needed.
  command -v npm >/dev/null || wanted+=(npm)
  local missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

install_pgvector() {
  if [ -f "$("$pg_bin/pg_config" --sharedir)/extension/vector.control" ]; then
    log "pgvector already installed"; return
  fi
  log "building pgvector from Debian's trixie source package"
  local apt_dir; apt_dir=$(mktemp -d)
  local mirror; mirror=$(debian_mirror)
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/parts"
  cat >"$apt_dir/parts/trixie-src.sources" <<EOF
Types: deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  local opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/parts"
              -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
              -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root)
  as_root apt-get "${opts[@]}" update -qq
  (cd "$apt_dir" && as_root apt-get "${opts[@]}" source -qq pgvector >/dev/null)
  local src; src=$(find "$apt_dir" -maxdepth 1 -type d -name 'pgvector-*' | head -n1)
  make -s -C "$src" PG_CONFIG="$pg_bin/pg_config" >/dev/null
  as_root make -s -C "$src" PG_CONFIG="$pg_bin/pg_config" install >/dev/null
  rm -rf "$apt_dir"
}

debian_mirror() {
  local mirror
  mirror=$(grep -hoE '^URIs:[[:space:]]+\S+' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n1 | awk '{print $2}')
  [ -n "$mirror" ] || mirror=$(grep -hoE '^deb\s+\S+' /etc/apt/sources.list 2>/dev/null | head -n1 | awk '{print $2}')
  echo "${mirror:-http://deb.debian.org/debian}"
}

# crun, podman's default runtime, fails on cgroup v1 hybrid hosts; runc works. The hard limits on open files and
# processes cannot be raised in some hosts, so podman's defaults (above them) are lowered. Written only where no
# containers.conf exists: an administrator's own is left as it is (and then must say the same, or runs fail).
configure_podman() {
  local conf=/etc/containers/containers.conf
  local wanted='[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"'
  if [ ! -f "$conf" ]; then
    log "writing $conf (runtime runc, lowered default ulimits)"
    as_root mkdir -p /etc/containers
    printf '%s\n' "$wanted" | as_root tee "$conf" >/dev/null
  elif [ "$(cat "$conf")" != "$wanted" ]; then
    log "keeping the existing $conf (it must choose runtime runc where crun fails, and ulimits within the hard limits)"
  fi
}

# The debootstrap base every image here starts FROM (no registry can be reached): Debian bookworm from the
# machine's own mirror.
build_base_image() {
  as_root podman image exists localhost/bookworm-min && return
  log "building localhost/bookworm-min with debootstrap (about a minute)"
  local rootfs; rootfs=$(mktemp -d)
  as_root debootstrap --variant=minbase bookworm "$rootfs" "$(debian_mirror)" >/dev/null
  as_root tar -C "$rootfs" -c . | as_root podman import - localhost/bookworm-min >/dev/null
  as_root rm -rf "$rootfs"
}

# build_image IMAGE TAG CONTAINERFILE [FILE...]: IMAGE:TAG from scripts/images/CONTAINERFILE on the base, with the
# machine's apt sources and FILEs in its context. Also tagged with a stamp of the Containerfile and the files, so a
# change builds anew and no change costs nothing; images of earlier stamps are removed (hundreds of MB each).
build_image() {
  local image=$1 tag=$2 containerfile=$repo_root/scripts/images/$3; shift 3
  local stamp; stamp=$(cat "$containerfile" "$@" | sha256sum | cut -c1-12)
  if as_root podman image exists "$image:$stamp"; then
    as_root podman tag "$image:$stamp" "$image:$tag"
    log "image: $image:$tag ($stamp)"; return
  fi
  build_base_image
  log "building $image:$tag ($stamp) from $containerfile"
  local context; context=$(mktemp -d)
  cp /etc/apt/sources.list.d/debian.sources "$context/debian.sources"
  [ $# -eq 0 ] || cp -L "$@" "$context/"
  as_root podman build -q --network host -f "$containerfile" -t "$image:$stamp" -t "$image:$tag" "$context" >/dev/null
  rm -rf "$context"
  as_root podman images --format '{{.Repository}}:{{.Tag}}' "$image" | grep -vxF -e "$image:$stamp" -e "$image:$tag" \
    | as_root xargs -r podman rmi >/dev/null || true
  log "image: $image:$tag ($stamp)"
}

# Containers mode's infrastructure, for hosts that reach no registry (Gryphgen:Images:* point at these): PostgreSQL 15
# with the pgvector build local mode uses, Redis, and the llama-server built below. Only with --containers.
build_infrastructure_images() {
  local pkglib share
  pkglib=$("$pg_bin/pg_config" --pkglibdir); share=$("$pg_bin/pg_config" --sharedir)/extension
  build_image localhost/gryphgen-postgres 15 postgres.Containerfile "$repo_root/scripts/images/postgres-entrypoint.sh" \
    "$pkglib/vector.so" "$share"/vector.control "$share"/vector--*.sql
  build_image localhost/gryphgen-redis 7 redis.Containerfile
  build_image localhost/gryphgen-llama server llama.Containerfile "$cache/bin/llama-server"
  build_dotnet_base_image
}

# An unauthenticated registry for the service images' base, on loopback only: the SDK's container support reads base
# images from a registry, never from the local engine. Debian's docker-registry, its storage in the cache.
registry=127.0.0.1:5000
start_loopback_registry() {
  if curl -fsS "http://$registry/v2/" >/dev/null 2>&1; then log "registry: $registry"; return; fi
  mkdir -p "$cache/registry"
  cat >"$cache/registry/config.yml" <<EOF2
version: 0.1
storage:
  filesystem:
    rootdirectory: $cache/registry/data
http:
  addr: $registry
EOF2
  # Debian's package enables a registry of its own on every interface where systemd runs: not wanted, stopped.
  if command -v systemctl >/dev/null && systemctl is-enabled --quiet docker-registry 2>/dev/null; then
    log "disabling Debian's docker-registry service (it listens on every interface)"
    as_root systemctl disable --now docker-registry >/dev/null 2>&1 || true
  fi
  log "starting docker-registry on $registry"
  setsid nohup docker-registry serve "$cache/registry/config.yml" >"$cache/registry/registry.log" 2>&1 </dev/null &
  for _ in $(seq 50); do curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && return; sleep 0.2; done
  tail -n 20 "$cache/registry/registry.log" >&2; exit 1
}

# The service images' base (scripts/images/dotnet.Containerfile): this SDK's runtimes only, packed reproducibly so
# that an unchanged runtime keeps the image's stamp. Pushed to the loopback registry and pinned by digest where it is
# used (another local user could push over the tag, not forge the digest): the reference is left in
# $cache/service-base-image for the tests.
build_dotnet_base_image() {
  local dotnet_root; dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  local runtime=$cache/dotnet-runtime.tar
  tar -C "$dotnet_root" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$runtime.new" \
    dotnet LICENSE.txt ThirdPartyNotices.txt host shared/Microsoft.NETCore.App shared/Microsoft.AspNetCore.App
  mv "$runtime.new" "$runtime"
  build_image localhost/gryphgen-dotnet 10 dotnet.Containerfile "$runtime"
  start_loopback_registry
  local digest; digest=$(mktemp)
  as_root podman push -q --tls-verify=false --digestfile "$digest" localhost/gryphgen-dotnet:10 "$registry/gryphgen-dotnet:10"
  echo "$registry/gryphgen-dotnet@$(cat "$digest")" >"$cache/service-base-image"
  rm -f "$digest"
  log "service images' base: $(cat "$cache/service-base-image")"
}

fetch_llama_cpp_source() {
  local src=$cache/llama.cpp
  if [ ! -d "$src/.git" ]; then
    log "fetching llama.cpp source from node-llama-cpp@$node_llama_cpp_version"
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-llama-cpp@$node_llama_cpp_version" >/dev/null \
      && tar -xzf node-llama-cpp-*.tgz package/llama/gitRelease.bundle)
    git -c advice.detachedHead=false clone -q "$tmp/package/llama/gitRelease.bundle" "$src"
    rm -rf "$tmp"
  fi
  echo "$src"
}

build_llama_server() {
  local src=$1
  local commit; commit=$(git -C "$src" rev-parse --short HEAD)
  local out=$cache/llama-server-$commit
  if [ ! -x "$out/llama-server" ]; then
    log "building llama-server $commit (about 13 minutes on 2 cores, once per machine)"
    cmake -S "$src" -B "$out/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=OFF \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
      -DLLAMA_CURL=OFF >/dev/null
    cmake --build "$out/build" --target llama-server -j"$(nproc)" >"$out/build.log" 2>&1 \
      || { tail -n 40 "$out/build.log"; exit 1; }
    cp "$out/build/bin/llama-server" "$out/llama-server"
    rm -rf "$out/build"
  fi
  ln -sfn "$out/llama-server" "$cache/bin/llama-server"
  log "llama-server: $cache/bin/llama-server"
}

make_tiny_model() {
  local src=$1 model=$cache/models/tiny-random.gguf
  local generator=$repo_root/scripts/make_tiny_gguf.py
  local stamp; stamp=$(sha256sum "$generator" | cut -c1-16)
  if [ ! -f "$model" ] || [ "$(cat "$model.stamp" 2>/dev/null)" != "$stamp" ]; then
    log "generating the tiny random-weight test model"
    PYTHONPATH="$src/gguf-py" /usr/bin/python3 "$generator" "$model"
    echo "$stamp" >"$model.stamp"
  fi
  log "test model: $model"
}

containers=false
for arg in "$@"; do
  case $arg in
    --containers) containers=true ;;
    *) echo "usage: scripts/setup.sh [--containers]   (--containers: also build containers mode's images)" >&2; exit 2 ;;
  esac
done

install_debian_packages
configure_podman
# The container sandbox's default image (Sandbox:Image): the toolchains generated code is built and tested with.
build_image localhost/gryphgen-sandbox 1 sandbox.Containerfile
install_pgvector
llama_src=$(fetch_llama_cpp_source)
build_llama_server "$llama_src"
make_tiny_model "$llama_src"
if $containers; then build_infrastructure_images; fi
log "done"
