# syntax=docker/dockerfile:1
# quilt-mcp container image: the single compiled binary on a minimal, non-root base.
#
#   make image                       (docker build -t quilt-mcp:<version> .)
#   docker buildx build --platform linux/amd64,linux/arm64 .   (release workflow)
#
# The build stage runs on the build machine's platform and cross-compiles for the target with
# `deno compile --target`, using the permission flags of server/permissions.txt (the same flags as
# `make build` and the tests). The runtime stage holds nothing but the binary: no shell, no package
# manager, no curl (the health check is the binary's own `healthcheck` command).
ARG DENO_VERSION=2.9.6

FROM --platform=$BUILDPLATFORM denoland/deno:debian-${DENO_VERSION} AS build
ARG TARGETARCH
WORKDIR /src
COPY deno.json deno.lock ./
COPY policies/ policies/
COPY server/ server/
# --no-code-cache: a compiled binary otherwise writes a V8 code cache to the temp directory on its
# first run; the container runs with a read-only root filesystem and usually runs only once.
RUN set -eu; \
    case "$TARGETARCH" in \
      amd64) target=x86_64-unknown-linux-gnu ;; \
      arm64) target=aarch64-unknown-linux-gnu ;; \
      *) echo "unsupported TARGETARCH=$TARGETARCH" >&2; exit 1 ;; \
    esac; \
    deno compile --frozen --no-code-cache $(grep -v '^\s*#' server/permissions.txt | tr '\n' ' ') \
      --target "$target" --output /out/quilt-mcp server/main.ts

# distroless/cc: glibc and libgcc, which the Deno runtime links against; "nonroot" = UID/GID 65532.
FROM gcr.io/distroless/cc-debian12:nonroot
ARG DENO_VERSION
LABEL org.opencontainers.image.title="quilt-mcp" \
      org.opencontainers.image.description="Secure MCP server for Quilt data on AWS" \
      org.opencontainers.image.licenses="Apache-2.0" \
      io.quilt-mcp.deno-version="${DENO_VERSION}"
COPY --from=build --chown=0:0 --chmod=0555 /out/quilt-mcp /quilt-mcp
# Nothing is written at runtime; HOME and DENO_DIR point at /tmp so that any cache the runtime might
# want lands on a path an operator can back with a writable volume (it falls back to memory).
ENV HOME=/tmp \
    DENO_DIR=/tmp/deno-dir \
    QUILT_MCP_TRANSPORT=http \
    QUILT_MCP_HOST=0.0.0.0 \
    QUILT_MCP_PORT=8080 \
    QUILT_MCP_USE_QUILT3_LOGIN=false
USER 65532:65532
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/quilt-mcp", "healthcheck"]
ENTRYPOINT ["/quilt-mcp"]
CMD ["serve"]
