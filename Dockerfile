# Fresco in a container: a static binary (SQLite is pure Go, no cgo) on a
# distroless base, running as a non-root user.
#
#   docker build -t fresco .
#   docker run -p 8080:8080 -v fresco-data:/data fresco
#
# The database defaults to /data/fresco.db (its secret key is made beside it,
# /data/fresco.db.key); set FRESCO_DB=postgres://… and FRESCO_SECRET_KEY_FILE
# (a mounted secret from `fresco secrets new-key`) for PostgreSQL. Create the first owner with
#   docker run -i -v fresco-data:/data fresco user create --email you@example.com --role owner --name You

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/fresco-cx/fresco/internal/cli.version=${VERSION}" \
    -o /out/fresco ./cmd/fresco \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fresco /fresco
COPY --from=build --chown=nonroot:nonroot /out/data /data
USER nonroot:nonroot
ENV FRESCO_DB=sqlite:/data/fresco.db \
    FRESCO_ADDR=0.0.0.0:8080
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["/fresco", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/fresco"]
CMD ["serve"]
